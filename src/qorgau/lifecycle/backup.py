"""Backup, verify and restore: the database and all of MEDIA_ROOT in one encrypted archive.

The database is snapshotted first, consistently and while the server keeps writing: PostgreSQL
through `pg_dump -Fc` (one repeatable-read snapshot, streamed straight into the archive),
SQLite through its online backup API (a consistent copy into a private temporary file, then
streamed). The media follow; a file added after the database snapshot is carried along
harmlessly (no row names it yet).

Restore checks the whole archive first (every chunk and every hash), so a truncated, altered or
wrongly keyed archive writes nothing; then it refuses a database with tables in it or a media
directory with anything in it, and only then writes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from qorgau.core.crypto import CryptoError, _decode_key
from qorgau.lifecycle.archive import ArchiveError, ArchiveWriter, parse_key, read_entries

DB_ENTRY = {"sqlite": "db/sqlite.db", "postgresql": "db/postgres.dump"}


class RestoreRefused(Exception):
    """The target is not empty, or does not suit the archive."""


def backup_key() -> bytes:
    key = parse_key(getattr(settings, "QORGAU_BACKUP_KEY", ""))
    others = [settings.QORGAU_INDEX_KEY.rpartition(":")[2], settings.QORGAU_AUDIT_KEY]
    others += [entry.partition(":")[2] for entry in settings.QORGAU_DATA_KEYS.split(",")]
    if key in {_key_or_none(text) for text in others}:
        raise ArchiveError("bad_key", detail="it must differ from the data, index and audit keys")
    return key


def _key_or_none(text: str) -> bytes | None:
    try:
        return _decode_key(text)
    except CryptoError:  # a malformed data key is reported where it is used, not here
        return None


def vendor_of(db: dict) -> str:
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise RestoreRefused(f"unsupported database engine {engine}")


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = db["NAME"]
    return env


def _sqlite_connect(name) -> sqlite3.Connection:
    name = str(name)
    return sqlite3.connect(name, uri=name.startswith("file:"), timeout=30)


def _media_files(root: Path):
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.is_file() and not path.is_symlink():
                yield path


def backup_create(*, out: Path, db: dict | None = None, media_root: Path | None = None, key=None) -> dict:
    """Write an archive to `out` (through `out.partial`, renamed only when complete)."""
    db = db or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    key = key or backup_key()
    vendor = vendor_of(db)
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    started = timezone.now()
    try:
        with open(partial, "wb") as handle:
            writer = ArchiveWriter(handle, key)
            if vendor == "postgresql":
                _dump_postgres(writer, db)
            else:
                _dump_sqlite(writer, db, workdir=out.parent)
            files = 0
            for path in _media_files(media_root):
                with open(path, "rb") as stream:
                    writer.add_stream("media/" + path.relative_to(media_root).as_posix(), "media", stream)
                files += 1
            manifest = writer.finish(
                {
                    "vendor": vendor,
                    "started_at": started.isoformat(),
                    "finished_at": timezone.now().isoformat(),
                    "media_files": files,
                }
            )
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _dump_postgres(writer: ArchiveWriter, db: dict) -> None:
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--compress=6"]
    proc = subprocess.Popen(  # noqa: S603 - fixed arguments; the database comes from settings
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_env(db)
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        writer.add_stream(DB_ENTRY["postgresql"], "db", proc.stdout)
    finally:
        proc.stdout.close()
        error = proc.stderr.read().decode(errors="replace")
        proc.wait()
    if proc.returncode != 0:
        raise ArchiveError("structure") from RuntimeError(f"pg_dump failed: {error.strip()}")


def _dump_sqlite(writer: ArchiveWriter, db: dict, *, workdir: Path) -> None:
    with tempfile.TemporaryDirectory(dir=workdir, prefix=".qorgau-backup-") as tmp:
        os.chmod(tmp, 0o700)
        copy = Path(tmp) / "snapshot.sqlite3"
        source = _sqlite_connect(db["NAME"])
        target = sqlite3.connect(copy)
        try:
            source.backup(target)  # one step: a consistent snapshot even while others write
        finally:
            target.close()
            source.close()
        with open(copy, "rb") as stream:
            writer.add_stream(DB_ENTRY["sqlite"], "db", stream)


def backup_verify(*, path: Path, key=None) -> dict:
    """Check every chunk and every hash; returns the manifest or raises ArchiveError."""
    key = key or backup_key()
    with open(path, "rb") as handle:
        return read_entries(handle, key)


# --- restore ---------------------------------------------------------------------------------------


def _tables(db: dict) -> list[str]:
    if vendor_of(db) == "sqlite":
        name = str(db["NAME"])
        if not name.startswith("file:") and not Path(name).exists():
            return []
        with _sqlite_connect(name) as conn:
            return [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
    import psycopg

    params = {k.lower(): db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if db.get(k)}
    with psycopg.connect(dbname=db["NAME"], **params) as conn:
        rows = conn.execute(
            "select tablename from pg_tables where schemaname not in ('pg_catalog', 'information_schema')"
        ).fetchall()
    return [r[0] for r in rows]


def restore_check_target(*, db: dict, media_root: Path) -> None:
    tables = _tables(db)
    if tables:
        raise RestoreRefused(
            f"the database {db['NAME']} is not empty ({len(tables)} tables): restore only into an "
            "empty database"
        )
    if media_root.exists() and (not media_root.is_dir() or any(media_root.iterdir())):
        raise RestoreRefused(f"the media directory {media_root} is not empty: restore only into an empty one")


def backup_restore(*, path: Path, db: dict | None = None, media_root: Path | None = None, key=None) -> dict:
    db = db or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    key = key or backup_key()
    manifest = backup_verify(path=path, key=key)  # nothing is written unless all of it is sound
    vendor = vendor_of(db)
    if manifest["meta"].get("vendor") != vendor:
        raise RestoreRefused(
            f"this archive holds a {manifest['meta'].get('vendor')} database; the target is {vendor}"
        )
    restore_check_target(db=db, media_root=media_root)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=media_root.parent, prefix=f".{media_root.name}.restoring-"))
    state: dict = {"proc": None, "sqlite_tmp": None, "handle": None}

    def sink(head):
        if state["handle"]:
            state["handle"].close()
            state["handle"] = None
        name, kind = head["name"], head["kind"]
        if kind == "db":
            if vendor == "postgresql":
                state["proc"] = subprocess.Popen(  # noqa: S603
                    ["pg_restore",  # noqa: S607 - the PostgreSQL client tools are on PATH "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                     "--dbname", db["NAME"]],
                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_pg_env(db),
                )  # fmt: skip
                return state["proc"].stdin.write
            target = Path(str(db["NAME"]))
            state["sqlite_tmp"] = target.with_name(target.name + ".restoring")
            state["handle"] = open(state["sqlite_tmp"], "wb")  # noqa: SIM115 - closed by the next entry
            return state["handle"].write
        if kind == "media":
            rel = Path(name.removeprefix("media/"))
            if rel.is_absolute() or ".." in rel.parts:
                raise ArchiveError("structure")
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            state["handle"] = open(dest, "wb")  # noqa: SIM115 - closed by the next entry
            return state["handle"].write
        return None

    try:
        with open(path, "rb") as handle:
            read_entries(handle, key, sink=sink)
        if state["handle"]:
            state["handle"].close()
        if state["proc"]:
            proc = state["proc"]
            proc.stdin.close()
            error = proc.stderr.read().decode(errors="replace")
            if proc.wait() != 0:
                raise RestoreRefused(f"pg_restore failed: {error.strip()}")
        if state["sqlite_tmp"]:
            state["sqlite_tmp"].replace(Path(str(db["NAME"])))
            state["sqlite_tmp"] = None
        if media_root.exists():
            media_root.rmdir()  # checked empty above
        staging.replace(media_root)
    except BaseException:
        if state["proc"] and state["proc"].poll() is None:
            state["proc"].kill()
        if state["sqlite_tmp"]:
            Path(state["sqlite_tmp"]).unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest
