"""The bulk path: the rows the services would write for a spec'd case, built in memory with the
same domain functions (identity cleaning, blind indexes, classification, the risk engine, the
audit hash) and written with PostgreSQL's COPY.

Each builder below mirrors one service (named in its docstring) line by line, minus the policy
checks and locks that cannot fail for a fresh case; tests/bench/test_generator.py builds the same
spec through the services and compares every row.
"""

import functools
import json
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from qorgau.accounts.roles import CASE_ROLES
from qorgau.cases.care import open_care_windows
from qorgau.cases.classification import age_on, case_contexts, classify, delay_band
from qorgau.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseShare,
    Consent,
    Incident,
    IncidentPerpetrator,
    Note,
)
from qorgau.cases.services import CASE_FIELDS, consents_from_choices
from qorgau.core.audit import GENESIS_HASH, audit_source, event_hash, locked_head, next_event_seqs
from qorgau.core.fields import EncryptedField
from qorgau.core.keys import blind
from qorgau.core.models import AuditEvent
from qorgau.core.names import name_tokens
from qorgau.notifications.models import Notification
from qorgau.people.models import Person, PersonIndex
from qorgau.people.services import IDENTITY_FIELDS, clean_identity, pair_digests
from qorgau.referrals.machine import ACTIONS, NEEDS_OUTCOME, NEEDS_REASON
from qorgau.referrals.models import Referral
from qorgau.referrals.services import URGENT_CARE_SERVICES
from qorgau.risk.engine import evaluate
from qorgau.risk.loader import get_instrument
from qorgau.risk.models import Assessment, SafetyPlan
from qorgau.risk.safety_plan import SafetyPlan as PlanDocument

from .spec import REFERRAL_PATHS, CaseSpec
from .world import RegionWorld

REASON = "She asked to stop this referral."
REFERRAL_STEP = timedelta(days=1)
ASSESS_AFTER = timedelta(minutes=30)
PLAN_AFTER = timedelta(minutes=45)
VIEW_EVERY = timedelta(days=2)
# Insert order: parents before children (foreign keys are checked at the end of each statement).
MODELS = [
    Case,
    Person,
    PersonIndex,
    Incident,
    IncidentPerpetrator,
    Note,
    Consent,
    Referral,
    CaseShare,
    Assessment,
    SafetyPlan,
    CaseEvent,
    Notification,
]


_PLACEHOLDER = uuid.UUID(int=0)


@functools.cache
def _url_pattern(name: str) -> str:
    return reverse(name, args=[_PLACEHOLDER])


def _url(name: str, pk) -> str:
    """reverse(name, args=[pk]), resolved once per name."""
    return _url_pattern(name).replace(str(_PLACEHOLDER), str(pk))


def consent_choices(spec: CaseSpec) -> dict:
    """Her intake choices: referral and sharing for the kinds of agency she needs, statistics."""
    return {
        "method": Consent.Method.WRITTEN,
        "given_by": Consent.GivenBy.SURVIVOR,
        "referral_kinds": spec.referral_kinds,
        "share_sections": ["general", "health", "legal", "psychological", "safety"],
        "contact": True,
        "statistics": spec.statistics,
    }


def answers_for(instrument, yes: int) -> dict:
    return {item.id: "yes" if n < yes else "no" for n, item in enumerate(instrument.items)}


def referral_outcome(action: str) -> str:
    return "She received the service." if action in NEEDS_OUTCOME else ""


# The tables with many small rows per case are written from tuples in these columns, without
# a model instance each (a third of the generator's time went into Model.__init__).
RAW_COLUMNS = {
    CaseEvent: ("case_id", "at", "kind", "actor_id", "agency_id", "section", "params"),
    PersonIndex: ("person_id", "case_id", "agency_id", "kind", "digest"),
    Notification: ("user_id", "kind", "params", "url", "dedupe_key", "created_at", "read_at", "emailed_at"),
}
AUDIT_COLUMNS = (
    "seq",
    "lane",
    "lane_seq",
    "at",
    "actor_id",
    "actor_username",
    "agency_id",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "purpose",
    "source",
    "detail",
    "prev_hash",
    "hash",
    "key_id",
)


