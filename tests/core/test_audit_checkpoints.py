"""Signed checkpoints outside the database (issue 18): a chain rolled back below a checkpoint —
tail deleted and head moved back by someone who owns the tables — fails `audit verify`."""

import json

import pytest
from django.core.management import CommandError, call_command
from tests.audit_tamper import as_owner

from qorgau.accounts.roles import Role
from qorgau.core.audit import audit_record, audit_verify
from qorgau.core.models import AuditEvent, AuditHead


@pytest.fixture
def checkpoints(settings, tmp_path):
    settings.QORGAU_AUDIT_CHECKPOINT_FILE = str(tmp_path / "var" / "audit-checkpoints.log")
    return tmp_path / "var" / "audit-checkpoints.log"


@pytest.fixture
def worker(make_user):
    worker = make_user(Role.CASEWORKER)
    for n in range(5):
        audit_record(actor=worker, action="case.view", object_type="cases.case", object_id=str(n))
    return worker


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def _roll_back(to_seq):
    event = AuditEvent.objects.get(seq=to_seq)
    as_owner(
        f"DELETE FROM core_auditevent WHERE seq > {to_seq}",
        f"UPDATE core_audithead SET seq = {to_seq}, hash = '{event.hash}'",
    )


def test_verify_signs_the_head_once_per_new_head(checkpoints, worker, capsys):
    call_command("audit", "verify")
    call_command("audit", "verify")
    head = AuditHead.objects.get()
    [line] = _lines(checkpoints)
    assert line["seq"] == head.seq and line["hash"] == head.hash and line["chain"] == str(head.chain_id)
    audit_record(actor=worker, action="case.view", object_type="cases.case", object_id="x")
    call_command("audit", "verify")
    assert [c["seq"] for c in _lines(checkpoints)] == [head.seq, head.seq + 1]
    assert "2 signed checkpoints" in capsys.readouterr().out.splitlines()[-1]


def test_a_rollback_below_a_checkpoint_fails_verify(checkpoints, worker):
    call_command("audit", "verify")
    top = AuditHead.objects.get().seq
    _roll_back(top - 2)
    result = audit_verify()
    assert not result.ok and f"signed checkpoint saw the chain at event {top}" in result.problem
    with pytest.raises(CommandError, match="signed checkpoint"):
        call_command("audit", "verify")


def test_a_rollback_then_new_events_fails_verify(checkpoints, worker):
    call_command("audit", "verify")
    top = AuditHead.objects.get().seq
    _roll_back(top - 2)
    for n in range(4):  # the chain grows past the checkpoint again, forked
        audit_record(actor=worker, action="case.view", object_type="cases.case", object_id=f"f{n}")
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == top and "checkpoint" in result.problem


def test_a_replaced_chain_fails_verify(checkpoints, worker):
    call_command("audit", "verify")
    as_owner("DELETE FROM core_auditevent", "DELETE FROM core_audithead")
    AuditHead.objects.create(id=1)  # a fresh, empty chain with a new id
    result = audit_verify()
    assert not result.ok and "another chain" in result.problem


def test_an_edited_checkpoint_file_fails_verify(checkpoints, worker):
    call_command("audit", "verify")
    [line] = _lines(checkpoints)
    line["seq"] -= 2  # an attacker lowering the checkpoint to hide a rollback
    checkpoints.write_text(json.dumps(line) + "\n")
    result = audit_verify()
    assert not result.ok and "not a signed checkpoint" in result.problem


def test_the_worker_writes_checkpoints(checkpoints, worker):
    from qorgau.core.tasks import checkpoint_audit_chain

    checkpoint_audit_chain.call_local()
    assert _lines(checkpoints)[-1]["seq"] == AuditHead.objects.get().seq
    audit_record(actor=worker, action="case.view", object_type="cases.case", object_id="y")
    checkpoint_audit_chain.call_local()
    checkpoint_audit_chain.call_local()  # nothing new: no new line
    assert [c["seq"] for c in _lines(checkpoints)] == [5, 6]
    assert audit_verify().ok


def test_the_worker_refuses_to_sign_a_broken_segment(checkpoints, worker):
    from qorgau.core.audit import CheckpointError, audit_checkpoint

    audit_checkpoint()
    audit_record(actor=worker, action="case.view", object_type="cases.case", object_id="z")
    as_owner("UPDATE core_auditevent SET action = 'case.list' WHERE seq = 6")
    with pytest.raises(CheckpointError, match="event 6"):
        audit_checkpoint()
    assert len(_lines(checkpoints)) == 1


def test_an_empty_chain_can_be_checkpointed_and_grow(checkpoints, db):
    from qorgau.core.audit import audit_checkpoint

    call_command("audit", "verify")  # a fresh installation: the empty chain is signed at 0
    assert audit_checkpoint().seq == 0
    audit_record(actor=None, action="case.view", object_type="cases.case", object_id="a")
    assert audit_checkpoint().seq == 1
    assert [c["seq"] for c in _lines(checkpoints)] == [0, 1] and audit_verify().ok


def test_an_unwritable_checkpoint_place_is_a_clear_error(settings, tmp_path, db):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.QORGAU_AUDIT_CHECKPOINT_FILE = str(blocker / "audit-checkpoints.log")
    with pytest.raises(CommandError, match=r"audit checkpoint file: .*not-a-directory"):
        call_command("audit", "checkpoint")
