"""The encrypted, streaming backup archive format (no Django here: only bytes and a key).

On disk::

    magic "QORGAU-BACKUP\\x00" | version (1 byte) | archive id (16 random bytes)
    | key check (16 bytes: HMAC-SHA256 of the archive id under the backup key, cut)
    then chunks: length (4 bytes, big-endian) | nonce (12) | AES-256-GCM ciphertext and tag

Every chunk holds up to CHUNK_BYTES of the plain stream. Its associated data is the header
followed by the chunk index (8 bytes) and a final flag (1 byte), so a chunk moved to another
place, copied from another archive, or dropped from the middle does not open, and an archive
cut after any chunk is missing its final chunk. Memory stays at about one chunk.

The plain stream is a sequence of entries, each a header (4-byte length + JSON: name, kind) and
its data as length-prefixed blocks ending with an empty block. The last entry is the manifest
(kind "manifest"): the SHA-256 and size of every other entry and what the backup contains.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from qorgau.core.crypto import CryptoError, _decode_key

MAGIC = b"QORGAU-BACKUP\x00"
VERSION = 1
HEADER_BYTES = len(MAGIC) + 1 + 16 + 16
CHUNK_BYTES = 1024 * 1024
NONCE_BYTES = 12
BLOCK_BYTES = 256 * 1024


class ArchiveError(Exception):
    """An archive that cannot be trusted. The text is for the operator; `code` is stable."""

    MESSAGES = {
        "not_archive": "this file is not a Qorgau backup archive",
        "version": "this archive was written by a newer Qorgau (unknown format version)",
        "wrong_key": "the backup key does not open this archive (wrong QORGAU_BACKUP_KEY?)",
        "tampered": "chunk {n} of the archive was altered, moved or copied from another archive",
        "truncated": "the archive is truncated (it ends after chunk {n} without its final chunk)",
        "trailing": "the archive has data after its final chunk",
        "structure": "the archive's contents are malformed",
        "manifest": "the manifest does not match the contents: {detail}",
        "no_manifest": "the archive has no manifest",
        "no_key": "QORGAU_BACKUP_KEY is not set (a base64 32-byte key, not one of the data keys)",
        "bad_key": "QORGAU_BACKUP_KEY is not a valid key: {detail}",
    }

    def __init__(self, code: str, **kwargs):
        self.code = code
        super().__init__(self.MESSAGES[code].format(**kwargs))


def parse_key(text: str) -> bytes:
    if not text or not text.strip():
        raise ArchiveError("no_key")
    try:
        return _decode_key(text)
    except CryptoError as exc:
        raise ArchiveError("bad_key", detail=str(exc).split(": ", 1)[-1]) from None


def _key_check(key: bytes, archive_id: bytes) -> bytes:
    return hmac.new(key, b"qorgau-backup-key-check\x00" + archive_id, hashlib.sha256).digest()[:16]


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


class EncryptedWriter:
    """A write-only file object that encrypts what is written into chunks."""

    def __init__(self, out: BinaryIO, key: bytes, archive_id: bytes | None = None):
        self._out = out
        self._aead = AESGCM(key)
        self.archive_id = archive_id or secrets.token_bytes(16)
        self._header = MAGIC + bytes([VERSION]) + self.archive_id + _key_check(key, self.archive_id)
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        out.write(self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:  # keep at least one byte back for the final chunk
            self._emit(bytes(self._buffer[:CHUNK_BYTES]), final=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _emit(self, plain: bytes, *, final: bool) -> None:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plain, _aad(self._header, self._index, final))
        self._out.write(struct.pack(">I", NONCE_BYTES + len(sealed)) + nonce + sealed)
        self._index += 1

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True


def decrypted_chunks(src: BinaryIO, key: bytes) -> Iterator[bytes]:
    """The plain stream, chunk by chunk; raises ArchiveError at the first chunk that is wrong."""
    header = src.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        raise ArchiveError("not_archive")
    if header[len(MAGIC)] != VERSION:
        raise ArchiveError("version")
    archive_id = header[len(MAGIC) + 1 : len(MAGIC) + 17]
    if not hmac.compare_digest(header[len(MAGIC) + 17 :], _key_check(key, archive_id)):
        raise ArchiveError("wrong_key")
    aead = AESGCM(key)
    index = 0
    while True:
        prefix = src.read(4)
        if len(prefix) < 4:
            raise ArchiveError("truncated", n=index)
        (length,) = struct.unpack(">I", prefix)
        if length < NONCE_BYTES + 16 or length > CHUNK_BYTES + NONCE_BYTES + 16:
            raise ArchiveError("tampered", n=index)
        body = src.read(length)
        if len(body) < length:
            raise ArchiveError("truncated", n=index)
        nonce, sealed = body[:NONCE_BYTES], body[NONCE_BYTES:]
        for final in (False, True):
            try:
                plain = aead.decrypt(nonce, sealed, _aad(header, index, final))
                break
            except InvalidTag:
                continue
        else:
            raise ArchiveError("tampered", n=index)
        yield plain
        index += 1
        if final:
            if src.read(1):
                raise ArchiveError("trailing")
            return


class _PlainReader:
    """Reads exact byte counts from the decrypted chunk stream."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._buffer = b""
        self._pos = 0

    def read(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            if self._pos >= len(self._buffer):
                try:
                    self._buffer, self._pos = next(self._chunks), 0
                except StopIteration:
                    break
                continue
            take = self._buffer[self._pos : self._pos + n - len(out)]
            self._pos += len(take)
            out += take
        return bytes(out)

    def at_end(self) -> bool:
        return not self.read(1)


# --- entries ---------------------------------------------------------------------------------------


class ArchiveWriter:
    """Entries into an EncryptedWriter; keeps the hashes for the manifest."""

    def __init__(self, out: BinaryIO, key: bytes):
        self._enc = EncryptedWriter(out, key)
        self.entries: list[dict] = []

    @property
    def archive_id(self) -> str:
        return self._enc.archive_id.hex()

    def add_stream(self, name: str, kind: str, stream: BinaryIO) -> dict:
        """Copy a readable stream into one entry, block by block."""
        head = json.dumps({"name": name, "kind": kind}, ensure_ascii=False).encode()
        self._enc.write(struct.pack(">I", len(head)) + head)
        digest, size = hashlib.sha256(), 0
        while block := stream.read(BLOCK_BYTES):
            digest.update(block)
            size += len(block)
            self._enc.write(struct.pack(">I", len(block)) + block)
        self._enc.write(struct.pack(">I", 0))
        entry = {"name": name, "kind": kind, "sha256": digest.hexdigest(), "size": size}
        self.entries.append(entry)
        return entry

    def finish(self, meta: dict) -> dict:
        import io

        manifest = {"archive_id": self.archive_id, "meta": meta, "entries": self.entries}
        data = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()
        self.add_stream("manifest.json", "manifest", io.BytesIO(data))
        self._enc.close()
        return manifest


def read_entries(src: BinaryIO, key: bytes, sink=None) -> dict:
    """Walk an archive, checking every chunk and every entry's hash against the manifest.

    ``sink(entry_header)`` may return a callable taking each data block (or None to skip); it is
    called for every entry but the manifest. Returns the manifest. Raises ArchiveError.
    """
    reader = _PlainReader(decrypted_chunks(src, key))
    seen: list[dict] = []
    manifest = None
    while True:
        prefix = reader.read(4)
        if not prefix:
            break
        if len(prefix) < 4 or manifest is not None:
            raise ArchiveError("structure")
        (length,) = struct.unpack(">I", prefix)
        try:
            head = json.loads(reader.read(length))
            name, kind = head["name"], head["kind"]
        except (ValueError, KeyError, TypeError):
            raise ArchiveError("structure") from None
        target = sink(head) if sink and kind != "manifest" else None
        digest, size, blocks = hashlib.sha256(), 0, []
        while True:
            raw = reader.read(4)
            if len(raw) < 4:
                raise ArchiveError("structure")
            (n,) = struct.unpack(">I", raw)
            if n == 0:
                break
            block = reader.read(n)
            if len(block) < n:
                raise ArchiveError("structure")
            digest.update(block)
            size += n
            if kind == "manifest":
                blocks.append(block)
            elif target:
                target(block)
        if kind == "manifest":
            try:
                manifest = json.loads(b"".join(blocks))
            except ValueError:
                raise ArchiveError("structure") from None
        else:
            seen.append({"name": name, "kind": kind, "sha256": digest.hexdigest(), "size": size})
    if manifest is None:
        raise ArchiveError("no_manifest")
    if manifest.get("entries") != seen:
        listed = {e["name"]: e for e in manifest.get("entries", [])}
        for entry in seen:
            if listed.get(entry["name"]) != entry:
                raise ArchiveError("manifest", detail=f"{entry['name']} differs")
        raise ArchiveError("manifest", detail="entries are missing")
    return manifest