class _Audit:
    """The fields of an AuditEvent that core.audit.event_hash reads, without the model."""

    __slots__ = AUDIT_COLUMNS

    def __init__(self, **fields):
        for name, value in fields.items():
            setattr(self, name, value)


class CaseRows:
    """The rows of one batch, by model, in insert order, and the audit events to chain."""

    def __init__(self):
        self.rows: dict[type, list] = defaultdict(list)
        self.raw: dict[type, list[tuple]] = defaultdict(list)
        self.audit: list[_Audit] = []
        self._source = audit_source.get()

    def add(self, obj):
        self.rows[type(obj)].append(obj)
        return obj

    def event(self, case, kind, actor, at, *, section="", **params):
        """cases.services._event."""
        self.raw[CaseEvent].append((case.pk, at, kind, actor.pk, actor.agency_id, section, params))

    def record(self, *, actor, action, obj, case_id, at, purpose="", detail=None):
        """core.audit.audit_record, minus the head lock: `chain` links the batch afterwards."""
        self.audit.append(
            _Audit(
                at=at,
                actor_id=actor.pk if actor else None,
                actor_username=getattr(actor, "username", "") or "",
                agency_id=getattr(actor, "agency_id", None),
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                case_id=case_id,
                purpose=purpose,
                source=self._source,
                detail=detail or {},
            )
        )

    def notify(self, *, users, kind, url, params, dedupe_key, at):
        """notifications.services.notify for users who have no notification with this key yet."""
        for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
            self.raw[Notification].append((user.pk, kind, params, url, dedupe_key, at, None, None))


def _person(rows: CaseRows, case: Case, role: str, data: dict, at) -> Person:
    """people.services.person_create, with people.services._index_entries."""
    data, _warnings = clean_identity(data)
    person = Person(case=case, role=role, **{k: v for k, v in data.items() if k in IDENTITY_FIELDS})
    person.created_at = person.updated_at = at
    rows.add(person)
    index = rows.raw[PersonIndex]
    common = (person.pk, case.pk, case.holding_agency_id)
    if person.iin:
        index.append((*common, PersonIndex.Kind.IIN.value, blind("iin", person.iin)))
    for phone in person.phones or []:
        index.append((*common, PersonIndex.Kind.PHONE.value, blind("phone", phone)))
    if person.birth_date:
        index.append((*common, PersonIndex.Kind.BIRTH.value, blind("birth", person.birth_date.isoformat())))
    names = [person.family_name, person.given_name, person.patronymic, *(person.other_names or [])]
    for token in sorted(name_tokens(*[n for n in names if n])):
        kind = token.partition(":")[0]
        index.append((*common, PersonIndex.Kind.NAME.value, f"{kind}:{blind('name', token)}"))
    index.extend((*common, PersonIndex.Kind.PAIR.value, digest) for digest in pair_digests(person))
    return person


