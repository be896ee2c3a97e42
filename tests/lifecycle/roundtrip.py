"""Shared parts of the backup round-trip tests (SQLite here, PostgreSQL in tests/postgres)."""

import base64
import os
import subprocess
import sys
import time
from pathlib import Path

BACKUP_KEY = base64.b64encode(b"test-backup-key-qorgau-32-bytes!").decode()
REPO = Path(__file__).resolve().parents[2]


def write_media(root: Path) -> dict[str, bytes]:
    """Evidence-like files: a photo, a nested recording, a large file spanning many chunks."""
    files = {
        "evidence/2026/11/photo-1.jpg": os.urandom(50_000),
        "evidence/2026/11/sub dir/recording.ogg": os.urandom(3_000_000),
        "people/photo.png": b"\x89PNG synthetic",
        "empty.txt": b"",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return files


def subprocess_env(database_url: str, media_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    var = media_dir.parent / f"var-{media_dir.name}"
    var.mkdir(exist_ok=True)
    env.update(
        QORGAU_ENV="demo",
        DATABASE_URL=database_url,
        QORGAU_MEDIA_DIR=str(media_dir),
        QORGAU_VAR_DIR=str(var),
        QORGAU_BACKUP_KEY=BACKUP_KEY,
        PYTHONPATH=str(REPO),
    )
    return env


def start_writer(env: dict, stop: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.lifecycle.writer", str(stop)],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(predicate, timeout=60.0, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the writer stopped: {process.stderr.read().decode()[-2000:]}")
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def audit_verify_output(env: dict) -> str:
    qorgau = Path(sys.executable).with_name("qorgau")
    result = subprocess.run(
        [str(qorgau), "audit", "verify"], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    return result.stdout + result.stderr


def compare_tables(source: dict[str, list], restored: dict[str, list]) -> None:
    """Every table restored; the ones only the backup saw equal, the growing ones a prefix."""
    assert set(restored) == set(source)
    for table, rows in restored.items():
        if table.startswith("core_auditevent"):  # the events table, and its monthly partitions
            assert set(map(repr, rows)) <= set(map(repr, source[table])), table
        elif table != "core_audithead":
            assert rows == source[table], table
    # The head rows change with every append: each restored one names its lane's restored last
    # event (lane and lane_seq are the events' last two columns, added by migration core 0006).
    events = restored["core_auditevent"]
    for lane, lane_seq, hash_, *_rest in restored["core_audithead"]:
        if lane_seq:
            [last] = [row for row in events if tuple(row[-2:]) == (lane, lane_seq)]
            assert hash_ in last
        assert not [row for row in events if row[-2] == lane and row[-1] > lane_seq]


def compare_media(source_root: Path, restored_root: Path, before: dict[str, bytes]) -> None:
    restored = {
        p.relative_to(restored_root).as_posix(): p.read_bytes()
        for p in restored_root.rglob("*")
        if p.is_file()
    }
    for rel, data in before.items():
        assert restored[rel] == data, rel
    for rel, data in restored.items():  # files written during the backup: whole, never torn
        assert (source_root / rel).read_bytes() == data, rel
