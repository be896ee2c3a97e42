"""The chain in lanes (issue 14, docs/adr/0014-audit-chain.md): `audit verify` stays exact per
lane — an edited, deleted, reordered or inserted event, a forked lane, a gap in a lane's
numbering, a root record that disagrees with its lane, a head moved back — and a chain written
before there were several lanes still verifies once they are raised."""

import hashlib
import hmac
import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from tests.audit_tamper import as_owner

from qorgau.core import audit
from qorgau.core.audit import audit_checkpoint, audit_record, audit_verify, event_hash
from qorgau.core.models import AuditEvent, AuditHead

LANE = 3  # the lane tampered with; lane 1 holds events too


@pytest.fixture(autouse=True)
def _hint_back_to_lane_one():
    yield
    audit._last_lane.lane = 1  # the other tests expect a lone writer in lane 1


def _append(n, lane, prefix="e", *, lands_in=None):
    audit._last_lane.lane = lane  # this thread's lane hint: a free lane it used last is taken first
    for i in range(n):
        event = audit_record(
            actor=None, action="case.view", object_type="cases.case", object_id=f"{prefix}{i}"
        )
        assert event.lane == (lands_in or lane)
    return list(AuditEvent.objects.filter(lane=lane).order_by("lane_seq"))


@pytest.fixture
def lanes(db):
    _append(3, 1)
    events = _append(5, LANE)
    assert audit_verify().ok
    return events


def _event(lane, lane_seq):
    return AuditEvent.objects.get(lane=lane, lane_seq=lane_seq)


def _forge(*, lane, lane_seq, prev_hash, object_id="forged"):
    """An event sealed with the audit key, as an insider holding it would make one."""
    top = max(AuditEvent.objects.values_list("seq", flat=True))
    event = AuditEvent(
        seq=top + 1,
        lane=lane,
        lane_seq=lane_seq,
        at=timezone.now(),
        action="case.view",
        object_type="cases.case",
        object_id=object_id,
        prev_hash=prev_hash,
    )
    event.hash = event_hash(prev_hash, event)
    return event


def _insert(event):
    as_owner(
        "INSERT INTO core_auditevent (seq, lane, lane_seq, at, actor_username, action, object_type, object_id, "
        "purpose, source, detail, prev_hash, hash, key_id) VALUES "
        f"({event.seq}, {event.lane}, {event.lane_seq}, '{event.at.isoformat()}', '', '{event.action}', "
        f"'{event.object_type}', '{event.object_id}', '', '', '{{}}', '{event.prev_hash}', '{event.hash}', '')"
    )


def _broken(lane, lane_seq, problem):
    result = audit_verify()
    assert not result.ok and (result.lane, result.lane_seq) == (lane, lane_seq), result
    assert problem in result.problem
    return result


def test_appends_take_the_lane_they_are_given_and_all_verify(lanes):
    assert AuditEvent.objects.filter(lane=1).count() == 3 and len(lanes) == 5
    assert [e.lane_seq for e in lanes] == [1, 2, 3, 4, 5]
    assert AuditHead.objects.get(id=LANE).seq == 5
    assert AuditHead.objects.filter(id__gte=1).count() == 8  # QORGAU_AUDIT_LANES


@pytest.mark.parametrize(
    "tamper,at,problem",
    [
        ("UPDATE core_auditevent SET action = 'case.list' WHERE lane = 3 AND lane_seq = 3", 3, "changed"),
        ("DELETE FROM core_auditevent WHERE lane = 3 AND lane_seq = 3", 3, "missing"),
        ("DELETE FROM core_auditevent WHERE lane = 3 AND lane_seq = 5", 5, "missing"),  # the lane's tail
        ("UPDATE core_auditevent SET lane = 1 WHERE lane = 3 AND lane_seq = 5", 4, "missing"),  # moved lanes
    ],
)
def test_a_tampered_lane_is_found_and_named(lanes, tamper, at, problem):
    as_owner(tamper)
    result = audit_verify()
    assert not result.ok and problem in result.problem, result
    assert result.lane_seq == at and result.lane in (1, LANE)


def test_reordered_events_of_a_lane_are_found(lanes):
    third, fourth = lanes[2], lanes[3]
    as_owner(
        f"UPDATE core_auditevent SET lane_seq = 4 WHERE seq = {third.seq}",
        f"UPDATE core_auditevent SET lane_seq = 3 WHERE seq = {fourth.seq}",
    )
    _broken(LANE, 3, "link to the previous event is broken")


def test_an_event_inserted_into_a_lane_is_found(lanes):
    forged = _forge(lane=LANE, lane_seq=6, prev_hash=lanes[-1].hash)
    forged.hash = "f" * 64  # an outsider's forgery: no key, no valid seal
    _insert(forged)
    _broken(LANE, 6, "changed")


def test_a_forked_lane_is_found(lanes):
    """Two events hang on one predecessor: both sealed (an insider with the key), the head at one."""
    _insert(_forge(lane=LANE, lane_seq=3, prev_hash=lanes[1].hash))
    _broken(LANE, 3, "two events at one place (a fork)")


