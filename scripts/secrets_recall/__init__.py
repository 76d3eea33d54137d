"""Held-out secret-detection recall benchmark for drydock.

Everything here is generated at run time from documented token formats and from how real
configuration files look; nothing is copied from drydock's rule data or other scanners' tests.
"""
