"""The audit events are partitioned by month on PostgreSQL (issue 14); the worker's job adds the
next months' partitions, also when it runs as the application role that owns nothing."""

import io
from datetime import UTC, timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from qorgau.core.audit import audit_partitions_ensure, audit_record, audit_verify
from qorgau.core.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _partitions():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'core_auditevent'::regclass"
        )
        return {row[0] for row in cursor.fetchall()}


def _month(offset=0):
    now = timezone.now().astimezone(UTC)
    year, month = divmod(now.year * 12 + now.month - 1 + offset, 12)
    return f"core_auditevent_p{year:04d}_{month + 1:02d}"


def test_the_events_table_is_partitioned_by_month():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat, a.attname FROM pg_partitioned_table p JOIN pg_attribute a "
            "ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE partrelid = 'core_auditevent'::regclass"
        )
        assert cursor.fetchone() == ("r", "at")
    assert {_month(0), _month(1), _month(3), "core_auditevent_default"} <= _partitions()


def test_an_event_lands_in_its_months_partition_and_the_chain_verifies(make_user):
    event = audit_record(actor=make_user("caseworker"), action="case.view", object_id="x")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM core_auditevent WHERE seq = %s", [event.seq])
        assert cursor.fetchone()[0] == _month(0)
    assert audit_verify().ok


def test_the_job_adds_months_ahead_once(settings):
    assert _month(7) not in _partitions()
    assert audit_partitions_ensure(7) == 4  # months 4..7
    assert audit_partitions_ensure(7) == 0
    assert {_month(m) for m in range(8)} <= _partitions()


def test_a_duplicate_seq_is_refused_though_the_key_includes_the_month(make_user):
    event = audit_record(actor=make_user("caseworker"), action="case.view", object_id="x")
    copy = AuditEvent.objects.get(seq=event.seq)
    copy.at = event.at - timedelta(days=40)  # another partition: the primary key alone would allow it
    with pytest.raises(DatabaseError, match="already in the chain"), transaction.atomic():
        copy.save(force_insert=True)


def test_a_partition_cannot_be_truncated_alone(make_user):
    role = "qorgau_test_partition_app"
    out = io.StringIO()
    call_command("audit", "grants", role, stdout=out)
    audit_record(actor=make_user("caseworker"), action="case.view", object_id="x")
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "
            f"THEN CREATE ROLE {role} NOLOGIN; END IF; END $$"
        )
        cursor.execute(out.getvalue())
        cursor.execute(f"SET ROLE {role}")
        try:
            assert audit_partitions_ensure(9) == 6  # the app role's job still makes partitions
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                cursor.execute(f"TRUNCATE {_month(0)}")
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                cursor.execute(f"DELETE FROM {_month(0)}")
        finally:
            cursor.execute("RESET ROLE")
    with (
        pytest.raises(DatabaseError, match="append-only"),  # even the owner: the trigger is cloned
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {_month(0)}")
    assert audit_verify().ok
