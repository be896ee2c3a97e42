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
    event = AuditEvent.objects.get(lane=1, lane_seq=to_seq)
    as_owner(
        f"DELETE FROM core_auditevent WHERE lane = 1 AND lane_seq > {to_seq}",
        f"UPDATE core_audithead SET seq = {to_seq}, hash = '{event.hash}' WHERE id = 1",
    )


def test_verify_signs_the_head_once_per_new_head(checkpoints, worker, capsys):
    call_command("audit", "verify")
    call_command("audit", "verify")
    head = AuditHead.objects.get(id=1)
    [line] = _lines(checkpoints)
    assert line["lanes"]["1"] == [head.seq, head.hash] and line["chain"] == str(head.chain_id)
    assert set(line["lanes"]) == {str(lane) for lane in range(9)}  # the root and eight lanes
    audit_record(actor=worker, action="case.view", object_type="cases.case", object_id="x")
    call_command("audit", "verify")
    assert [c["lanes"]["1"][0] for c in _lines(checkpoints)] == [head.seq, head.seq + 1]
    assert "2 signed checkpoints" in capsys.readouterr().out.splitlines()[-1]


def test_a_rollback_below_a_checkpoint_fails_verify(checkpoints, worker):
    call_command("audit", "verify")
    top = AuditHead.objects.get(id=1).seq
    _roll_back(top - 2)
    result = audit_verify()
    assert not result.ok and f"a signed checkpoint saw lane 1 up to event {top}" in result.problem
    with pytest.raises(CommandError, match="signed checkpoint"):
        call_command("audit", "verify")


def test_a_rollback_then_new_events_fails_verify(checkpoints, worker):
    call_command("audit", "verify")
    top = AuditHead.objects.get(id=1).seq
    _roll_back(top - 2)
    for n in range(4):  # the chain grows past the checkpoint again, forked
        audit_record(actor=worker, action="case.view", object_type="cases.case", object_id=f"f{n}")
    result = audit_verify()
    assert not result.ok and (result.lane, result.lane_seq) == (1, top) and "checkpoint" in result.problem


def test_a_replaced_chain_fails_verify(checkpoints, worker):
    call_command("audit", "verify")
    as_owner("DELETE FROM core_auditevent", "DELETE FROM core_audithead")
    AuditHead.objects.create(id=1)  # a fresh, empty chain with a new id
    result = audit_verify()
    assert not result.ok and "another chain" in result.problem


def test_an_edited_checkpoint_file_fails_verify(checkpoints, worker):
    call_command("audit", "verify")
    [line] = _lines(checkpoints)
    line["lanes"]["1"][0] -= 2  # an attacker lowering the checkpoint to hide a rollback
    checkpoints.write_text(json.dumps(line) + "\n")
    result = audit_verify()
    assert not result.ok and "not a signed checkpoint" in result.problem


def test_the_worker_writes_checkpoints(checkpoints, worker):
    from qorgau.core.tasks import checkpoint_audit_chain

    checkpoint_audit_chain.call_local()
    assert _lines(checkpoints)[-1]["lanes"]["1"][0] == AuditHead.objects.get(id=1).seq == 5
    audit_record(actor=worker, action="case.view", object_type="cases.case", object_id="y")
    checkpoint_audit_chain.call_local()
    checkpoint_audit_chain.call_local()  # nothing new: no new line
    lines = _lines(checkpoints)
    assert [c["lanes"]["1"][0] for c in lines] == [5, 6]
    # each job anchored the lanes in the root lane, then signed the root's head with them
    roots = list(AuditEvent.objects.filter(lane=0).order_by("lane_seq"))
    assert [r.detail["lanes"]["1"][0] for r in roots] == [5, 6]
    assert [c["lanes"]["0"] for c in lines] == [[r.lane_seq, r.hash] for r in roots]
    assert audit_verify().ok


def test_the_worker_refuses_to_sign_a_broken_segment(checkpoints, worker):
    from qorgau.core.audit import CheckpointError, audit_checkpoint

    audit_checkpoint()
    audit_record(actor=worker, action="case.view", object_type="cases.case", object_id="z")
    as_owner("UPDATE core_auditevent SET action = 'case.list' WHERE lane = 1 AND lane_seq = 6")
    with pytest.raises(CheckpointError, match="lane 1 event 6"):
        audit_checkpoint()
    assert len(_lines(checkpoints)) == 1


def test_an_empty_chain_can_be_checkpointed_and_grow(checkpoints, db):
    from qorgau.core.audit import audit_checkpoint

    call_command("audit", "verify")  # a fresh installation: the empty chain is signed at 0
    assert audit_checkpoint().events == 0
    audit_record(actor=None, action="case.view", object_type="cases.case", object_id="a")
    assert audit_checkpoint().events == 2  # the event and the root record anchoring it
    assert [c["lanes"]["1"][0] for c in _lines(checkpoints)] == [0, 1] and audit_verify().ok


def test_an_unwritable_checkpoint_place_is_a_clear_error(settings, tmp_path, db):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.QORGAU_AUDIT_CHECKPOINT_FILE = str(blocker / "audit-checkpoints.log")
    with pytest.raises(CommandError, match=r"audit checkpoint file: .*not-a-directory"):
        call_command("audit", "checkpoint")
