"""Chunked encryption at rest: bounded buffering, and every kind of tampering is detected."""

import hashlib
import os

import pytest

from qorgau.evidence import storage


def write(data: bytes, piece=777, chunk=1000, item_id=None):
    writer = storage.ChunkWriter(item_id=item_id, chunk_bytes=chunk)
    for start in range(0, len(data), piece):
        writer.write(data[start : start + piece])
    size, sha, chunks = writer.finish()
    writer.commit()
    return writer, size, sha, chunks


def records(path):
    """The chunk records of a stored file: (offset, length of record)."""
    raw = path.read_bytes()
    out, offset = [], 8
    while offset < len(raw):
        length = int.from_bytes(raw[offset : offset + 4], "big")
        out.append((offset, 4 + 12 + length))
        offset += 4 + 12 + length
    return raw, out


def test_streaming_holds_at_most_one_chunk_and_reads_back(db):
    data = os.urandom(7770)
    writer, size, sha, chunks = write(data, piece=2500, chunk=1000)
    assert writer.peak_buffered <= 1000  # pieces of 2,500 bytes never sit whole in the buffer
    assert (size, sha, chunks) == (7770, hashlib.sha256(data).hexdigest(), 8)
    parts = list(storage.read_chunks(writer.item_id, writer.key))
    assert [len(p) for p in parts] == [1000] * 7 + [770]
    assert b"".join(parts) == data
    assert data[:64] not in storage.path_for(writer.item_id).read_bytes()  # not stored in clear


def test_an_exact_multiple_of_the_chunk_size_ends_with_a_final_chunk(db):
    writer, size, sha, chunks = write(b"x" * 3000, chunk=1000)
    assert chunks == 3
    storage.verify(writer.item_id, writer.key, sha, size)


def test_a_changed_byte_is_found_in_its_chunk(db):
    writer, *_ = write(os.urandom(5000))
    path = storage.path_for(writer.item_id)
    raw, recs = records(path)
    offset, _length = recs[2]
    raw = bytearray(raw)
    raw[offset + 30] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(storage.TamperedError) as error:
        b"".join(storage.read_chunks(writer.item_id, writer.key))
    assert error.value.index == 2


def test_reordered_chunks_do_not_open(db):
    writer, *_ = write(os.urandom(5000))
    path = storage.path_for(writer.item_id)
    raw, recs = records(path)
    (a, la), (b, lb) = recs[0], recs[1]
    swapped = raw[:a] + raw[b : b + lb] + raw[a : a + la] + raw[b + lb :]
    path.write_bytes(swapped)
    with pytest.raises(storage.TamperedError) as error:
        list(storage.read_chunks(writer.item_id, writer.key))
    assert error.value.index == 0


def test_a_removed_last_chunk_and_added_bytes_are_found(db):
    writer, *_ = write(os.urandom(5000))
    path = storage.path_for(writer.item_id)
    raw, recs = records(path)
    last_offset, _ = recs[-1]
    path.write_bytes(raw[:last_offset])  # cut at a chunk boundary: the rest still opens
    with pytest.raises(storage.TamperedError, match="the end is missing"):
        list(storage.read_chunks(writer.item_id, writer.key))
    path.write_bytes(raw + raw[recs[0][0] : recs[0][0] + recs[0][1]])
    with pytest.raises(storage.TamperedError):
        list(storage.read_chunks(writer.item_id, writer.key))


def test_a_file_of_another_item_does_not_open_under_this_items_id(db):
    first, *_ = write(b"first item " * 300)
    second, *_ = write(b"second item " * 300)
    storage.path_for(second.item_id).write_bytes(storage.path_for(first.item_id).read_bytes())
    with pytest.raises(storage.TamperedError):
        list(storage.read_chunks(second.item_id, first.key))  # even with the right key


def test_the_item_key_is_sealed_in_its_row_only(db, worker, case):
    from django.db import connection

    from qorgau.core.crypto import CryptoError
    from qorgau.evidence import services
    from qorgau.evidence.demo import _screenshot, _stage
    from qorgau.evidence.models import EvidenceItem

    staged = _stage(_screenshot(1))
    key = storage.key_text(staged.writer.key)
    item = services.evidence_file_add(actor=worker, case=case, section="legal", staged=staged)
    other = services.evidence_file_add(
        actor=worker, case=case, section="legal", staged=_stage(_screenshot(2))
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT wrapped_key FROM evidence_evidenceitem WHERE id = %s", [item.pk.hex])
        (stored,) = cursor.fetchone() or (None,)
        if stored is None:  # PostgreSQL stores UUIDs natively
            cursor.execute("SELECT wrapped_key FROM evidence_evidenceitem WHERE id = %s", [str(item.pk)])
            (stored,) = cursor.fetchone()
        assert key not in stored and stored.startswith("q1.")  # sealed by the key ring
        cursor.execute(
            "UPDATE evidence_evidenceitem SET wrapped_key = %s WHERE id IN (%s, %s)",
            [stored, other.pk.hex, str(other.pk)],
        )
    assert storage.item_key(EvidenceItem.objects.get(pk=item.pk)) == staged.writer.key
    with pytest.raises(CryptoError):
        storage.item_key(EvidenceItem.objects.get(pk=other.pk))  # a key copied to another row does not open
