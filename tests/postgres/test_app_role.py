"""The application's PostgreSQL role as production runs it (`qorgau audit grants`): it owns
nothing, the app works as it, and it can neither TRUNCATE nor delete nor rewrite the audit chain,
nor switch the triggers off (issue 18)."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from qorgau.accounts.roles import Role
from qorgau.core.audit import audit_verify
from qorgau.core.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

APP_ROLE = "qorgau_test_app_role"


@pytest.fixture
def as_app_role():
    out = io.StringIO()
    call_command("audit", "grants", APP_ROLE, stdout=out)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') "
            f"THEN CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER; END IF; END $$"
        )
        cursor.execute(out.getvalue())
        cursor.execute(f"SET ROLE {APP_ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def _refused(statement, match):
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_the_app_works_as_its_role_and_cannot_wipe_the_chain(
    as_app_role, make_user, open_case, login_client, client
):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (APP_ROLE, False)
    worker = make_user(Role.CASEWORKER)
    case = open_case(worker)
    login_client(worker)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.post("/cases/", {"q": "Test"}).status_code == 200
    assert AuditEvent.objects.filter(case_id=case.pk, action="case.view").exists()
    assert audit_verify().ok

    _refused("TRUNCATE core_auditevent", "permission denied")
    _refused("TRUNCATE core_audithead", "permission denied")
    _refused("DELETE FROM core_auditevent", "permission denied")
    _refused("UPDATE core_auditevent SET action = 'x'", "permission denied")
    _refused("DELETE FROM core_audithead", "permission denied")
    _refused(
        "INSERT INTO core_audithead (id, seq, hash, key_id, chain_id) "
        "VALUES (2, 0, '0', '', gen_random_uuid())",
        "permission denied",
    )
    _refused("UPDATE core_audithead SET seq = seq - 1", "only moves forward")
    _refused("ALTER TABLE core_auditevent DISABLE TRIGGER ALL", "must be owner")
    _refused("SET session_replication_role = replica", "permission denied")
    assert audit_verify().ok
