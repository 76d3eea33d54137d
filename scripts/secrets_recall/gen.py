"""Seeded random helpers shared by the token and file generators."""

import base64
import binascii
import json
import random
import string
import urllib.parse

UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
DIGITS = string.digits
ALNUM = UPPER + LOWER + DIGITS
BASE62 = DIGITS + UPPER + LOWER  # GitHub/npm checksum alphabet: 0-9A-Za-z
HEX = "0123456789abcdef"
UHEX = HEX.upper()
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
B32 = UPPER + "234567"
LALNUM = LOWER + DIGITS
UALNUM = UPPER + DIGITS


class Gen:
    """A thin wrapper around one seeded `random.Random` so every generator is reproducible."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def s(self, alphabet, n):
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def hexs(self, n):
        return self.s(HEX, n)

    def alnum(self, n):
        return self.s(ALNUM, n)

    def digits(self, n):
        # no leading zero: ids are numbers
        return self.rng.choice("123456789") + self.s(DIGITS, n - 1)

    def between(self, a, b):
        return self.rng.randint(a, b)

    def choice(self, seq):
        return self.rng.choice(seq)

    def chance(self, p):
        return self.rng.random() < p

    def uuid(self):
        h = self.hexs(32)
        h = h[:12] + "4" + h[13:16] + self.choice("89ab") + h[17:]
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def b64bytes(self, nbytes, urlsafe=False, pad=True):
        raw = bytes(self.rng.getrandbits(8) for _ in range(nbytes))
        out = base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)
        out = out.decode()
        return out if pad else out.rstrip("=")

    def password(self, n=None):
        """A human-chosen-looking but strong password: letters, digits and a few symbols."""
        n = n or self.between(14, 24)
        while True:
            pw = self.s(ALNUM + "!%*+-._~", n)
            if (any(c.isdigit() for c in pw) and any(c.isupper() for c in pw)
                    and any(c.islower() for c in pw)):
                return pw


def url_pw(pw):
    """Percent-encode a password for the userinfo of a URL, as RFC 3986 requires."""
    return urllib.parse.quote(pw, safe="")


def b64(s):
    return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


def b64url_json(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def base62_encode(n, width):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = BASE62[r] + out
    return out.rjust(width, "0")


def crc32_base62_token(g, prefix, body_len=30):
    """GitHub (2021) and npm token layout: prefix + base62 body + 6-char base62 CRC32 of the body."""
    body = g.alnum(body_len)
    return prefix + body + base62_encode(binascii.crc32(body.encode()) & 0xFFFFFFFF, 6)


def jwt(g, payload, alg="HS256", sig_bytes=32):
    header = b64url_json({"alg": alg, "typ": "JWT"})
    return f"{header}.{b64url_json(payload)}.{g.b64bytes(sig_bytes, urlsafe=True, pad=False)}"
