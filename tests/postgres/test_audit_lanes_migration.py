"""An installation from before lanes (issue 14): its single chain, written by migration 0005's
rules, becomes lane 1 (`lane_seq = seq`) under migration 0006 and `audit verify` stays clean; the
next append continues lane 1 and the display numbers continue after the old ones."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from qorgau.core.audit import GENESIS_HASH, audit_lanes_ensure, audit_record, audit_verify, event_hash
from qorgau.core.models import AuditEvent, AuditHead

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("core", "0005_audit_chain_guards")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _old_chain(count: int) -> list[str]:
    """Events appended as audit_record did before lanes: seq 1..n, each linked to the one before,
    the single head moved over them (0005's triggers check both)."""
    prev, hashes = GENESIS_HASH, []
    with connection.cursor() as cursor:
        for seq in range(1, count + 1):
            event = SimpleNamespace(
                seq=seq, at=timezone.now(), actor_id=None, actor_username="", agency_id=None,
                action="case.view", object_type="cases.case", object_id=str(seq), case_id=None,
                purpose="", source="cli", detail={}, key_id="",
            )  # fmt: skip
            prev = event_hash(prev, event)
            hashes.append(prev)
            cursor.execute(
                "INSERT INTO core_auditevent (seq, at, actor_username, action, object_type, object_id, purpose, "
                "source, detail, prev_hash, hash, key_id) VALUES (%s, %s, '', 'case.view', 'cases.case', %s, '', "
                "'cli', '{}', %s, %s, '')",
                [seq, event.at, str(seq), hashes[-2] if seq > 1 else GENESIS_HASH, prev],
            )
        cursor.execute("UPDATE core_audithead SET seq = %s, hash = %s WHERE id = 1", [count, prev])
    return hashes


def test_the_single_chain_becomes_lane_one_and_verifies():
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM core_audithead")
            assert cursor.fetchall() == [(1,)]  # one head again, as before lanes
        hashes = _old_chain(4)
    finally:
        _migrate(None)
    audit_lanes_ensure()  # what post_migrate does
    assert sorted(AuditHead.objects.values_list("id", flat=True)) == list(range(9))
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "lane", "lane_seq", "hash"))
    assert rows == [(n, 1, n, hashes[n - 1]) for n in range(1, 5)]
    result = audit_verify()
    assert result.ok and result.checked == 4, result
    event = audit_record(actor=None, action="case.view", object_type="cases.case", object_id="5")
    assert (event.lane, event.lane_seq) == (1, 5) and event.seq > 4 and event.prev_hash == hashes[-1]
    assert audit_verify().ok