def _open(rows: CaseRows, spec: CaseSpec, worker, number: str) -> Case:
    """cases.services.case_open, with _incident_create, _note_create and _consent_create."""
    at = spec.opened_at
    case = Case(
        number=number,
        holding_agency_id=worker.agency_id,
        opened_by=worker,
        assigned_to=worker,
        opened_at=at,
        updated_at=at,
        **{k: spec.case_fields[k] for k in CASE_FIELDS if k in spec.case_fields},
    )
    case.holding_agency = worker.agency
    rows.add(case)
    rows.event(case, "case_opened", worker, at, entry_point=case.entry_point)
    survivor = _person(rows, case, Person.Role.SURVIVOR, {**spec.survivor, "region": None}, at)
    survivor.region_id = spec.survivor["region"]  # a code here; the services get the Region row

    fields = {k: v for k, v in spec.incident.items() if k != "region"}
    relationship, identity = spec.perpetrator
    perpetrator = _person(rows, case, Person.Role.PERPETRATOR, identity, at)
    age = age_on(survivor.birth_date, survivor.birth_year, fields["occurred_on"])
    gbv_type = classify(fields)
    incident = Incident(
        case=case,
        created_by=worker,
        survivor_age=age,
        gbv_type=gbv_type,
        contexts=case_contexts(
            gbv_type=gbv_type,
            relationships=[relationship],
            survivor_age=age,
            money_or_goods_exchanged=fields.get("money_or_goods_exchanged", False),
            abduction=fields.get("abduction", False),
            harmful_practice=fields.get("harmful_practice", ""),
        ),
        delay_band=delay_band(fields["occurred_on"], fields["reported_on"]),
        region_id=spec.incident["region"],
        created_at=at,
        **fields,
    )
    rows.add(incident)
    rows.add(IncidentPerpetrator(incident=incident, person=perpetrator, relationship=relationship))
    rows.event(case, "incident_recorded", worker, at, section="general", gbv_type=gbv_type)
    case.first_incident = incident

    if spec.account.strip():
        rows.add(
            Note(
                case=case,
                section="general",
                body=spec.account.strip(),
                author=worker,
                agency_id=worker.agency_id,
                is_account=True,
                created_at=at,
            )
        )
        rows.event(case, "account_recorded", worker, at, section="general")
    consents = consents_from_choices(consent_choices(spec))
    for data in consents:
        rows.add(
            Consent(
                case=case,
                purpose=data["purpose"],
                recipient_agency=data.get("recipient_agency"),
                recipient_kind=data.get("recipient_kind") or "",
                sections=sorted(set(data.get("sections") or [])),
                method=data["method"],
                given_by=data.get("given_by") or Consent.GivenBy.SURVIVOR,
                guardian=None,
                best_interest_reason=data.get("best_interest_reason", ""),
                given_on=data.get("given_on") or timezone.localdate(at),
                expires_on=data.get("expires_on"),
                recorded_by=worker,
                recorded_at=at,
            )
        )
        rows.event(case, "consent_recorded", worker, at, section="holder", purpose=data["purpose"])
    rows.record(
        actor=worker,
        action="case.open",
        obj=case,
        case_id=case.pk,
        at=at,
        detail={"entry_point": case.entry_point, "consents": len(consents), "origin": case.origin},
    )
    return case


def _referral(rows: CaseRows, case: Case, ref, worker, rw: RegionWorld, services: dict) -> None:
    """referrals.services.referral_send, then referral_step for each step to its final state."""
    service = services[ref.service]
    to_agency = rw.receivers[ref.to_kind]
    staff = [u for u in rw.receiver_staff[ref.to_kind] if u.roles & CASE_ROLES]
    shared = sorted(set(service.shares_sections))
    urgent = service.code in URGENT_CARE_SERVICES and bool(open_care_windows(case.first_incident, ref.at))
    hours = service.urgent_deadline_hours if urgent else service.deadline_hours
    now = ref.at
    referral = rows.add(
        Referral(
            case=case,
            service=service,
            from_agency_id=case.holding_agency_id,
            to_agency=to_agency,
            sent_by=worker,
            urgent=urgent,
            sections=shared,
            note=ref.note.strip(),
            sent_at=now,
            due_at=now + timedelta(hours=hours),
            status_changed_at=now,
        )
    )
    rows.event(
        case, "referral_sent", worker, now, service=service.code, agency_id=to_agency.pk, urgent=urgent
    )
    rows.record(
        actor=worker,
        action="referral.send",
        obj=referral,
        case_id=case.pk,
        at=now,
        detail={"service": service.code, "to_agency": to_agency.pk, "urgent": urgent, "sections": shared},
    )
    url = _url("referrals:detail", referral.pk)
    rows.notify(
        users=staff,
        kind="referral_urgent" if urgent else "referral_new",
        url=url,
        params={"number": case.number},
        dedupe_key=f"referral-new:{referral.pk}",
        at=now,
    )
    share = None
    for step, action in enumerate(REFERRAL_PATHS[ref.final], start=1):
        now = ref.at + step * REFERRAL_STEP
        actor = worker if action == "withdraw" else staff[0]
        target = ACTIONS[action][1]
        referral.status, referral.status_changed_at, referral.version = target, now, referral.version + 1
        if action in NEEDS_REASON:
            referral.reason = REASON
        if action in NEEDS_OUTCOME:
            referral.outcome = referral_outcome(action)
        if action == "accept":
            referral.handled_by = actor
            share = rows.add(
                CaseShare(
                    case=case,
                    agency=to_agency,
                    source=CaseShare.Source.REFERRAL,
                    sections=referral.sections,
                    referral_id=referral.pk,
                    granted_by=worker,
                    granted_at=now,
                )
            )
        if not referral.is_open and share is not None and share.revoked_at is None:
            share.revoked_at, share.revoked_by = now, actor
        rows.event(
            case, f"referral_{action}", actor, now, service=referral.service_id, agency_id=to_agency.pk
        )
        rows.record(
            actor=actor,
            action=f"referral.{action}",
            obj=referral,
            case_id=case.pk,
            at=now,
            detail={"status": target},
        )
        if ACTIONS[action][2] == "receiver":
            rows.notify(
                users=[worker, case.assigned_to],
                kind=f"referral_{action}",
                url=_url("cases:detail", case.pk),
                params={"number": case.number},
                dedupe_key=f"referral-{action}:{referral.pk}",
                at=now,
            )
        else:
            rows.notify(
                users=[referral.handled_by] if referral.handled_by else staff,
                kind="referral_withdraw",
                url=url,
                params={"number": case.number},
                dedupe_key=f"referral-withdraw:{referral.pk}",
                at=now,
            )


