"""The audit key can be rotated without breaking `audit verify` of the old part of the chain
(issue 15): `qorgau audit rotate-key ID` seals later events with the key ID from
QORGAU_AUDIT_KEYS; each part verifies under the key that sealed it."""

from base64 import b64encode

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from tests.audit_tamper import as_owner

from qorgau.core.audit import KEY_ROTATED, audit_record, audit_verify
from qorgau.core.models import AuditEvent, AuditHead

NEW_KEY = b64encode(b"rotated-audit-key-for-tests-32b!").decode()
OTHER_KEY = b64encode(b"another-audit-key-for-tests-32b!").decode()


@pytest.fixture
def rotated(settings, make_user):
    settings.QORGAU_AUDIT_KEYS = f"k2:{NEW_KEY}"
    actor = make_user("caseworker")
    for n in range(3):
        audit_record(actor=actor, action="case.view", object_type="cases.case", object_id=str(n))
    before = AuditHead.objects.get(id=1).seq
    call_command("audit", "rotate-key", "k2")
    for n in range(3):
        audit_record(actor=actor, action="case.view", object_type="cases.case", object_id=f"new{n}")
    return before


def test_events_after_the_rotation_use_the_new_key_and_all_verify(rotated, capsys):
    keys = list(AuditEvent.objects.order_by("seq").values_list("key_id", "action"))
    assert all(key == "" for key, _a in keys[:rotated])
    assert keys[rotated] == ("k2", KEY_ROTATED)
    assert all(key == "k2" for key, _a in keys[rotated:])
    assert set(AuditHead.objects.values_list("key_id", flat=True)) == {"k2"}  # every lane rotated
    assert AuditEvent.objects.filter(action=KEY_ROTATED).count() == AuditHead.objects.count()
    call_command("audit", "verify")
    assert "audit chain intact" in capsys.readouterr().out


def test_the_old_part_is_checked_under_the_old_key(rotated, settings):
    settings.QORGAU_AUDIT_KEY = OTHER_KEY  # the old key lost or wrong: the old part fails
    result = audit_verify()
    assert not result.ok and (result.lane, result.lane_seq) == (1, 1) and "changed" in result.problem


def test_the_new_part_needs_the_new_key(rotated, settings):
    settings.QORGAU_AUDIT_KEYS = ""
    result = audit_verify()
    # the root lane is walked first: its first event is its rotation
    assert (
        not result.ok
        and (result.lane, result.lane_seq) == (0, 1)
        and "'k2' is not configured" in result.problem
    )


def test_an_event_moved_to_another_key_is_found(rotated, settings):
    settings.QORGAU_AUDIT_KEYS = f"k2:{NEW_KEY},k3:{OTHER_KEY}"
    as_owner("UPDATE core_auditevent SET key_id = 'k2' WHERE lane = 1 AND lane_seq = 2")
    result = audit_verify()
    assert not result.ok and (result.lane, result.lane_seq) == (1, 2)


def test_the_head_key_cannot_be_switched_without_the_rotation_event(rotated):
    with (
        pytest.raises(DatabaseError, match="audit head only moves forward"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_audithead SET key_id = ''")
    assert audit_verify().ok


def test_an_unknown_or_current_key_is_refused_and_nothing_changes(rotated):
    count = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="'k9' is not configured"):
        call_command("audit", "rotate-key", "k9")
    with pytest.raises(CommandError, match="already uses the key 'k2'"):
        call_command("audit", "rotate-key", "k2")
    assert AuditEvent.objects.count() == count and AuditHead.objects.get(id=1).key_id == "k2"


def test_a_malformed_key_list_is_a_clear_error(settings):
    settings.QORGAU_AUDIT_KEYS = "k2"
    with pytest.raises(CommandError, match="QORGAU_AUDIT_KEYS must look like"):
        call_command("audit", "rotate-key", "k2")
