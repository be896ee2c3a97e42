"""Field encryption (AES-256-GCM) with key rotation, and blind indexes (HMAC-SHA256).

Sealed token: ``q1.<kid>.<base64url, no padding, of nonce(12) || ciphertext || tag(16)>``.
The GCM associated data is the token header ``q1.<kid>.`` followed by the caller's ``aad``; build
the latter with ``aad_for(table, row_id, field)`` so a ciphertext copied to another row or field
does not open.

Key ring string (from the environment): ``"k2:<base64 32 bytes>,k1:<base64 32 bytes>"``. The first
key seals; every key opens. To rotate: put a new key first, re-seal the rows for which
``needs_rotation`` is true, then drop the old key.

Blind index: ``blind_index(key, domain, value)`` is a keyed hash for equality search on encrypted
values (e.g. domain "iin"). Normalise the value first (``normalize_iin``, ``normalize_phone``, a
name token); the index key cannot rotate without recomputing every index.

Key material never appears in an exception, a repr or a log line from this module. CryptoError is
for operators and logs, so its text is plain English and ``code`` is the stable part.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
TOKEN_VERSION = "q1"

_KID = re.compile(r"[a-z0-9]{1,16}")
_B64URL_NOPAD = re.compile(r"[A-Za-z0-9_-]+")

_MESSAGES = {
    "empty": "the key ring is empty",
    "format": "malformed key string or token",
    "key_id": "key ids are 1-16 characters a-z and 0-9",
    "duplicate_key_id": "a key id appears twice in the key ring",
    "key_encoding": "a key is not valid base64",
    "key_length": "a key must be exactly 32 bytes",
    "unknown_key": "the token was sealed with a key that is not in the key ring",
    "aad_or_tamper": "the token does not open: wrong row/field, or it was altered",
}


class CryptoError(Exception):
    """``code``: empty, format, key_id, duplicate_key_id, key_encoding, key_length, unknown_key,
    aad_or_tamper."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(f"{code}: {_MESSAGES[code]}")


def _decode_key(text: str) -> bytes:
    """Standard or URL-safe base64, padding optional, to exactly 32 bytes."""
    text = text.strip().replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError("key_encoding") from None  # `from None`: keep the key out of tracebacks
    if len(key) != KEY_BYTES:
        raise CryptoError("key_length")
    return key


def _check_kid(kid: str) -> str:
    if not isinstance(kid, str) or not _KID.fullmatch(kid):
        raise CryptoError("key_id")
    return kid


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    if not _B64URL_NOPAD.fullmatch(text):
        raise CryptoError("format")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise CryptoError("format") from None
    # Only the canonical encoding is accepted: otherwise unused low bits of the last character could
    # be changed and the token would still open (harmless, but tokens should not be malleable).
    if _b64url(data) != text:
        raise CryptoError("format")
    return data


def _split_token(token: str) -> tuple[str, str]:
    if not isinstance(token, str):
        raise CryptoError("format")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_VERSION or not _KID.fullmatch(parts[1]):
        raise CryptoError("format")
    return parts[1], parts[2]


