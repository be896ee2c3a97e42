"""The append-only audit chain: every read and write of survivor data leaves one event.

Each event's hash is an HMAC (key QORGAU_AUDIT_KEY) over the previous event's hash and the
event's own fields, so changing, deleting, inserting or reordering an event breaks the chain
from that point on, and someone with only database access cannot re-forge the links.
"""

import contextvars
import hashlib
import hmac
import json
import logging
import os
import uuid
from base64 import b64decode
from dataclasses import dataclass
from datetime import UTC
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from qorgau.core.errors import AuditUnavailable
from qorgau.core.models import AuditEvent, AuditHead

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64

# Where the current work came from ("web", "api", "cli", "job"); set by middleware and jobs.
audit_source = contextvars.ContextVar("audit_source", default="cli")


@cache
def _keys() -> dict[str, bytes]:
    """The audit keys by id: "" is QORGAU_AUDIT_KEY, the rest come from QORGAU_AUDIT_KEYS."""
    keys = {"": b64decode(settings.QORGAU_AUDIT_KEY)}
    for item in filter(None, (part.strip() for part in settings.QORGAU_AUDIT_KEYS.split(","))):
        key_id, _sep, value = item.partition(":")
        if not key_id or not value or len(key_id) > 16:
            raise ImproperlyConfigured("QORGAU_AUDIT_KEYS must look like 'k2:<base64>,k3:<base64>'")
        keys[key_id] = b64decode(value)
    return keys


def _key(key_id: str = "") -> bytes:
    try:
        return _keys()[key_id]
    except KeyError:
        raise AuditKeyMissing(key_id) from None


class AuditKeyMissing(Exception):
    """An event was sealed with a key id this process has not been given."""

    def __init__(self, key_id: str):
        self.key_id = key_id
        super().__init__(f"audit key {key_id!r} is not configured (QORGAU_AUDIT_KEYS)")


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
    """The event's link, under the key it names (the key id itself is not hashed: an event moved
    to another key no longer verifies, and old events keep their hashes)."""
    key = _key(getattr(event, "key_id", "") or "")
    return hmac.new(key, prev_hash.encode() + b"\n" + _canonical(event), hashlib.sha256).hexdigest()


