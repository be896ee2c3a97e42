"""Backup and restore on SQLite: a round trip while a writer keeps writing, and every way an
archive can be bad (truncated, altered, reordered, wrong key) failing with a clear message and
writing nothing."""

import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from tests.lifecycle.roundtrip import (
    BACKUP_KEY,
    REPO,
    audit_verify_output,
    compare_media,
    compare_tables,
    start_writer,
    subprocess_env,
    wait_for,
    write_media,
)

from qorgau.lifecycle import archive
from qorgau.lifecycle.archive import ArchiveError, parse_key
from qorgau.lifecycle.backup import RestoreRefused, backup_create, backup_restore, backup_verify

KEY = parse_key(BACKUP_KEY)
SQLITE = "django.db.backends.sqlite3"


def sqlite_rows(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        return {t: sorted(conn.execute(f'select * from "{t}"').fetchall(), key=repr) for t in tables}


def head_seq(path: Path) -> int:
    with sqlite3.connect(path, timeout=30) as conn:
        row = conn.execute("select coalesce(sum(seq), 0) from core_audithead").fetchone()
    return row[0] if row else 0


@pytest.fixture
def source(tmp_path):
    """A SQLite file database holding a real case (migrated and opened through the service in its
    own process, whatever database the tests run on) and media."""
    path = tmp_path / "source.sqlite3"
    media = tmp_path / "media"
    files = write_media(media)
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.lifecycle.seed"],
        env=subprocess_env(f"sqlite:///{path}", media),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    with sqlite3.connect(path) as conn:
        conn.execute("pragma journal_mode=wal")
    return path, media, files


def test_round_trip_while_the_server_writes(source, tmp_path):
    path, media, files = source
    env = subprocess_env(f"sqlite:///{path}", media)
    stop = tmp_path / "stop"
    writer = start_writer(env, stop)
    try:
        wait_for(lambda: head_seq(path) >= 20, process=writer)
        before = head_seq(path)
        out = tmp_path / "backup.qbk"
        manifest = backup_create(out=out, db={"ENGINE": SQLITE, "NAME": path}, media_root=media, key=KEY)
        wait_for(lambda: head_seq(path) > before + 20, process=writer)  # still writing after the snapshot
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read().decode()

    assert backup_verify(path=out, key=KEY)["archive_id"] == manifest["archive_id"]
    restored_db, restored_media = tmp_path / "restored.sqlite3", tmp_path / "restored-media"
    backup_restore(path=out, db={"ENGINE": SQLITE, "NAME": restored_db}, media_root=restored_media, key=KEY)

    source_rows, restored_rows = sqlite_rows(path), sqlite_rows(restored_db)
    compare_tables(source_rows, restored_rows)
    assert before <= head_seq(restored_db) < head_seq(path)  # the snapshot fell during the writes
    assert len(restored_rows["cases_case"]) == 1 and len(restored_rows["people_person"]) == 2
    compare_media(media, restored_media, files)
    assert "audit chain intact" in audit_verify_output(
        subprocess_env(f"sqlite:///{restored_db}", restored_media)
    )


@pytest.fixture
def small_archive(tmp_path, monkeypatch):
    """An archive of many small chunks (so chunks can be dropped and swapped)."""
    monkeypatch.setattr(archive, "CHUNK_BYTES", 4096)
    db = tmp_path / "small.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("create table t (x text)")
        conn.executemany("insert into t values (?)", [(f"row {i}" * 20,) for i in range(500)])
    media = tmp_path / "small-media"
    write_media(media)
    out = tmp_path / "small.qbk"
    backup_create(out=out, db={"ENGINE": SQLITE, "NAME": db}, media_root=media, key=KEY)
    return out


def chunk_offsets(data: bytes) -> list[tuple[int, int]]:
    offsets, pos = [], archive.HEADER_BYTES
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        offsets.append((pos, pos + 4 + length))
        pos += 4 + length
    return offsets


def damaged(out: Path, how: str) -> Path:
    data = out.read_bytes()
    chunks = chunk_offsets(data)
    if how == "truncated":
        data = data[: chunks[-1][0]]  # cut exactly at a chunk boundary: only the final flag tells
    elif how == "cut mid-chunk":
        data = data[: len(data) // 2]
    elif how == "byte flipped":
        middle = len(data) // 2
        data = data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]
    elif how == "chunks swapped":
        (a0, a1), (b0, b1) = chunks[3], chunks[4]
        data = data[:a0] + data[b0:b1] + data[a0:a1] + data[b1:]
    elif how == "chunk dropped":
        data = data[: chunks[2][0]] + data[chunks[2][1] :]
    elif how == "extra data":
        data = data + b"more"
    elif how == "not an archive":
        data = b"PGDMP" + data[5:]
    bad = out.with_name(f"bad-{how.replace(' ', '-')}.qbk")
    bad.write_bytes(data)
    return bad


@pytest.mark.parametrize(
    ("how", "code"),
    [
        ("truncated", "truncated"),
        ("cut mid-chunk", "truncated"),
        ("byte flipped", "tampered"),
        ("chunks swapped", "tampered"),
        ("chunk dropped", "tampered"),
        ("extra data", "trailing"),
        ("not an archive", "not_archive"),
    ],
)
def test_a_damaged_archive_fails_verify_and_restore_writes_nothing(small_archive, tmp_path, how, code):
    bad = damaged(small_archive, how)
    with pytest.raises(ArchiveError) as failure:
        backup_verify(path=bad, key=KEY)
    assert failure.value.code == code
    target, media = tmp_path / "target.sqlite3", tmp_path / "target-media"
    with pytest.raises(ArchiveError):
        backup_restore(path=bad, db={"ENGINE": SQLITE, "NAME": target}, media_root=media, key=KEY)
    assert not target.exists() and not media.exists()
    assert [p.name for p in tmp_path.iterdir() if "restoring" in p.name] == []


def test_the_wrong_key_is_named_and_nothing_is_written(small_archive, tmp_path):
    other = parse_key("b3RoZXItYmFja3VwLWtleS1xb3JnYXUtMzItYnl0ZSE=")
    with pytest.raises(ArchiveError, match="backup key does not open this archive"):
        backup_verify(path=small_archive, key=other)
    target = tmp_path / "target.sqlite3"
    with pytest.raises(ArchiveError):
        backup_restore(
            path=small_archive, db={"ENGINE": SQLITE, "NAME": target}, media_root=tmp_path / "m", key=other
        )
    assert not target.exists()


def test_the_intact_small_archive_verifies(small_archive):
    manifest = backup_verify(path=small_archive, key=KEY)
    assert [e["kind"] for e in manifest["entries"]] == ["db"] + ["media"] * 4


def test_restore_refuses_a_database_or_media_directory_that_is_not_empty(small_archive, tmp_path):
    target = tmp_path / "busy.sqlite3"
    with sqlite3.connect(target) as conn:
        conn.execute("create table keep_me (x)")
    with pytest.raises(RestoreRefused, match="not empty"):
        backup_restore(
            path=small_archive, db={"ENGINE": SQLITE, "NAME": target}, media_root=tmp_path / "m", key=KEY
        )
    with sqlite3.connect(target) as conn:
        assert conn.execute("select name from sqlite_master").fetchall() == [("keep_me",)]
    media = tmp_path / "busy-media"
    media.mkdir()
    (media / "x").write_text("mine")
    with pytest.raises(RestoreRefused, match="media directory"):
        backup_restore(
            path=small_archive,
            db={"ENGINE": SQLITE, "NAME": tmp_path / "new.sqlite3"},
            media_root=media,
            key=KEY,
        )
    assert not (tmp_path / "new.sqlite3").exists() and [p.name for p in media.iterdir()] == ["x"]


def test_the_commands_say_what_is_wrong(small_archive, tmp_path, settings):
    settings.QORGAU_BACKUP_KEY = BACKUP_KEY
    bad = damaged(small_archive, "truncated")
    with pytest.raises(CommandError, match="truncated"):
        call_command("backup", "verify", str(bad))
    settings.QORGAU_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="QORGAU_BACKUP_KEY is not set"):
        call_command("backup", "verify", str(small_archive))
    settings.QORGAU_BACKUP_KEY = settings.QORGAU_AUDIT_KEY
    with pytest.raises(CommandError, match="must differ from the data, index and audit keys"):
        call_command("backup", "--out", str(tmp_path / "x.qbk"))
    assert not (tmp_path / "x.qbk").exists()


def test_the_restore_command_refuses_the_running_database(small_archive, settings, db):
    settings.QORGAU_BACKUP_KEY = BACKUP_KEY
    # The archive holds SQLite: the running SQLite database is refused as not empty; a running
    # PostgreSQL one (CI) as the wrong kind, before anything is read into it.
    refusal = (
        r"the database .* is not empty"
        if connection.vendor == "sqlite"
        else "this archive holds a sqlite database; the target is postgresql"
    )
    with pytest.raises(CommandError, match=f"nothing restored: {refusal}"):
        call_command("restore", str(small_archive))
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(small_archive) + ".missing")
