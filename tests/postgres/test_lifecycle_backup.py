"""Backup and restore on PostgreSQL: pg_dump streamed into the archive while another process
keeps writing, restored into a fresh database, every row and file compared, the chain verified."""

import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from tests.lifecycle.roundtrip import (
    BACKUP_KEY,
    audit_verify_output,
    compare_media,
    compare_tables,
    start_writer,
    subprocess_env,
    wait_for,
    write_media,
)

from qorgau.lifecycle.archive import parse_key
from qorgau.lifecycle.backup import RestoreRefused, backup_create, backup_restore, backup_verify

pytestmark = pytest.mark.postgres
KEY = parse_key(BACKUP_KEY)


def params(db: dict) -> dict:
    return {k.lower(): db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if db.get(k)}


def url(db: dict) -> str:
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def pg_rows(db: dict) -> dict[str, list]:
    with psycopg.connect(dbname=db["NAME"], **params(db)) as conn:
        tables = [r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")]
        return {t: sorted(conn.execute(f'select * from "{t}"').fetchall(), key=repr) for t in tables}


def head_seq(db: dict) -> int:
    with psycopg.connect(dbname=db["NAME"], **params(db)) as conn:
        row = conn.execute("select coalesce(sum(seq), 0) from core_audithead").fetchone()
    return row[0] if row else 0


@pytest.fixture
def restore_db():
    source = connection.settings_dict
    name = f"qorgau_lifecycle_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params(source)) as conn:
        conn.execute(f'create database "{name}"')
    yield {**source, "NAME": name}
    with psycopg.connect(dbname="postgres", autocommit=True, **params(source)) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def test_round_trip_while_the_server_writes(transactional_db, tmp_path, make_user, open_case, restore_db):
    worker = make_user("caseworker", username="pg.worker")
    open_case(worker, consents=[{"purpose": "statistics", "method": "written", "given_by": "survivor"}])
    source = dict(connection.settings_dict)
    media = tmp_path / "media"
    files = write_media(media)
    stop = tmp_path / "stop"
    writer = start_writer(subprocess_env(url(source), media), stop)
    try:
        wait_for(lambda: head_seq(source) >= 20, process=writer)
        before = head_seq(source)
        out = tmp_path / "backup.qbk"
        backup_create(out=out, db=source, media_root=media, key=KEY)
        wait_for(lambda: head_seq(source) > before + 20, process=writer)
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read().decode()
    assert backup_verify(path=out, key=KEY)["meta"]["vendor"] == "postgresql"

    restored_media = tmp_path / "restored-media"
    backup_restore(path=out, db=restore_db, media_root=restored_media, key=KEY)
    restored_rows = pg_rows(restore_db)
    compare_tables(pg_rows(source), restored_rows)
    assert before <= head_seq(restore_db) < head_seq(source)
    assert len(restored_rows["cases_case"]) == 1 and len(restored_rows["people_person"]) == 2
    compare_media(media, restored_media, files)
    assert "audit chain intact" in audit_verify_output(subprocess_env(url(restore_db), restored_media))

    # A second restore into the now full database is refused and changes nothing.
    with pytest.raises(RestoreRefused, match="not empty"):
        backup_restore(path=out, db=restore_db, media_root=tmp_path / "again", key=KEY)
    assert pg_rows(restore_db) == restored_rows and not Path(tmp_path / "again").exists()
