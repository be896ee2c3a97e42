"""Every read and write of survivor data leaves an audit event; `qorgau audit verify` finds the
first event that was changed, deleted, inserted or reordered."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qorgau.accounts.roles import Role
from qorgau.core.audit import audit_verify
from qorgau.core.models import AuditEvent


@pytest.fixture
def chain(make_user, open_case, login_client, client):
    worker = make_user(Role.CASEWORKER)
    case = open_case(worker)
    login_client(worker)
    for _ in range(3):
        client.get(f"/cases/{case.pk}/")
    return worker, case


def test_reads_and_writes_of_a_case_are_audited(chain, client):
    worker, case = chain
    actions = list(AuditEvent.objects.filter(case_id=case.pk).values_list("action", flat=True))
    assert actions.count("case.view") == 3 and "case.open" in actions
    client.post("/cases/", {"q": "Жандосова"})
    search = AuditEvent.objects.filter(action="case.search").latest("seq")
    assert search.actor_id == worker.pk and search.detail["kind"] == "name" and search.source == "web"
    assert "Жандосова" not in str(search.detail)  # search terms are never logged


def test_denied_attempts_are_audited_too(chain, make_user, login_client, client):
    _worker, case = chain
    outsider = make_user(Role.CASEWORKER)
    login_client(outsider)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        action="case.view_denied", actor_id=outsider.pk, case_id=case.pk
    ).exists()


def test_holder_caseworker_can_show_her_who_looked(chain, client, make_user, login_client):
    worker, case = chain
    page = client.get(f"/cases/{case.pk}/access-log/")
    assert page.status_code == 200 and worker.username in page.content.decode()
    admin = make_user(Role.AGENCY_ADMIN, agency=worker.agency)
    login_client(admin)
    assert client.get(f"/cases/{case.pk}/access-log/").status_code == 404


def test_intact_chain_verifies(chain, capsys):
    call_command("audit", "verify")
    assert "audit chain intact" in capsys.readouterr().out
    assert audit_verify().ok


def _sql(statement, params=()):
    """Tamper as someone who owns the table would: on PostgreSQL that means first switching the
    append-only trigger off (which an application role cannot do)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(statement, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


@pytest.mark.parametrize(
    "tamper,problem",
    [
        ("UPDATE core_auditevent SET action = 'case.list' WHERE lane = 1 AND lane_seq = 3", "changed"),
        (
            "UPDATE core_auditevent SET actor_username = 'someone.else' WHERE lane = 1 AND lane_seq = 3",
            "changed",
        ),
        ("DELETE FROM core_auditevent WHERE lane = 1 AND lane_seq = 3", "missing"),
        ("DELETE FROM core_auditevent WHERE seq = (SELECT MAX(seq) FROM core_auditevent)", "missing"),
    ],
)
def test_tampering_is_found_and_named(chain, tamper, problem):
    _sql(tamper)
    result = audit_verify()
    assert not result.ok and problem in result.problem
    assert result.lane == 1 and result.lane_seq in (3, AuditEvent.objects.count() + 1)
    with pytest.raises(CommandError, match=r"audit chain broken: lane 1 event \d+"):
        call_command("audit", "verify")


@pytest.mark.parametrize("column", ["lane_seq", "seq"])
def test_reordered_events_are_found(chain, column):
    """Swapped places in the lane, or swapped display numbers (which the hash covers)."""
    third, fourth = AuditEvent.objects.filter(lane=1, lane_seq__in=[3, 4]).order_by("lane_seq")
    a, b = getattr(third, column), getattr(fourth, column)
    _sql(f"UPDATE core_auditevent SET {column} = -1 WHERE seq = {third.seq}")
    _sql(f"UPDATE core_auditevent SET {column} = {a} WHERE {column} = {b}")
    _sql(f"UPDATE core_auditevent SET {column} = {b} WHERE {column} = -1")
    result = audit_verify()
    assert not result.ok and (result.lane, result.lane_seq) == (1, 3)


def test_an_inserted_event_is_found(chain):
    last = AuditEvent.objects.order_by("-lane_seq").filter(lane=1).first()
    forged = AuditEvent(
        seq=last.seq + 1000,
        lane=1,
        lane_seq=last.lane_seq + 1,
        at=last.at,
        action="case.view",
        prev_hash=last.hash,
        hash="f" * 64,
    )
    forged.save(force_insert=True)
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == forged.seq and result.lane_seq == last.lane_seq + 1
