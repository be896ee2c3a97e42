"""A real streaming replica of the test database: reports are read there, writes never, and the
application keeps working when the replica stops.

The fixture makes a standby of this machine's PostgreSQL with pg_basebackup (as the postgres OS
user, streaming WAL) and starts it on a port of 5440-5449. The primary must accept replication
connections from 127.0.0.1 (.ci/run adds the pg_hba.conf line).
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.campaigns import selectors as campaign_selectors
from qorgau.campaigns.models import Campaign, Event
from qorgau.core import replica
from qorgau.core.models import Region

# Solo: a hot standby opens for reads only once the primary logs a snapshot without overflowed
# subtransactions; another worker's test transaction (many savepoints) can hold that off for
# minutes, so this file runs after the workers, alone (make test).
pytestmark = [pytest.mark.postgres, pytest.mark.solo]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
TZ = ZoneInfo("Asia/Almaty")


def _as_postgres(*args, check=True):
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *map(str, args)], capture_output=True, text=True, check=check
    )


def _free_port() -> int:
    for port in range(5440, 5450):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 5440-5449")


class Standby:
    def __init__(self, primary: dict):
        self.primary, self.port = primary, _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="qorgau-standby-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.dir.chmod(0o700)
        self.data = self.dir / "data"

    def create(self):
        backup = _as_postgres(
            PG_BIN / "pg_basebackup",
            "-h", self.primary["HOST"] or "127.0.0.1", "-p", self.primary["PORT"] or 5432,
            "-U", self.primary["USER"], "-D", self.data, "-X", "stream", "-R", "-c", "fast", "--no-sync",
            check=False,
        )  # fmt: skip
        if backup.returncode != 0:
            message = f"pg_basebackup failed: {backup.stderr.strip()}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message + " (allow replication from 127.0.0.1 in pg_hba.conf, as .ci/run does)")
        # A standby needs at least the primary's limits.
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', "
                "'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', "
                "'max_locks_per_transaction')"
            )
            limits = "".join(f"{name} = {value}\n" for name, value in cursor.fetchall())
        conf = (
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
            f"hot_standby = on\nshared_buffers = 32MB\nfsync = off\n{limits}"
        )
        _as_postgres("sh", "-c", f"cat > {self.data}/postgresql.conf <<'EOF'\n{conf}EOF")
        hba = "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        _as_postgres("sh", "-c", f"cat > {self.data}/pg_hba.conf <<'EOF'\n{hba}EOF")
        _as_postgres("touch", self.data / "pg_ident.conf")
        self.start()

    def start(self):
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-w", "-t", "180", "start")

    def stop(self):
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    """The standby, and a "replica" alias pointing at it (as DATABASE_REPLICA_URL would make)."""
    primary = settings.DATABASES["default"]
    server = Standby(primary)
    with django_db_blocker.unblock():
        try:
            server.create()
        except BaseException:
            server.remove()
            raise
    alias = {**primary, "PORT": server.port, "TEST": {"MIRROR": "default"}}
    alias["OPTIONS"] = {**primary.get("OPTIONS", {}), "connect_timeout": 2}
    try:
        settings.DATABASES["replica"] = alias
        configured = connections.configure_settings({"default": primary, "replica": alias})
        connections.settings["replica"] = configured["replica"]
        replica.forget_replica_state()
        yield server
    finally:
        connections["replica"].close()
        connections.settings.pop("replica", None)
        settings.DATABASES.pop("replica", None)
        replica.forget_replica_state()
        server.remove()


def _wait_replayed(timeout=30):
    """Until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    raise AssertionError("the standby did not catch up")


@pytest.fixture
def campaign_world(transactional_db, make_agency, make_user):
    commission = make_agency(Agency.Kind.NATIONAL_COMMISSION, "71", "Commission")
    national = make_user(Role.CAMPAIGN_COORDINATOR, agency=commission, username="national")
    campaign = Campaign.objects.create(
        code="16D-2026",
        name_kk="16 күн",
        name_ru="16 дней",
        name_en="16 Days",
        starts_on=date(2026, 11, 25),
        ends_on=date(2026, 12, 10),
        issuer=commission,
        created_by=national,
    )
    return national, campaign


def _event(campaign, national, region, day):
    return Event.objects.create(
        campaign=campaign,
        kind=Event.Kind.ROUND_TABLE,
        title="Round table",
        starts_at=datetime(2026, 11, day, 10, tzinfo=TZ),
        ends_at=datetime(2026, 11, day, 12, tzinfo=TZ),
        region=Region.objects.get(pk=region),
        organiser=national.agency,
        created_by=national,
        status=Event.Status.APPROVED,
    )


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reports_read_from_the_standby_and_survive_it_going_down(standby, campaign_world):
    national, campaign = campaign_world
    _event(campaign, national, "71", 26)
    _event(campaign, national, "75", 27)
    _wait_replayed()

    assert replica.reporting_alias() == "replica"
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        assert cursor.fetchone() == (True, standby.port)  # a standby, on its own port

    # The campaign dashboard (a national report) runs its queries on the standby, none on the primary.
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        report = campaign_selectors.dashboard(actor=national, campaign=campaign)
    assert report["events_total"] == 2
    assert any("campaigns_event" in q["sql"] for q in on_replica.captured_queries)
    assert not any("campaigns_event" in q["sql"] for q in on_primary.captured_queries)

    # A row read from the standby is saved to the primary (the standby would refuse it anyway).
    event = Event.objects.using(replica.reporting_alias()).get(campaign=campaign, region_id="75")
    event.title = "Round table (moved)"
    event.save()
    assert Event.objects.get(pk=event.pk).title == "Round table (moved)"

    # Inside a transaction on the primary nothing is sent to the standby: it may need its own writes.
    with transaction.atomic():
        _event(campaign, national, "71", 28)
        assert replica.reporting_alias() == "default"
        assert campaign_selectors.dashboard(actor=national, campaign=campaign)["events_total"] == 3

    # The standby stops: the next report answers from the primary, with the same figures.
    standby.stop()
    try:
        started = time.monotonic()
        assert replica.reporting_alias() == "default"
        assert time.monotonic() - started < 10  # the connect timeout, not a hang
        assert campaign_selectors.dashboard(actor=national, campaign=campaign)["events_total"] == 3
        assert replica.reporting_alias() == "default"  # not tried again for a while
    finally:
        standby.start()
        replica.forget_replica_state()
    _wait_replayed()
    assert replica.reporting_alias() == "replica"
    assert campaign_selectors.dashboard(actor=national, campaign=campaign)["events_total"] == 3
