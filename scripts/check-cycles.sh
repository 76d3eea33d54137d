#!/usr/bin/env bash
# Fails when modules of any workspace crate import each other in a circle
# (see scripts/check-cycles.py for what counts). CI runs it after clippy.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/check-cycles.py --self-test
python3 scripts/check-cycles.py "$@"