def locked_head() -> AuditHead:
    """The chain head, locked until the transaction ends. A missing head is refused with a clear
    error (never re-created here: a fresh head would restart the numbering over existing events)."""
    head = AuditHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        logger.critical("audit head row is missing: every audited action is refused")
        raise AuditUnavailable("the audit head row is missing")
    return head


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
        head = locked_head()
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
            key_id=head.key_id,
        )
        event.hash = event_hash(head.hash, event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def audit_record_many(
    *,
    actor,
    action: str,
    case_ids,
    object_type: str = "cases.case",
    purpose: str = "",
    detail: dict | None = None,
) -> int:
    """One event per case, appended together (a list or a search that showed these cases: each
    appears in that case's access log). The head is locked once; the chain is the same as if
    `audit_record` had been called for each."""
    case_ids = list(dict.fromkeys(case_ids))
    if not case_ids:
        return 0
    with transaction.atomic():
        head = locked_head()
        seq, prev, events = head.seq, head.hash, []
        for case_id in case_ids:
            seq += 1
            event = AuditEvent(
                seq=seq,
                at=timezone.now(),
                actor_id=getattr(actor, "pk", None),
                actor_username=getattr(actor, "username", "") or "",
                agency_id=getattr(actor, "agency_id", None),
                action=action,
                object_type=object_type,
                object_id=str(case_id),
                case_id=case_id,
                purpose=purpose,
                source=audit_source.get(),
                detail=detail or {},
                prev_hash=prev,
                key_id=head.key_id,
            )
            event.hash = prev = event_hash(prev, event)
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return len(events)


KEY_ROTATED = "audit.key_rotated"


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    checkpoints: int = 0  # signed checkpoints of this chain the events were checked against


# --- Checkpoints: the head anchored outside the database ------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    seq: int
    hash: str
    at: str


class CheckpointError(Exception):
    pass


def _checkpoint_key() -> bytes:
    if settings.QORGAU_AUDIT_CHECKPOINT_KEY:
        return b64decode(settings.QORGAU_AUDIT_CHECKPOINT_KEY)
    return hmac.new(_key(""), b"qorgau audit checkpoint v1", hashlib.sha256).digest()


def _signature(chain: str, seq: int, hash_: str, at: str) -> str:
    message = f"{chain}|{seq}|{hash_}|{at}".encode()
    return hmac.new(_checkpoint_key(), message, hashlib.sha256).hexdigest()


def read_checkpoints(path: str | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, oldest first; a line that is not a checkpoint signed with the
    checkpoint key raises CheckpointError (the file was edited)."""
    path = path if path is not None else settings.QORGAU_AUDIT_CHECKPOINT_FILE
    if not path:
        return []
    try:
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
    except FileNotFoundError:
        return []
    checkpoints = []
    for number, line in enumerate(lines, start=1):
        try:
            row = json.loads(line)
            checkpoint = Checkpoint(str(row["chain"]), int(row["seq"]), str(row["hash"]), str(row["at"]))
            good = hmac.compare_digest(
                str(row["sig"]),
                _signature(checkpoint.chain, checkpoint.seq, checkpoint.hash, checkpoint.at),
            )
        except (ValueError, KeyError, TypeError):
            good = False
        if not good:
            raise CheckpointError(f"line {number} of the checkpoint file is not a signed checkpoint")
        checkpoints.append(checkpoint)
    return checkpoints


def _append_checkpoint(chain: str, seq: int, hash_: str) -> Checkpoint:
    path = settings.QORGAU_AUDIT_CHECKPOINT_FILE
    at = timezone.now().astimezone(UTC).isoformat(timespec="seconds")
    line = json.dumps(
        {"chain": chain, "seq": seq, "hash": hash_, "at": at, "sig": _signature(chain, seq, hash_, at)},
        separators=(",", ":"),
    )
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())  # one write of one line: appends never interleave
        os.fsync(fd)
    finally:
        os.close(fd)
    return Checkpoint(chain, seq, hash_, at)


# --- Verification ------------------------------------------------------------------------------


def _walk(events, *, prev_hash: str, prev_key: str, expected_seq: int, marks: dict[int, str]):
    """Check events from expected_seq on; returns (VerifyResult-or-None, last hash, key, checked)."""
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event {expected_seq} is missing"), None
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.seq, "link to the previous event is broken"), None
        if event.key_id != prev_key and event.action != KEY_ROTATED:
            return VerifyResult(False, checked, event.seq, "the audit key changed without a rotation"), None
        try:
            good = hmac.compare_digest(event.hash, event_hash(prev_hash, event))
        except AuditKeyMissing as missing:
            return VerifyResult(False, checked, event.seq, str(missing)), None
        if not good:
            return VerifyResult(False, checked, event.seq, "event content was changed"), None
        if event.seq in marks and marks[event.seq] != event.hash:
            return VerifyResult(False, checked, event.seq, "event differs from its signed checkpoint"), None
        prev_hash, prev_key, expected_seq, checked = event.hash, event.key_id, expected_seq + 1, checked + 1
    return None, (prev_hash, prev_key, checked)


def audit_verify(batch_size: int = 5000, *, checkpoint: bool = False) -> VerifyResult:
    """Walk the chain from the start; report the first event that does not fit, a head that is
    missing or does not match the last event, and a chain shorter than a signed checkpoint.
    With checkpoint=True a verified chain gets a new checkpoint of its head."""
    head = AuditHead.objects.filter(id=1).first()
    try:
        checkpoints = read_checkpoints()
    except CheckpointError as error:
        return VerifyResult(False, 0, None, str(error))
    chain = str(head.chain_id) if head else None
    ours = [c for c in checkpoints if c.chain == chain]
    if checkpoints and not ours:
        last = checkpoints[-1]
        return VerifyResult(
            False,
            0,
            None,
            f"the checkpoint file holds another chain ({last.chain}, checkpoint at event {last.seq}): "
            "this database's chain was replaced, or QORGAU_AUDIT_CHECKPOINT_FILE belongs to another database",
        )
    marks = {c.seq: c.hash for c in ours}
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size)
    bad, state = _walk(events, prev_hash=GENESIS_HASH, prev_key="", expected_seq=1, marks=marks)
    if bad:
        bad.checkpoints = len(ours)
        return bad
    prev_hash, _key_id, checked = state
    highest = max(marks, default=0)
    if highest > checked:
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"events after {checked} are missing: a signed checkpoint saw the chain at event {highest}",
            len(ours),
        )
    if head is None:
        return VerifyResult(
            False, checked, checked + 1, "the chain head is missing (qorgau audit restore-head)", len(ours)
        )
    if head.seq != checked or head.hash != prev_hash:
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"events after {checked} are missing (head is at {head.seq})",
            len(ours),
        )
    written = 0
    if checkpoint and settings.QORGAU_AUDIT_CHECKPOINT_FILE and (not ours or ours[-1].seq != checked):
        _append_checkpoint(str(head.chain_id), checked, prev_hash)
        written = 1
    return VerifyResult(True, checked, checkpoints=len(ours) + written)


def audit_checkpoint() -> Checkpoint | None:
    """Sign the head into the checkpoint file after checking the events since the last
    checkpoint (the periodic job; cheap: it does not walk the whole chain)."""
    if not settings.QORGAU_AUDIT_CHECKPOINT_FILE:
        return None
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        raise AuditUnavailable("the audit head row is missing")
    chain = str(head.chain_id)
    ours = [c for c in read_checkpoints() if c.chain == chain]
    last = ours[-1] if ours else None
    start, prev_hash, prev_key = 1, GENESIS_HASH, ""
    if last is not None and last.seq > 0:
        anchor = AuditEvent.objects.filter(seq=last.seq).first()
        if anchor is None or anchor.hash != last.hash:
            raise CheckpointError(f"event {last.seq} no longer matches its signed checkpoint")
        start, prev_hash, prev_key = last.seq + 1, last.hash, anchor.key_id
    if last is not None and last.seq == head.seq:
        return last
    events = AuditEvent.objects.filter(seq__gte=start, seq__lte=head.seq).order_by("seq").iterator(5000)
    bad, state = _walk(events, prev_hash=prev_hash, prev_key=prev_key, expected_seq=start, marks={})
    if bad:
        raise CheckpointError(f"audit chain broken at event {bad.first_bad_seq}: {bad.problem}")
    if state[2] != head.seq - start + 1 or state[0] != head.hash:
        raise CheckpointError("the audit head does not match the last event")
    return _append_checkpoint(chain, head.seq, head.hash)


def audit_restore_head() -> AuditHead:
    """Put back a missing head at the last event, when the whole chain verifies (and fits its
    checkpoints). The chain keeps its id when a checkpoint names it."""
    if AuditHead.objects.filter(id=1).exists():
        raise CheckpointError("the audit head is there; nothing to restore")
    checkpoints = read_checkpoints()
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)
    chains = {c.chain for c in checkpoints}
    if len(chains) > 1:
        raise CheckpointError("the checkpoint file names more than one chain")
    marks = {c.seq: c.hash for c in checkpoints}
    bad, state = _walk(events, prev_hash=GENESIS_HASH, prev_key="", expected_seq=1, marks=marks)
    if bad:
        raise CheckpointError(f"audit chain broken at event {bad.first_bad_seq}: {bad.problem}")
    prev_hash, key_id, checked = state
    if max(marks, default=0) > checked:
        raise CheckpointError(f"events after {checked} are missing: a signed checkpoint saw more")
    head = AuditHead(id=1, seq=checked, hash=prev_hash, key_id=key_id)
    if chains:
        head.chain_id = uuid.UUID(chains.pop())
    head.save(force_insert=True)
    return head


# --- Key rotation --------------------------------------------------------------------------------


def audit_rotate_key(*, actor, key_id: str) -> AuditEvent:
    """Seal every later event with the key `key_id` (from QORGAU_AUDIT_KEYS). The switch is itself
    an event, the first sealed with the new key, so `audit verify` checks each part under its key."""
    _key(key_id)  # refuse an unknown key before anything changes
    with transaction.atomic():
        head = locked_head()
        if head.key_id == key_id:
            raise ValueError(f"the chain already uses the key {key_id!r}")
        previous = head.key_id
        head.key_id = key_id  # audit_record seals with head.key_id and moves the head with it
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_username=getattr(actor, "username", "") or "",
            agency_id=getattr(actor, "agency_id", None),
            action=KEY_ROTATED,
            source=audit_source.get(),
            detail={"from": previous, "to": key_id},
            prev_hash=head.hash,
            key_id=key_id,
        )
        event.hash = event_hash(head.hash, event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash", "key_id"])
    return event


# --- Monthly partitions (PostgreSQL) ---------------------------------------------------------------


def audit_partitions_ensure(months_ahead: int | None = None) -> int:
    """Create the events table's partitions for this month and the next months (PostgreSQL; the
    function runs with the owner's rights). Returns how many were made; 0 elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    months = settings.QORGAU_AUDIT_PARTITION_MONTHS_AHEAD if months_ahead is None else months_ahead
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT qorgau_audit_partitions((now() AT TIME ZONE 'UTC')::date, %s)", [max(0, months)]
        )
        return cursor.fetchone()[0]
