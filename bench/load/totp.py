"""RFC 6238 codes with django-otp's defaults (SHA-1, 30 s, 6 digits), for the load test's sign-ins."""

import hashlib
import hmac
import struct
import time


def totp(hex_key: str, at: float | None = None) -> str:
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"
