"""Evidence at rest: each item's bytes encrypted in chunks under settings.MEDIA_ROOT.

- A fresh 256-bit key per item, kept in the item's row in an EncryptedField: sealed by the data
  key ring, bound to its row, re-wrapped by `qorgau keys rotate`.
- The plaintext is cut into chunks of QORGAU_EVIDENCE_CHUNK_BYTES; each chunk is sealed with
  AES-256-GCM under a fresh nonce, with associated data binding it to the item id, its index and
  whether it is the last one. A chunk moved, swapped, removed from the end or taken from another
  item does not open.
- The SHA-256 of the plaintext is computed while it streams in; nothing ever holds more than one
  chunk of it.

File layout (``evidence/<id[:2]>/<id>.qev``)::

    b"QEV1" | chunk_bytes (4, big endian)
    then per chunk: length of sealed bytes (4) | nonce (12) | ciphertext and tag

A writer first writes to ``evidence/staging/``; `commit()` renames into place (same file system),
`abort()` removes everything, so a refused or failed upload leaves nothing behind.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

MAGIC = b"QEV1"
NONCE = 12
TAG = 16
AAD_PREFIX = b"qorgau-evidence-chunk-v1\x00"


class TamperedError(Exception):
    """The stored bytes are not what was written: ``index`` is the first chunk that does not open."""

    def __init__(self, index: int | None, reason: str):
        self.index = index
        self.reason = reason
        super().__init__(f"chunk {index}: {reason}" if index is not None else reason)


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def path_for(item_id) -> Path:
    text = str(item_id)
    return root() / text[:2] / f"{text}.qev"


def chunk_aad(item_id, index: int, final: bool) -> bytes:
    return (
        AAD_PREFIX
        + uuid.UUID(str(item_id)).bytes
        + index.to_bytes(8, "big")
        + (b"\x01" if final else b"\x00")
    )


def item_key(item) -> bytes:
    """The item's key, opened from its EncryptedField (the key ring unwraps it)."""
    return base64.b64decode(item.wrapped_key)


def key_text(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


class ChunkWriter:
    """Stream plaintext in with `write()`; `finish()` seals the last chunk and returns
    (size, sha256 hex, chunk count). `peak_buffered` is the most plaintext ever held at once."""

    def __init__(self, item_id=None, chunk_bytes: int | None = None):
        self.item_id = uuid.UUID(str(item_id)) if item_id else uuid.uuid4()
        self.chunk_bytes = int(chunk_bytes or settings.QORGAU_EVIDENCE_CHUNK_BYTES)
        self.key = AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self.key)
        self._hash = hashlib.sha256()
        self._buffer = bytearray()
        self.size = 0
        self.chunks = 0
        self.peak_buffered = 0
        staging = root() / "staging"
        staging.mkdir(parents=True, exist_ok=True)
        self.staging_path = staging / f"{self.item_id}.part"
        self._file = open(self.staging_path, "xb")  # noqa: SIM115 - closed by finish()/abort()
        self._file.write(MAGIC + self.chunk_bytes.to_bytes(4, "big"))
        self.finished = False

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        self._hash.update(view)  # once per piece received, not per chunk slice
        self.size += len(view)
        while view:
            room = self.chunk_bytes - len(self._buffer)
            if room == 0:
                self._seal(final=False)
                continue
            piece, view = view[:room], view[room:]
            self._buffer += piece
            self.peak_buffered = max(self.peak_buffered, len(self._buffer))

    def _seal(self, *, final: bool) -> None:
        nonce = secrets.token_bytes(NONCE)
        sealed = self._aead.encrypt(nonce, self._buffer, chunk_aad(self.item_id, self.chunks, final))
        self._file.write(len(sealed).to_bytes(4, "big") + nonce + sealed)
        self._buffer.clear()
        self.chunks += 1

    def finish(self) -> tuple[int, str, int]:
        self._seal(final=True)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self.finished = True
        return self.size, self._hash.hexdigest(), self.chunks

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def commit(self) -> Path:
        """Move the sealed file into place (after the database row is written)."""
        target = path_for(self.item_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.staging_path, target)
        return target

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.staging_path.unlink(missing_ok=True)
        path_for(self.item_id).unlink(missing_ok=True)


def read_chunks(item_id, key: bytes, path: Path | None = None) -> Iterator[bytes]:
    """The plaintext, one chunk at a time; raises TamperedError at the first chunk that does not
    open (altered, moved, swapped, from another item) or when the last chunk is missing."""
    path = path or path_for(item_id)
    aead = AESGCM(key)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, also when the reader stops early
    except FileNotFoundError:
        raise TamperedError(None, "the stored file is missing") from None
    with handle:
        header = handle.read(8)
        if len(header) != 8 or header[:4] != MAGIC:
            raise TamperedError(None, "not an evidence file")
        index = 0
        while True:
            prefix = handle.read(4)
            if not prefix:
                raise TamperedError(index, "the file ends before its last chunk")
            length = int.from_bytes(prefix, "big")
            body = handle.read(NONCE + length)
            if len(prefix) != 4 or len(body) != NONCE + length or length < TAG:
                raise TamperedError(index, "a chunk is cut short")
            nonce, sealed = body[:NONCE], body[NONCE:]
            final = handle.peek(1)[:1] == b"" if hasattr(handle, "peek") else False
            try:
                plain = aead.decrypt(nonce, sealed, chunk_aad(item_id, index, final))
            except InvalidTag:
                if not final:
                    # Perhaps it is the real last chunk and something was appended after it.
                    try:
                        aead.decrypt(nonce, sealed, chunk_aad(item_id, index, True))
                    except InvalidTag:
                        pass
                    else:
                        raise TamperedError(index + 1, "bytes were added after the last chunk") from None
                    raise TamperedError(index, "a chunk was altered, moved or removed") from None
                raise TamperedError(
                    index, "a chunk was altered, moved or removed, or the end is missing"
                ) from None
            yield plain
            if final:
                return
            index += 1


def verify(item_id, key: bytes, sha256: str, size: int) -> None:
    """Read everything back: every chunk opens and the bytes hash to what was recorded."""
    digest, total = hashlib.sha256(), 0
    for plain in read_chunks(item_id, key):
        digest.update(plain)
        total += len(plain)
    if total != size or digest.hexdigest() != sha256:
        raise TamperedError(None, "the bytes do not match the recorded SHA-256")


def staging_sweep(max_age_hours: int | None = None, now: float | None = None) -> int:
    """Remove staged files older than `max_age_hours` (QORGAU_EVIDENCE_STAGING_MAX_HOURS): a
    writer that crashed between its first byte and `commit()`/`abort()`. Returns how many. A
    running upload keeps writing to its file, so its modification time stays recent."""
    import time

    hours = settings.QORGAU_EVIDENCE_STAGING_MAX_HOURS if max_age_hours is None else max_age_hours
    cutoff = (now if now is not None else time.time()) - hours * 3600
    staging = root() / "staging"
    removed = 0
    if not staging.is_dir():
        return 0
    for path in staging.glob("*.part"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # finished or aborted meanwhile
            continue
    return removed
