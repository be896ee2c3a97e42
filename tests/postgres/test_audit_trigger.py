"""On PostgreSQL the audit table refuses UPDATE and DELETE, whoever asks."""

import pytest
from django.db import DatabaseError, connection, transaction

from qorgau.core.audit import audit_record, audit_verify

pytestmark = pytest.mark.postgres


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET action = 'case.list'",
        "DELETE FROM core_auditevent",
        "UPDATE core_auditevent SET seq = seq + 100",
    ],
)
def test_audit_table_refuses_changes(make_user, statement):
    actor = make_user("caseworker")
    audit_record(actor=actor, action="case.view", object_type="cases.case", object_id="x")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert audit_verify().ok


@pytest.mark.django_db
def test_the_trigger_exists_on_the_table():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_auditevent'::regclass AND NOT tgisinternal"
        )
        assert ("core_auditevent_append_only",) in cursor.fetchall()
