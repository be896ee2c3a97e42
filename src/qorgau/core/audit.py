"""The append-only audit chain: every read and write of survivor data leaves one event.

Each event's hash is an HMAC (key QORGAU_AUDIT_KEY) over the previous event's hash and the
event's own fields, so changing, deleting, inserting or reordering an event breaks the chain
from that point on, and someone with only database access cannot re-forge the links.

The chain runs in lanes (QORGAU_AUDIT_LANES, docs/adr/0014-audit-chain.md): an append takes a
free lane's head and links to the previous event of that lane, so concurrent transactions do not
queue on one row. The checkpoint job anchors every lane in the root lane 0 and signs all heads.
"""

import contextlib
import contextvars
import hashlib
import hmac
import json
import logging
import os
import threading
import uuid
from base64 import b64decode
from dataclasses import dataclass
from datetime import UTC
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Case, Max, Value, When
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


ROOT_LANE = 0  # the checkpoint job's lane: one event per checkpoint anchoring every other lane
LANES_ANCHORED = "audit.lanes_anchored"
KEY_ROTATED = "audit.key_rotated"

# The lane this thread appended to last: a transaction that appends twice keeps to the lane it
# already holds (SKIP LOCKED does not skip our own lock), instead of holding a second one.
_last_lane = threading.local()


def writer_lanes() -> int:
    return max(1, settings.QORGAU_AUDIT_LANES)


def locked_head(lane: int | None = None) -> AuditHead:
    """A lane head, locked until the transaction ends: `lane`'s, or else a free writer lane's
    (SKIP LOCKED, preferring the lane this thread used last), or, when every lane is taken, one of
    them waited for. Missing heads are refused with a clear error (never re-created here: a fresh
    head would restart the lane's numbering over existing events)."""
    if lane is not None:
        head = AuditHead.objects.select_for_update().filter(id=lane).first()
    else:
        lanes = AuditHead.objects.filter(id__gte=1, id__lte=writer_lanes())
        hint = getattr(_last_lane, "lane", 1)
        head = (
            lanes.select_for_update(skip_locked=True)
            .order_by(Case(When(id=hint, then=Value(0)), default=Value(1)), "id")
            .first()
        )
        if head is None:  # all taken (or none there): wait for one, at random so waiters spread
            head = lanes.select_for_update().order_by("?").first()
        if head is not None:
            _last_lane.lane = head.id
    if head is None:
        logger.critical("audit head row is missing: every audited action is refused")
        raise AuditUnavailable("the audit head row is missing")
    return head