def test_a_gap_in_a_lanes_numbering_is_found(lanes):
    head = AuditHead.objects.get(id=LANE)
    as_owner(  # renumber the tail one up and move the head with it: the links all still hold
        f"UPDATE core_auditevent SET lane_seq = lane_seq + 1 WHERE lane = {LANE} AND lane_seq >= 3",
        f"UPDATE core_audithead SET seq = {head.seq + 1} WHERE id = {LANE}",
    )
    _broken(LANE, 3, "event is missing")


def test_a_root_record_that_disagrees_with_its_lane_is_found(lanes, settings, tmp_path):
    """The checkpoint job anchors every lane in the root lane; rolled back and regrown (the signed
    file out of reach or lost), the lane no longer matches its root record."""
    settings.QORGAU_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.log")
    audit_checkpoint()
    [root] = AuditEvent.objects.filter(lane=0)
    assert root.detail["lanes"][str(LANE)] == [5, lanes[-1].hash] and audit_verify().ok
    settings.QORGAU_AUDIT_CHECKPOINT_FILE = ""  # only the database's own anchors are left
    as_owner(
        f"DELETE FROM core_auditevent WHERE lane = {LANE} AND lane_seq >= 4",
        f"UPDATE core_audithead SET seq = 3, hash = '{lanes[2].hash}' WHERE id = {LANE}",
    )
    _broken(LANE, 4, f"the root record at event {root.seq} saw lane {LANE} up to event 5")
    _append(2, LANE, prefix="regrown")  # the lane grows past the anchor again, forked
    _broken(LANE, 5, f"event differs from the root record at event {root.seq}")


def test_a_lane_head_cannot_be_moved_back_and_a_moved_one_is_found(lanes):
    before = lanes[-2]
    with (
        pytest.raises(DatabaseError, match="only moves forward"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE core_audithead SET seq = 4, hash = '{before.hash}' WHERE id = {LANE}")
    assert audit_verify().ok
    as_owner(f"UPDATE core_audithead SET seq = 4, hash = '{before.hash}' WHERE id = {LANE}")
    _broken(LANE, 5, "the head was moved back to event 4 (the lane holds 5)")


def test_an_event_at_or_below_its_lane_head_is_refused(lanes):
    if connection.vendor != "postgresql":
        pytest.skip("the events' insert guard is PostgreSQL's")
    forged = _forge(lane=LANE, lane_seq=3, prev_hash=lanes[1].hash)
    with pytest.raises(DatabaseError, match="already in the chain"), transaction.atomic():
        forged.save(force_insert=True)


def test_a_chain_from_before_lanes_verifies_when_lanes_are_raised(db, settings, tmp_path):
    """Written with one lane and checkpointed in the pre-lanes format (`seq`, `hash` of the single
    chain, which is lane 1 now), then the lanes raised: it verifies, the old checkpoint still
    guards lane 1, and new appends spread over the new lanes."""
    settings.QORGAU_AUDIT_LANES = 1
    old = _append(4, 1, prefix="old")
    _append(1, 5, prefix="hinted", lands_in=1)  # with one lane the hint to lane 5 is not taken
    assert AuditEvent.objects.filter(lane=1).count() == 5 and not AuditEvent.objects.exclude(lane=1).exists()
    path = tmp_path / "checkpoints.log"
    chain = str(AuditHead.objects.get(id=1).chain_id)
    at = "2026-11-30T10:00:00+00:00"
    message = f"{chain}|4|{old[3].hash}|{at}".encode()  # the signature of a line written before lanes
    sig = hmac.new(audit._checkpoint_key(), message, hashlib.sha256).hexdigest()
    path.write_text(json.dumps({"chain": chain, "seq": 4, "hash": old[3].hash, "at": at, "sig": sig}) + "\n")
    settings.QORGAU_AUDIT_CHECKPOINT_FILE = str(path)
    assert audit_verify().ok

    settings.QORGAU_AUDIT_LANES = 8
    _append(3, 6, prefix="new")
    result = audit_verify(checkpoint=True)
    assert result.ok and result.checked == 8 and result.checkpoints == 2
    assert json.loads(path.read_text().splitlines()[-1])["lanes"]["6"][0] == 3

    as_owner(  # rolled back below the old-format checkpoint: still caught
        "DELETE FROM core_auditevent WHERE lane = 1 AND lane_seq >= 3",
        f"UPDATE core_audithead SET seq = 2, hash = '{old[1].hash}' WHERE id = 1",
    )
    _broken(1, 3, "a signed checkpoint saw lane 1 up to event")


def test_the_job_anchors_lanes_a_verify_checkpoint_already_signed(lanes, settings, tmp_path):
    """`audit verify` signs the heads without a root record; the next job still anchors them."""
    settings.QORGAU_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.log")
    assert audit_verify(checkpoint=True).ok
    checkpoint = audit_checkpoint()
    [root] = AuditEvent.objects.filter(lane=0)
    assert root.detail["lanes"][str(LANE)] == [5, lanes[-1].hash]
    assert checkpoint.lanes[0] == (1, root.hash)
    assert audit_checkpoint() == checkpoint and AuditEvent.objects.filter(lane=0).count() == 1  # nothing new
