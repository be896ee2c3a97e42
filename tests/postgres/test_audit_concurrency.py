"""16 writers append to the audit chain at once for a bounded time (issue 14): no event is lost,
duplicated or forked, and `audit verify` is clean. Single appends and `audit_record_many` (which
moves the head by N) are mixed. The throughput is measured in bench/audit_throughput.py."""

import os
import threading
import time

import pytest
from django.db import close_old_connections, connection

from qorgau.core.audit import audit_record, audit_record_many, audit_verify
from qorgau.core.models import AuditEvent, AuditHead

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 16
SECONDS = float(os.environ.get("QORGAU_AUDIT_CONCURRENCY_SECONDS", "4"))


def test_sixteen_writers_lose_duplicate_and_fork_nothing(make_user):
    actor = make_user("caseworker")
    barrier = threading.Barrier(WRITERS)
    written: list[list[str]] = [[] for _ in range(WRITERS)]
    errors: list[BaseException] = []

    def writer(n):
        close_old_connections()
        try:
            barrier.wait()
            deadline, i = time.monotonic() + SECONDS, 0
            while time.monotonic() < deadline:
                i += 1
                if i % 5 == 0:
                    ids = [f"00000000-0000-0000-{n:04d}-{i * 3 + k:012d}" for k in range(3)]
                    audit_record_many(actor=actor, action="case.list", case_ids=ids, detail={"w": n})
                    written[n] += ids
                else:
                    audit_record(actor=actor, action="case.view", object_id=f"{n}:{i}", detail={"w": n})
                    written[n].append(f"{n}:{i}")
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS + 60)
    assert not errors, errors[:3]

    acknowledged = [object_id for ids in written for object_id in ids]
    stored = list(
        AuditEvent.objects.filter(action__in=["case.view", "case.list"]).values_list("object_id", flat=True)
    )
    assert len(acknowledged) > WRITERS * 5  # every writer did real work
    assert sorted(stored) == sorted(acknowledged)  # nothing lost, nothing duplicated
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    with connection.cursor() as cursor:  # no fork: no two events hang on the same link
        cursor.execute("SELECT prev_hash FROM core_auditevent GROUP BY prev_hash HAVING count(*) > 1")
        assert cursor.fetchall() == []
    assert AuditHead.objects.get().seq == len(seqs)
    result = audit_verify()
    assert result.ok and result.checked == len(seqs)