def _assessment(rows: CaseRows, case: Case, spec: CaseSpec, worker) -> None:
    """risk.services.assessment_create (the first assessment of the case)."""
    instrument_id, yes = spec.assessment
    instrument = get_instrument(instrument_id)
    answers = answers_for(instrument, yes)
    result = evaluate(instrument, answers)
    at = spec.opened_at + ASSESS_AFTER
    assessment = rows.add(
        Assessment(
            case=case,
            instrument_id=instrument.id,
            version=instrument.version,
            digest=instrument.digest,
            answers={item.id: str(answers[item.id]) for item in instrument.items},
            judgement_level=result.judgement_level,
            judgement_reason=result.judgement_reason,
            level=result.level,
            actuarial_level=result.actuarial_level,
            score=result.score,
            unknown_count=result.unknown_count,
            too_many_unknown=result.too_many_unknown,
            assessed_by=worker,
            agency_id=worker.agency_id,
            assessed_at=at,
        )
    )
    rows.event(case, "risk_assessed", worker, at, section="safety", level=result.level.key)
    rows.record(
        actor=worker,
        action="assessment.create",
        obj=assessment,
        case_id=case.pk,
        at=at,
        detail={
            "instrument": instrument.id,
            "version": instrument.version,
            "level": result.level.key,
            "actuarial_level": result.actuarial_level.key,
            "judgement": result.raised_by_judgement,
        },
    )


def _safety_plan(rows: CaseRows, case: Case, spec: CaseSpec, worker) -> None:
    """risk.services.safety_plan_save with expected_version 0 (her first plan)."""
    at = spec.opened_at + PLAN_AFTER
    row = rows.add(
        SafetyPlan(
            case=case,
            version=1,
            updated_by=worker,
            agency_id=worker.agency_id,
            content=PlanDocument.from_dict(spec.safety_plan).to_dict(),
            updated_at=at,
        )
    )
    rows.event(case, "safety_plan_saved", worker, at, section="safety")
    rows.record(
        actor=worker, action="safety_plan.update", obj=row, case_id=case.pk, at=at, detail={"version": 1}
    )


