"""The append-only audit chain: every read and write of survivor data leaves one event.

Each event's hash is an HMAC (key QORGAU_AUDIT_KEY) over the previous event's hash and the
event's own fields, so changing, deleting, inserting or reordering an event breaks the chain
from that point on, and someone with only database access cannot re-forge the links.
"""

import contextvars
import hashlib
import hmac
import json
import uuid
from base64 import b64decode
from dataclasses import dataclass
from datetime import UTC
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qorgau.core.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64

# Where the current work came from ("web", "api", "cli", "job"); set by middleware and jobs.
audit_source = contextvars.ContextVar("audit_source", default="cli")


@cache
def _key() -> bytes:
    return b64decode(settings.QORGAU_AUDIT_KEY)


def _canonical(event: AuditEvent) -> bytes:
    fields = {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "agency_id": event.agency_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": str(event.case_id) if event.case_id else None,
        "purpose": event.purpose,
        "source": event.source,
        "detail": event.detail,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    return hmac.new(_key(), prev_hash.encode() + b"\n" + _canonical(event), hashlib.sha256).hexdigest()


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    case_id: uuid.UUID | str | None = None,
    purpose: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the write it records (it joins it)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_username=getattr(actor, "username", "") or "",
            agency_id=getattr(actor, "agency_id", None),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            case_id=case_id,
            purpose=purpose,
            source=audit_source.get(),
            detail=detail or {},
            prev_hash=head.hash,
        )
        event.hash = event_hash(head.hash, event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def audit_verify(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain from the start; report the first event that does not fit."""
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.seq, "link to the previous event is broken")
        if not hmac.compare_digest(event.hash, event_hash(prev_hash, event)):
            return VerifyResult(False, checked, event.seq, "event content was changed")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.seq != checked or head.hash != prev_hash):
        return VerifyResult(
            False, checked, checked + 1, f"events after {checked} are missing (head is at {head.seq})"
        )
    return VerifyResult(True, checked)