class KeyRing:
    """Encryption keys by id; the first one is active (seals), all of them open."""

    __slots__ = ("_active", "_aead")

    def __init__(self, keys: list[tuple[str, bytes]]):
        if not keys:
            raise CryptoError("empty")
        self._aead: dict[str, AESGCM] = {}
        for kid, key in keys:
            _check_kid(kid)
            if kid in self._aead:
                raise CryptoError("duplicate_key_id")
            if not isinstance(key, bytes) or len(key) != KEY_BYTES:
                raise CryptoError("key_length")
            self._aead[kid] = AESGCM(key)
        self._active = keys[0][0]

    @classmethod
    def from_string(cls, text: str) -> KeyRing:
        """Parse ``"k2:<base64>,k1:<base64>"`` (whitespace around entries is ignored)."""
        if not isinstance(text, str) or not text.strip():
            raise CryptoError("empty")
        keys = []
        for entry in text.split(","):
            kid, sep, encoded = entry.strip().partition(":")
            if not sep:
                raise CryptoError("format")
            keys.append((_check_kid(kid), _decode_key(encoded)))
        return cls(keys)

    @property
    def active_id(self) -> str:
        return self._active

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._aead)

    def __repr__(self) -> str:
        return f"KeyRing(active={self._active!r}, key_ids={self.key_ids!r})"

    def __reduce__(self):
        raise TypeError("a KeyRing is not pickled: it holds key material")

    def seal(self, plaintext: str, aad: bytes) -> str:
        """Encrypt with the active key and a fresh random nonce."""
        if not isinstance(plaintext, str) or not isinstance(aad, bytes):
            raise TypeError("seal(plaintext: str, aad: bytes)")
        kid = self._active
        nonce = secrets.token_bytes(NONCE_BYTES)
        header = f"{TOKEN_VERSION}.{kid}."
        sealed = self._aead[kid].encrypt(nonce, plaintext.encode("utf-8"), header.encode("ascii") + aad)
        return header + _b64url(nonce + sealed)

    def open(self, token: str, aad: bytes) -> str:
        """Decrypt a token sealed by any key of the ring, for exactly this ``aad``."""
        if not isinstance(aad, bytes):
            raise TypeError("open(token: str, aad: bytes)")
        kid, body = _split_token(token)
        aead = self._aead.get(kid)
        if aead is None:
            raise CryptoError("unknown_key")
        data = _unb64url(body)
        if len(data) < NONCE_BYTES + TAG_BYTES:
            raise CryptoError("format")
        header = f"{TOKEN_VERSION}.{kid}.".encode("ascii")
        try:
            plain = aead.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], header + aad)
        except InvalidTag:
            raise CryptoError("aad_or_tamper") from None
        return plain.decode("utf-8")  # authenticated, so it is the UTF-8 that seal() wrote

    def key_id_of(self, token: str) -> str:
        return _split_token(token)[0]

    def needs_rotation(self, token: str) -> bool:
        """True when the token was sealed with a key other than the active one."""
        return self.key_id_of(token) != self._active


def _length_prefixed(*parts: str) -> bytes:
    out = bytearray()
    for part in parts:
        if not isinstance(part, str):
            raise TypeError("expected str")
        data = part.encode("utf-8")
        out += len(data).to_bytes(4, "big") + data
    return bytes(out)


def aad_for(table: str, row_id: str, field: str) -> bytes:
    """Associated data binding a ciphertext to its table, row and field.

    Length-prefixed UTF-8 after a version tag, so no two different triples give the same bytes
    (("a", "bc") and ("ab", "c") differ). Pass the row id as a str, e.g. ``str(obj.pk)``.
    """
    return b"qorgau-aad-v1\x00" + _length_prefixed(table, row_id, field)


class IndexKey:
    """The blind-index key: ``"<base64 32 bytes>"`` or ``"<kid>:<base64 32 bytes>"``."""

    __slots__ = ("_key", "kid")

    def __init__(self, key: bytes, kid: str | None = None):
        if not isinstance(key, bytes) or len(key) != KEY_BYTES:
            raise CryptoError("key_length")
        self._key = key
        self.kid = None if kid is None else _check_kid(kid)

    @classmethod
    def from_string(cls, text: str) -> IndexKey:
        if not isinstance(text, str) or not text.strip():
            raise CryptoError("empty")
        kid, sep, encoded = text.strip().rpartition(":")
        return cls(_decode_key(encoded), _check_kid(kid) if sep else None)

    @property
    def key(self) -> bytes:
        return self._key

    def __repr__(self) -> str:
        return f"IndexKey(kid={self.kid!r})"

    def __reduce__(self):
        raise TypeError("an IndexKey is not pickled: it holds key material")

    def index(self, domain: str, value: str) -> str:
        return blind_index(self._key, domain, value)


def blind_index(key: bytes, domain: str, value: str) -> str:
    """HMAC-SHA256 of (domain, value), 32 hex characters (128 bits). Same input, same output."""
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise CryptoError("key_length")
    if not isinstance(domain, str) or not domain:
        raise ValueError("blind_index needs a non-empty domain")
    message = b"qorgau-bi-v1\x00" + _length_prefixed(domain, value)
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def generate_key_string(kid: str) -> str:
    """A fresh ``"<kid>:<base64url 32 bytes>"`` entry for an operator's key ring."""
    _check_kid(kid)
    return f"{kid}:{base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode('ascii')}"
