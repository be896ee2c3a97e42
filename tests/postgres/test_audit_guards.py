"""On PostgreSQL the database itself refuses the attacks on the audit chain's end (issue 18):
TRUNCATE by any role but a superuser, deleting the head row, moving it back."""

import pytest
from django.db import DatabaseError, connection, transaction

from qorgau.core.audit import audit_record, audit_verify
from qorgau.core.models import AuditHead

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TAMPER_ROLE = "qorgau_test_audit_tamper"


@pytest.fixture
def events(make_user):
    actor = make_user("caseworker")
    for n in range(3):
        audit_record(actor=actor, action="case.view", object_type="cases.case", object_id=str(n))
    return actor


@pytest.fixture
def tamper_role():
    """A role that was given every table privilege on the audit tables (as an owner-like app role
    would have) but is not a superuser."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{TAMPER_ROLE}') "
            f"THEN CREATE ROLE {TAMPER_ROLE} NOLOGIN; END IF; END $$"
        )
        cursor.execute(f"GRANT ALL ON core_auditevent, core_audithead TO {TAMPER_ROLE}")
    yield TAMPER_ROLE
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"REVOKE ALL ON core_auditevent, core_audithead FROM {TAMPER_ROLE}")


@pytest.mark.parametrize("table", ["core_auditevent", "core_audithead", "core_auditevent, core_audithead"])
def test_truncate_is_refused_to_a_role_holding_the_privilege(events, tamper_role, table):
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"SET LOCAL ROLE {tamper_role}")
        cursor.execute(f"TRUNCATE {table}")
    assert audit_verify().ok


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM core_audithead",
        "UPDATE core_audithead SET seq = seq - 1",
        "UPDATE core_audithead SET id = 2",
        "UPDATE core_audithead SET chain_id = gen_random_uuid()",
    ],
)
def test_the_head_refuses_even_a_superuser(events, statement):
    with (
        pytest.raises(DatabaseError, match=r"append-only|only moves forward"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditHead.objects.get(id=1).seq == 3 and audit_verify().ok


def test_the_guards_exist():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid IN ('core_auditevent'::regclass, "
            "'core_audithead'::regclass) AND NOT tgisinternal"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "core_auditevent_append_only",
        "core_auditevent_no_truncate",
        "core_audithead_no_truncate",
        "core_audithead_guard",
    } <= names
