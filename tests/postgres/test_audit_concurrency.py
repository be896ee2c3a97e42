"""16 writers append to the audit chain at once (issue 14): no event is lost, duplicated or
forked, every lane stays contiguous and `audit verify` is clean — also while they write. Each append keeps its transaction
open a moment (as a service write does), so the writers really contend for the lane heads: with
more writers than lanes the rest wait for a lane. Single appends and `audit_record_many` (which
moves a lane head by N) are mixed. The throughput is measured in bench/audit_throughput.py."""

import threading
import time
from collections import Counter

import pytest
from django.db import close_old_connections, connection, transaction

from qorgau.core.audit import audit_record, audit_record_many, audit_verify
from qorgau.core.models import AuditEvent, AuditHead

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 16
APPENDS = 10  # per writer; every fourth is three events at once
HOLD_SECONDS = 0.01  # the transaction stays open this long after its append


@pytest.mark.parametrize("lanes", [2, 8])
def test_sixteen_writers_lose_duplicate_and_fork_nothing(make_user, settings, lanes):
    settings.QORGAU_AUDIT_LANES = lanes
    actor = make_user("caseworker")
    barrier = threading.Barrier(WRITERS)
    written: list[list[str]] = [[] for _ in range(WRITERS)]
    errors: list[BaseException] = []

    def writer(n):
        close_old_connections()
        try:
            barrier.wait()
            for i in range(APPENDS):
                with transaction.atomic():
                    if i % 4 == 3:
                        ids = [f"00000000-0000-0000-{n:04d}-{i * 3 + k:012d}" for k in range(3)]
                        audit_record_many(actor=actor, action="case.list", case_ids=ids, detail={"w": n})
                    else:
                        ids = [f"{n}:{i}"]
                        audit_record(actor=actor, action="case.view", object_id=ids[0], detail={"w": n})
                    time.sleep(HOLD_SECONDS)
                written[n] += ids  # acknowledged: committed
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    writing = threading.Event()
    verdicts = []

    def verifier():  # `audit verify` while they write: one snapshot, so no false alarm
        close_old_connections()
        try:
            while writing.is_set():
                verdicts.append(audit_verify())
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    writing.set()
    checker = threading.Thread(target=verifier)
    for thread in [*threads, checker]:
        thread.start()
    for thread in threads:
        thread.join(120)
    writing.clear()
    checker.join(120)
    assert not errors, errors[:3]
    assert verdicts and all(v.ok for v in verdicts), [v for v in verdicts if not v.ok][:1]

    acknowledged = [object_id for ids in written for object_id in ids]
    events = list(AuditEvent.objects.filter(action__in=["case.view", "case.list"]))
    assert len(acknowledged) == WRITERS * (APPENDS + 2 * (APPENDS // 4))  # every writer did all its work
    assert sorted(e.object_id for e in events) == sorted(acknowledged)  # nothing lost, nothing duplicated
    everything = list(AuditEvent.objects.values_list("seq", "lane", "lane_seq", "prev_hash"))
    assert len({seq for seq, *_ in everything}) == len(everything)  # display numbers unique
    used = Counter(lane for _seq, lane, *_ in everything)
    assert set(used) <= set(range(1, lanes + 1)) and len(used) == lanes  # every lane took appends
    heads = {head.id: head for head in AuditHead.objects.all()}
    for lane, count in used.items():  # each lane contiguous 1..n, its head at n
        positions = sorted(lane_seq for _s, lane_, lane_seq, _p in everything if lane_ == lane)
        assert positions == list(range(1, count + 1)) and heads[lane].seq == count
    links = Counter((lane, prev_hash) for _s, lane, _n, prev_hash in everything)
    assert max(links.values()) == 1  # no fork: no two events of a lane hang on one link
    result = audit_verify()
    assert result.ok and result.checked == len(everything), result
