"""Attacks on the audit chain's end (issue 18): emptying the tables, cutting the tail and moving the
head back, deleting the head. Each is refused by the database or reported by `audit verify`, and a
missing head is a clear 503, never a 500 on every later request."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from tests.audit_tamper import as_owner

from qorgau.accounts.roles import Role
from qorgau.core.audit import audit_record_many, audit_verify
from qorgau.core.models import AuditEvent, AuditHead


@pytest.fixture
def chain(make_user, open_case, login_client, client):
    worker = make_user(Role.CASEWORKER)
    case = open_case(worker)
    login_client(worker)
    for _ in range(3):
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    return worker, case


def _refused(statement, match="audit head only moves forward"):
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_emptying_both_audit_tables_is_reported(chain):
    if connection.vendor == "postgresql":
        as_owner("TRUNCATE core_auditevent, core_audithead")
    else:
        as_owner("DELETE FROM core_auditevent", "DELETE FROM core_audithead")
    result = audit_verify()
    assert not result.ok and "head is missing" in result.problem
    with pytest.raises(CommandError, match="head is missing"):
        call_command("audit", "verify")


def test_the_head_cannot_be_moved_back(chain):
    head = AuditHead.objects.get(id=1)
    before = AuditEvent.objects.get(lane=1, lane_seq=head.seq - 1)
    _refused(f"UPDATE core_audithead SET seq = {before.lane_seq}, hash = '{before.hash}' WHERE id = 1")
    _refused("UPDATE core_audithead SET seq = seq + 3 WHERE id = 1")  # forward over events that do not exist
    _refused(f"UPDATE core_audithead SET seq = seq + 1, hash = '{'a' * 64}' WHERE id = 1")
    _refused(
        f"UPDATE core_audithead SET seq = 1, hash = '{before.hash}' WHERE id = 2"
    )  # not its lane's event
    assert AuditHead.objects.get(id=1).seq == head.seq and audit_verify().ok


def test_a_second_head_cannot_be_inserted(chain):
    first = AuditEvent.objects.get(lane=1, lane_seq=1)
    # another chain's head, a head over another lane's event, a head of a lane that has one
    _refused(
        f"INSERT INTO core_audithead (id, seq, hash, key_id, chain_id) VALUES (99, 0, '{'0' * 64}', '', '{'0' * 32}')",
        match=r"audit chain has one head per lane",
    )
    chain_id = AuditHead.objects.get(id=1).chain_id.hex
    _refused(
        f"INSERT INTO core_audithead (id, seq, hash, key_id, chain_id) VALUES (99, 1, '{first.hash}', '', '{chain_id}')",
        match=r"audit head must stand at the newest event of its lane",
    )
    _refused(
        f"INSERT INTO core_audithead (id, seq, hash, key_id, chain_id) VALUES (1, 1, '{first.hash}', '', '{chain_id}')",
        match=r"duplicate key|UNIQUE constraint|audit head must stand",
    )


def test_the_head_moves_forward_by_n_with_many_events(chain, open_case):
    worker, case = chain
    others = [open_case(worker).pk for _ in range(2)]
    before = AuditHead.objects.get(id=1).seq
    assert audit_record_many(actor=worker, action="case.list", case_ids=[case.pk, *others]) == 3
    assert AuditHead.objects.get(id=1).seq == before + 3 and audit_verify().ok


def test_a_deleted_head_is_a_clear_error_then_restored(chain, client):
    _worker, case = chain
    events = AuditEvent.objects.count()
    as_owner("DELETE FROM core_audithead")
    for _ in range(2):  # the same clear answer every time, never a 500
        page = client.get(f"/cases/{case.pk}/")
        assert page.status_code == 503
        assert "audit log cannot record this action" in page.content.decode()
    assert AuditEvent.objects.count() == events  # nothing was done unaudited
    result = audit_verify()
    assert not result.ok and "head is missing" in result.problem
    call_command("audit", "restore-head")
    assert audit_verify().ok
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_a_deleted_head_answers_the_api_in_its_format(chain, api_client):
    worker, case = chain
    api = api_client(worker)
    as_owner("DELETE FROM core_audithead")
    answer = api.get(f"/api/v1/cases/{case.pk}/")
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "audit_unavailable"