def next_event_seqs(count: int) -> list[int]:
    """Display numbers for `count` new events: from the sequence on PostgreSQL (gaps allowed);
    SQLite (demo, one writer at a time) takes the highest + 1."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('qorgau_audit_event_seq') FROM generate_series(1, %s)", [count])
            return [row[0] for row in cursor.fetchall()]
    top = AuditEvent.objects.aggregate(top=Max("seq"))["top"] or 0
    return list(range(top + 1, top + count + 1))


def _append(head: AuditHead, rows: list[dict]) -> list[AuditEvent]:
    """Link `rows` (event fields) after `head`, write them and move the head over them."""
    seqs = next_event_seqs(len(rows))
    prev, events = head.hash, list[AuditEvent]()
    for seq, fields in zip(seqs, rows, strict=True):
        event = AuditEvent(
            seq=seq,
            lane=head.id,
            lane_seq=head.seq + len(events) + 1,
            at=timezone.now(),
            source=audit_source.get(),
            prev_hash=prev,
            key_id=head.key_id,
            **fields,
        )
        event.hash = prev = event_hash(prev, event)
        events.append(event)
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(events)
    head.seq, head.hash = events[-1].lane_seq, events[-1].hash
    head.save(update_fields=["seq", "hash", "key_id"])
    return events


def _actor_fields(actor) -> dict:
    return {
        "actor_id": getattr(actor, "pk", None),
        "actor_username": getattr(actor, "username", "") or "",
        "agency_id": getattr(actor, "agency_id", None),
    }


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
    fields = {
        **_actor_fields(actor),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "case_id": case_id,
        "purpose": purpose,
        "detail": detail or {},
    }
    with transaction.atomic():
        [event] = _append(locked_head(), [fields])
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
    """One event per case, appended together in one lane (a list or a search that showed these
    cases: each appears in that case's access log). The lane is locked once."""
    case_ids = list(dict.fromkeys(case_ids))
    if not case_ids:
        return 0
    who = _actor_fields(actor)
    rows = [
        {
            **who,
            "action": action,
            "object_type": object_type,
            "object_id": str(case_id),
            "case_id": case_id,
            "purpose": purpose,
            "detail": detail or {},
        }
        for case_id in case_ids
    ]
    with transaction.atomic():
        events = _append(locked_head(), rows)
    return len(events)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None  # the display number of the event that does not fit, if any
    problem: str = ""
    checkpoints: int = 0  # signed checkpoints of this chain the events were checked against
    lane: int | None = None  # where it broke: the lane and the position in it
    lane_seq: int | None = None


# --- Checkpoints: every lane head anchored outside the database -----------------------------------

Position = tuple[int, str]  # (lane_seq, hash) of a lane's newest event; (0, GENESIS_HASH) when empty


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    at: str
    lanes: dict[int, Position]

    @property
    def events(self) -> int:
        return sum(n for n, _hash in self.lanes.values())


class CheckpointError(Exception):
    pass


def _checkpoint_key() -> bytes:
    if settings.QORGAU_AUDIT_CHECKPOINT_KEY:
        return b64decode(settings.QORGAU_AUDIT_CHECKPOINT_KEY)
    return hmac.new(_key(""), b"qorgau audit checkpoint v1", hashlib.sha256).digest()


def _lanes_text(lanes: dict[int, Position]) -> str:
    return json.dumps({str(lane): list(lanes[lane]) for lane in sorted(lanes)}, separators=(",", ":"))


def _signature(chain: str, lanes: dict[int, Position], at: str, *, single: bool = False) -> str:
    if single:  # a line from before lanes: the single chain, now lane 1
        n, hash_ = lanes[1]
        message = f"{chain}|{n}|{hash_}|{at}".encode()
    else:
        message = f"v2|{chain}|{_lanes_text(lanes)}|{at}".encode()
    return hmac.new(_checkpoint_key(), message, hashlib.sha256).hexdigest()


def _parse_checkpoint(line: str) -> Checkpoint | None:
    try:
        row = json.loads(line)
        chain, at = str(row["chain"]), str(row["at"])
        single = "lanes" not in row
        if single:
            lanes = {1: (int(row["seq"]), str(row["hash"]))}
        else:
            lanes = {int(lane): (int(n), str(h)) for lane, (n, h) in row["lanes"].items()}
        good = hmac.compare_digest(str(row["sig"]), _signature(chain, lanes, at, single=single))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return Checkpoint(chain, at, lanes) if good else None


def read_checkpoints(path: str | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, oldest first; a line that is not a checkpoint signed with the
    checkpoint key raises CheckpointError (the file was edited). Lines written before lanes
    (`seq`, `hash`) are checkpoints of lane 1."""
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
        checkpoint = _parse_checkpoint(line)
        if checkpoint is None:
            raise CheckpointError(f"line {number} of the checkpoint file is not a signed checkpoint")
        checkpoints.append(checkpoint)
    return checkpoints


def _append_checkpoint(chain: str, lanes: dict[int, Position]) -> Checkpoint:
    path = settings.QORGAU_AUDIT_CHECKPOINT_FILE
    at = timezone.now().astimezone(UTC).isoformat(timespec="seconds")
    line = json.dumps(
        {
            "chain": chain,
            "lanes": json.loads(_lanes_text(lanes)),
            "at": at,
            "sig": _signature(chain, lanes, at),
        },
        separators=(",", ":"),
    )
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())  # one write of one line: appends never interleave
        os.fsync(fd)
    finally:
        os.close(fd)
    return Checkpoint(chain, at, dict(lanes))


# --- Verification ------------------------------------------------------------------------------

# lane -> lane_seq -> [(hash, who saw it there)]: what signed checkpoints and root records require
Marks = dict[int, dict[int, list[tuple[str, str]]]]


@dataclass
class _LaneEnd:
    lane_seq: int
    hash: str
    key_id: str | None


def _bad(checked: int, lane: int, lane_seq: int, problem: str, event: AuditEvent | None = None):
    where = f"lane {lane} event {lane_seq}"
    return VerifyResult(
        False, checked, event.seq if event else None, f"{where}: {problem}", lane=lane, lane_seq=lane_seq
    )


def _walk(events, lane: int, start: _LaneEnd, marks: dict[int, list[tuple[str, str]]]):
    """Check one lane's events (ordered by lane_seq) after `start`; returns (VerifyResult-or-None,
    the lane's end, events checked)."""
    end, checked = start, 0
    for event in events:
        expected = end.lane_seq + 1
        if event.lane_seq < expected:
            return (
                _bad(checked, lane, event.lane_seq, "two events at one place (a fork)", event),
                end,
                checked,
            )
        if event.lane_seq > expected:
            return _bad(checked, lane, expected, "event is missing"), end, checked
        if event.prev_hash != end.hash:
            return _bad(checked, lane, expected, "link to the previous event is broken", event), end, checked
        if end.key_id is not None and event.key_id != end.key_id and event.action != KEY_ROTATED:
            return (
                _bad(checked, lane, expected, "the audit key changed without a rotation", event),
                end,
                checked,
            )
        try:
            good = hmac.compare_digest(event.hash, event_hash(end.hash, event))
        except AuditKeyMissing as missing:
            return _bad(checked, lane, expected, str(missing), event), end, checked
        if not good:
            return _bad(checked, lane, expected, "event content was changed", event), end, checked
        for hash_, seen_by in marks.get(expected, ()):
            if hash_ != event.hash:
                return _bad(checked, lane, expected, f"event differs from {seen_by}", event), end, checked
        end, checked = _LaneEnd(expected, event.hash, event.key_id), checked + 1
    return None, end, checked


def _lane_events(lane: int, batch_size: int, after: int = 0, upto: int | None = None):
    events = AuditEvent.objects.filter(lane=lane, lane_seq__gt=after)
    if upto is not None:
        events = events.filter(lane_seq__lte=upto)
    return events.order_by("lane_seq", "seq").iterator(chunk_size=batch_size)


def _checkpoint_marks(checkpoints: list[Checkpoint]) -> Marks:
    marks: Marks = {}
    for checkpoint in checkpoints:
        for lane, (n, hash_) in checkpoint.lanes.items():
            if n > 0:
                marks.setdefault(lane, {}).setdefault(n, []).append((hash_, "a signed checkpoint"))
    return marks


def _root_marks(root_events: list[AuditEvent], marks: Marks) -> None:
    """What the root lane's records say each lane held when they were written."""
    for event in root_events:
        if event.action != LANES_ANCHORED:
            continue
        for lane, (n, hash_) in (event.detail.get("lanes") or {}).items():
            if int(n) > 0:
                seen_by = f"the root record at event {event.seq}"
                marks.setdefault(int(lane), {}).setdefault(int(n), []).append((str(hash_), seen_by))


def _walk_lanes(heads: dict[int, AuditHead], marks: Marks, batch_size: int, *, need_heads: bool):
    """Walk every lane from its start: the root lane first (its records become marks on the
    others), then each lane; each must reach its marks and, with need_heads, end at its head."""
    lanes = set(heads) | set(marks)
    lanes |= set(AuditEvent.objects.order_by().values_list("lane", flat=True).distinct())
    ends: dict[int, _LaneEnd] = {}
    total = 0
    for lane in sorted(lanes):  # ROOT_LANE (0) first
        genesis = _LaneEnd(0, GENESIS_HASH, None)
        events = _lane_events(lane, batch_size)
        if lane == ROOT_LANE:
            events = list(events)
        bad, end, checked = _walk(events, lane, genesis, marks.get(lane, {}))
        total += checked
        if bad:
            bad.checked = total
            return bad, ends, total
        if lane == ROOT_LANE:
            _root_marks(events, marks)
        highest = max(marks.get(lane, {}), default=0)
        if highest > end.lane_seq:
            seen_by = marks[lane][highest][0][1]
            problem = f"events are missing: {seen_by} saw lane {lane} up to event {highest}"
            return _bad(total, lane, end.lane_seq + 1, problem), ends, total
        head = heads.get(lane)
        if need_heads and head is None and (end.lane_seq or lane == 1):
            return (
                _bad(total, lane, end.lane_seq + 1, "the chain head is missing (qorgau audit restore-head)"),
                ends,
                total,
            )
        if head is not None and head.seq < end.lane_seq:
            problem = f"the head was moved back to event {head.seq} (the lane holds {end.lane_seq})"
            return _bad(total, lane, head.seq + 1, problem), ends, total
        if head is not None and (head.seq != end.lane_seq or head.hash != end.hash):
            problem = f"events after {end.lane_seq} are missing (head is at {head.seq})"
            return _bad(total, lane, end.lane_seq + 1, problem), ends, total
        ends[lane] = end
    return None, ends, total


def _chain_of(heads: dict[int, AuditHead]) -> str | None:
    chains = {str(head.chain_id) for head in heads.values()}
    if len(chains) > 1:
        raise CheckpointError("the lane heads belong to different chains")
    return chains.pop() if chains else None


def _heads() -> dict[int, AuditHead]:
    return {head.id: head for head in AuditHead.objects.all()}


@contextlib.contextmanager
def _snapshot():
    """One consistent view of heads and events while writers go on appending (PostgreSQL,
    REPEATABLE READ), unless the caller's transaction is already open."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def audit_verify(batch_size: int = 5000, *, checkpoint: bool = False) -> VerifyResult:
    """Walk every lane from its start (contiguous lane_seq, links, HMAC under each event's key),
    the root lane first, whose records must match the events of the lanes they name; report the
    first event that does not fit, a head missing or not at its lane's last event, and a lane
    shorter than a signed checkpoint or a root record saw it. With checkpoint=True a verified
    chain gets a new checkpoint of every lane head."""
    with _snapshot():
        result, chain, lanes, ours = _verify(batch_size)
    written = 0
    if (
        result.ok
        and checkpoint
        and settings.QORGAU_AUDIT_CHECKPOINT_FILE
        and (not ours or ours[-1].lanes != lanes)
    ):
        _append_checkpoint(str(chain), lanes)
        written = 1
    result.checkpoints += written
    return result


def _verify(batch_size: int) -> tuple[VerifyResult, str | None, dict[int, Position], list[Checkpoint]]:
    """audit_verify's walk: the result, the chain's id, every lane's end, this chain's checkpoints."""
    heads = _heads()
    try:
        chain = _chain_of(heads)
        checkpoints = read_checkpoints()
    except CheckpointError as error:
        return VerifyResult(False, 0, None, str(error)), None, {}, []
    ours = [c for c in checkpoints if c.chain == chain]
    if checkpoints and not ours:
        last = checkpoints[-1]
        return (
            VerifyResult(
                False,
                0,
                None,
                f"the checkpoint file holds another chain ({last.chain}, checkpoint of {last.events} events): "
                "this database's chain was replaced, or QORGAU_AUDIT_CHECKPOINT_FILE belongs to another database",
            ),
            chain,
            {},
            ours,
        )
    if not heads:
        missing = VerifyResult(
            False, 0, None, "the chain head is missing (qorgau audit restore-head)", len(ours)
        )
        return missing, chain, {}, ours
    bad, ends, checked = _walk_lanes(heads, _checkpoint_marks(ours), batch_size, need_heads=True)
    if bad:
        bad.checkpoints = len(ours)
        return bad, chain, {}, ours
    lanes = {lane: (end.lane_seq, end.hash) for lane, end in ends.items()}
    return VerifyResult(True, checked, checkpoints=len(ours)), chain, lanes, ours


def _check_since(head: AuditHead, last: Checkpoint | None) -> Position:
    """Check one lane's events since the last checkpoint up to its head (cheap: not the whole
    lane); returns the head's position."""
    start = _LaneEnd(0, GENESIS_HASH, None)
    if last is not None and last.lanes.get(head.id, (0, ""))[0] > 0:
        n, hash_ = last.lanes[head.id]
        anchor = AuditEvent.objects.filter(lane=head.id, lane_seq=n).first()
        if anchor is None or anchor.hash != hash_:
            raise CheckpointError(f"lane {head.id} event {n} no longer matches its signed checkpoint")
        start = _LaneEnd(n, hash_, anchor.key_id)
    if head.seq < start.lane_seq:
        raise CheckpointError(f"lane {head.id}'s head is behind its signed checkpoint")
    bad, end, _checked = _walk(_lane_events(head.id, 5000, start.lane_seq, head.seq), head.id, start, {})
    if bad:
        raise CheckpointError(f"audit chain broken: {bad.problem}")
    if end.lane_seq != head.seq or end.hash != head.hash:
        raise CheckpointError(f"lane {head.id}'s head does not match its last event")
    return head.seq, head.hash


def audit_checkpoint() -> Checkpoint | None:
    """The periodic job: check every lane's events since the last checkpoint, append to the root
    lane one event recording each lane's (lane_seq, hash), and sign all the heads (the root's
    included) into the checkpoint file."""
    if not settings.QORGAU_AUDIT_CHECKPOINT_FILE:
        return None
    heads = _heads()
    if not heads:
        raise AuditUnavailable("the audit head row is missing")
    chain = str(_chain_of(heads))
    ours = [c for c in read_checkpoints() if c.chain == chain]
    last = ours[-1] if ours else None
    lanes = {lane: _check_since(head, last) for lane, head in sorted(heads.items())}
    writers = {str(lane): [n, hash_] for lane, (n, hash_) in lanes.items() if lane != ROOT_LANE}
    root = heads.get(ROOT_LANE)
    newest = (
        AuditEvent.objects.filter(lane=ROOT_LANE, lane_seq=root.seq).first() if root and root.seq else None
    )
    if newest is None:  # nothing anchored yet: nothing to anchor while every lane is empty
        anchored = all(n == 0 for n, _hash in writers.values())
    else:
        anchored = newest.action == LANES_ANCHORED and newest.detail.get("lanes") == writers
    if root is not None and not anchored:  # a lane moved since the root's last record: anchor them all
        with transaction.atomic():
            locked = locked_head(ROOT_LANE)
            if (locked.seq, locked.hash) != lanes[ROOT_LANE]:
                raise CheckpointError("the root lane moved while it was being checked")
            row = {**_actor_fields(None), "action": LANES_ANCHORED, "object_type": "", "object_id": ""}
            _append(locked, [{**row, "case_id": None, "purpose": "", "detail": {"lanes": writers}}])
            lanes[ROOT_LANE] = (locked.seq, locked.hash)
    if last is not None and last.lanes == lanes:
        return last
    return _append_checkpoint(chain, lanes)


def audit_lanes_ensure() -> int:
    """Give every lane up to QORGAU_AUDIT_LANES (and the root) its head, at the start of the lane,
    when the lane has no events yet (the trigger allows nothing else); returns how many were made.
    A chain with no head at all is left alone (a lost head is `audit restore-head`'s job), except
    an empty chain in test mode (the test runner empties every table)."""
    heads = _heads()
    if not heads and (not settings.TESTING or AuditEvent.objects.exists()):
        return 0
    try:
        chain = _chain_of(heads)
    except CheckpointError:
        return 0
    model = heads.get(1) or next(iter(heads.values()), None)
    chain_id = uuid.UUID(chain) if chain else uuid.uuid4()
    key_id = model.key_id if model else ""
    made = 0
    for lane in range(ROOT_LANE, writer_lanes() + 1):
        if lane not in heads and not AuditEvent.objects.filter(lane=lane).exists():
            AuditHead.objects.create(id=lane, seq=0, hash=GENESIS_HASH, key_id=key_id, chain_id=chain_id)
            made += 1
    return made


def audit_restore_head() -> list[AuditHead]:
    """Put back missing lane heads at their lanes' last events, when every lane verifies (and fits
    its checkpoints and root records). The chain keeps its id when a checkpoint names it."""
    heads = _heads()
    checkpoints = read_checkpoints()
    chains = {c.chain for c in checkpoints} | {str(head.chain_id) for head in heads.values()}
    if len(chains) > 1:
        raise CheckpointError("the checkpoint file and the heads name more than one chain")
    bad, ends, _checked = _walk_lanes(heads, _checkpoint_marks(checkpoints), 5000, need_heads=False)
    if bad:
        raise CheckpointError(f"audit chain broken: {bad.problem}")
    missing = [lane for lane in ends if lane not in heads and (ends[lane].lane_seq or lane == 1)]
    if not missing:
        raise CheckpointError("the audit heads are there; nothing to restore")
    chain_id = uuid.UUID(chains.pop()) if chains else uuid.uuid4()
    restored = []
    for lane in missing:
        end = ends[lane]
        head = AuditHead(id=lane, seq=end.lane_seq, hash=end.hash, key_id=end.key_id or "", chain_id=chain_id)
        head.save(force_insert=True)
        restored.append(head)
    audit_lanes_ensure()
    return restored


# --- Key rotation --------------------------------------------------------------------------------


def audit_rotate_key(*, actor, key_id: str) -> list[AuditEvent]:
    """Seal every later event with the key `key_id` (from QORGAU_AUDIT_KEYS). The switch is itself
    an event in every lane, the first of the lane sealed with the new key, so `audit verify`
    checks each part under its key. The lanes are locked in order (appends never wait on a lane
    while holding one, so this cannot deadlock with them)."""
    _key(key_id)  # refuse an unknown key before anything changes
    events = []
    with transaction.atomic():
        heads = list(AuditHead.objects.select_for_update().order_by("id"))
        if not heads:
            raise AuditUnavailable("the audit head row is missing")
        if all(head.key_id == key_id for head in heads):
            raise ValueError(f"the chain already uses the key {key_id!r}")
        for head in heads:
            if head.key_id == key_id:
                continue
            previous = head.key_id
            head.key_id = key_id  # _append seals with head.key_id and moves the head with it
            row = {**_actor_fields(actor), "action": KEY_ROTATED, "object_type": "", "object_id": ""}
            detail = {"from": previous, "to": key_id}
            events += _append(head, [{**row, "case_id": None, "purpose": "", "detail": detail}])
    return events


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