def build_case(rows: CaseRows, spec: CaseSpec, rw: RegionWorld, number: str, services: dict) -> Case:
    worker = rw.caseworkers[spec.index % len(rw.caseworkers)]
    case = _open(rows, spec, worker, number)
    for ref in spec.referrals:
        _referral(rows, case, ref, worker, rw, services)
    if spec.assessment:
        _assessment(rows, case, spec, worker)
    if spec.safety_plan:
        _safety_plan(rows, case, spec, worker)
    for section, body, at in spec.notes:  # cases.services.note_add
        note = rows.add(
            Note(case=case, section=section, body=body.strip(), author=worker, agency_id=worker.agency_id)
        )
        note.created_at = at
        rows.event(case, "note_added", worker, at, section=section)
        rows.record(
            actor=worker, action="note.create", obj=note, case_id=case.pk, at=at, detail={"section": section}
        )
    for n in range(spec.views):  # cases.selectors.case_get by her caseworker
        rows.record(
            actor=worker,
            action="case.view",
            obj=case,
            case_id=case.pk,
            at=spec.opened_at + VIEW_EVERY * (n + 1),
            purpose="view",
            detail={"via": ["holder"]},
        )
    return case


# --- Writing -----------------------------------------------------------------------------------


def next_numbers(specs: list[CaseSpec]) -> list[str]:
    """cases.services._next_number for each spec, in order, under the counters' row locks."""
    numbers = []
    counters: dict[int, CaseCounter] = {}
    for spec in specs:
        year = timezone.localtime(spec.opened_at).year
        if year not in counters:
            counters[year], _ = CaseCounter.objects.select_for_update().get_or_create(year=year)
        counters[year].last += 1
        numbers.append(f"QG-{year}-{counters[year].last:06d}")
    for counter in counters.values():
        counter.save(update_fields=["last"])
    return numbers


def chain(events: list[_Audit]):
    """Link the events after a lane's head (core.audit.audit_record, one lock for the batch).
    Returns the locked head, to be moved once the events are written (its trigger checks them)."""
    head = locked_head()
    prev, lane_seq = head.hash or GENESIS_HASH, head.seq
    for event, seq in zip(events, next_event_seqs(len(events)) if events else [], strict=True):
        lane_seq += 1
        event.seq, event.lane, event.lane_seq = seq, head.id, lane_seq
        event.prev_hash, event.key_id = prev, head.key_id
        event.hash = prev = event_hash(prev, event)
    head.seq, head.hash = lane_seq, prev
    return head


_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).translate(_ESCAPE)


def _converter(field):
    """How the model's save() turns the attribute into the stored value, for one field."""
    if isinstance(field, EncryptedField):
        return lambda obj: field.pre_save(obj, True)  # seals, bound to the row and field
    if isinstance(field, models.JSONField):
        return lambda obj: json.dumps(getattr(obj, field.attname), cls=field.encoder)
    if isinstance(field, models.DateTimeField):
        return lambda obj: getattr(obj, field.attname)  # set by the builder (also auto_now ones)
    attname = field.attname
    choices = isinstance(field, models.CharField) and field.choices
    if choices:  # TextChoices members are stored as their value
        return lambda obj: None if (v := getattr(obj, attname)) is None else str(getattr(v, "value", v))
    return lambda obj: getattr(obj, attname)


def _copy(table: str, columns, lines: list[str]) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        copy.write("".join(lines).encode())


def copy_rows(model, objs) -> None:
    """COPY model instances into the model's table (auto ids from the sequence)."""
    fields = [
        f for f in model._meta.concrete_fields if not (isinstance(f, models.AutoField) and f.primary_key)
    ]
    converters = [_converter(f) for f in fields]
    lines = ["\t".join(_text(c(obj)) for c in converters) + "\n" for obj in objs]
    _copy(connection.ops.quote_name(model._meta.db_table), [f.column for f in fields], lines)


def copy_tuples(model, columns, rows) -> None:
    lines = ["\t".join(map(_text, row)) + "\n" for row in rows]
    _copy(connection.ops.quote_name(model._meta.db_table), columns, lines)


def write(rows: CaseRows) -> None:
    head = chain(rows.audit)
    for model in MODELS:
        if rows.rows.get(model):
            copy_rows(model, rows.rows[model])
        if rows.raw.get(model):
            copy_tuples(model, RAW_COLUMNS[model], rows.raw[model])
    copy_tuples(AuditEvent, AUDIT_COLUMNS, [tuple(getattr(a, c) for c in AUDIT_COLUMNS) for a in rows.audit])
    head.save(update_fields=["seq", "hash"])
