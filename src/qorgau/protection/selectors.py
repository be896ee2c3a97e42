"""Every read of legal protection. Case-scoped reads go through `cases.selectors.case_get` (case
policy plus audit) and then this app's policy. The case page's section is built from the
CaseDetail that `case_detail` already audited as `case.view`. Views hold only what the viewer may
see: the person an order binds is named only to those who see the legal section."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from qorgau.accounts.models import User
from qorgau.cases import selectors as case_selectors
from qorgau.cases.models import Case
from qorgau.cases.policies import CaseAccess, case_access, visible_cases_q, works_on_cases
from qorgau.core.audit import audit_record, audit_record_many
from qorgau.people.models import Person, PersonIndex
from qorgau.protection import policies
from qorgau.protection.models import (
    IN_FORCE,
    Condition,
    Hearing,
    OrderState,
    Proceeding,
    ProtectiveOrder,
    Violation,
)


@dataclass
class StepView:
    kind: str
    kind_label: str
    days: int | None
    reason: str
    at: datetime
    by: str
    agency: str


@dataclass
class ViolationView:
    id: object
    occurred_at: datetime
    description: str
    reported_by: str
    reported_by_label: str
    evidence_reference: str
    recorded_at: datetime
    by: str
    agency: str


@dataclass
class OrderView:
    id: object
    case_id: object
    number: str
    issuing_agency: str
    issuing_unit: str
    state: OrderState
    issued_at: datetime | None
    starts_at: datetime | None
    expires_at: datetime | None
    duration_days: int
    extended_days: int
    conditions: list[str]  # codes
    condition_labels: list[str]
    approach_metres: int | None
    conditions_text: str
    served_at: datetime | None
    served_how: str
    served_how_label: str
    person_id: object | None  # None: the viewer does not see the legal section
    person_name: str | None
    version: int
    steps: list[StepView] = field(default_factory=list)
    violations: list[ViolationView] = field(default_factory=list)
    may_manage: bool = False
    may_record_violation: bool = False

    @property
    def state_label(self) -> str:
        return str(self.state.label)

    @property
    def editable(self) -> bool:
        return (
            self.may_manage and self.served_at is None and self.state in (OrderState.DRAFT, OrderState.ISSUED)
        )


def _view(actor, order: ProtectiveOrder, access: CaseAccess, *, details: bool = True, now=None) -> OrderView:
    names = dict(Condition.choices)
    named = policies.sees_bound_person(access)
    view = OrderView(
        id=order.pk,
        case_id=order.case_id,
        number=order.number,
        issuing_agency=order.issuing_agency.name,
        issuing_unit=order.issuing_unit,
        state=order.state_at(now),
        issued_at=order.issued_at,
        starts_at=order.starts_at,
        expires_at=order.expires_at,
        duration_days=order.duration_days,
        extended_days=order.extended_days,
        conditions=list(order.conditions),
        condition_labels=[str(names.get(c, c)) for c in order.conditions],
        approach_metres=order.approach_metres,
        conditions_text=order.conditions_text or "",
        served_at=order.served_at,
        served_how=order.served_how,
        served_how_label=order.get_served_how_display() if order.served_how else "",
        person_id=order.person_id if named else None,
        person_name=(order.person.full_name or "—") if named else None,
        version=order.version,
        may_manage=policies.can_manage_order(actor, order, access),
        may_record_violation=policies.can_record_violation(actor, order, access),
    )
    if details:
        view.steps = [
            StepView(
                s.kind, s.get_kind_display(), s.days, s.reason or "", s.at, s.by.display_name, s.agency.name
            )
            for s in order.steps.select_related("by", "agency")
        ]
        view.violations = [
            ViolationView(
                v.pk,
                v.occurred_at,
                v.description or "",
                v.reported_by,
                v.get_reported_by_display(),
                v.evidence_reference or "",
                v.recorded_at,
                v.recorded_by.display_name,
                v.agency.name,
            )
            for v in order.violations.select_related("recorded_by", "agency")
        ]
    return view


def _orders(case: Case):
    return ProtectiveOrder.objects.filter(case=case).select_related("issuing_agency", "person", "case")


@dataclass
class CaseProtection:
    orders: list[OrderView]
    may_issue: bool
    perpetrators: list  # (person id, name) for the order form, when she may issue
    signals: list  # PerpetratorSignal, per perpetrator the viewer sees


def case_protection_get(*, actor: User, case: Case, access: CaseAccess) -> CaseProtection | None:
    """The case page's section (the caller read the case through `case_detail`, audited)."""
    if not policies.sees_orders(access):
        return None
    orders = [_view(actor, o, access, details=False) for o in _orders(case)]
    may_issue = policies.can_issue(actor, case, access)
    perpetrators = perpetrator_choices(case) if may_issue else []
    return CaseProtection(
        orders, may_issue, perpetrators, perpetrator_signals(actor=actor, case=case, access=access)
    )


def perpetrator_choices(case: Case) -> list[tuple[str, str]]:
    """The case's perpetrators for a form (the caller may see the legal section)."""
    return [
        (str(p.pk), p.full_name or "—")
        for p in Person.objects.filter(case=case, role=Person.Role.PERPETRATOR).order_by("created_at")
    ]


def protection_case(actor: User, case_id, purpose: str = "protection") -> tuple[Case, CaseAccess]:
    """The case if the actor may see it and its orders (audited by `case_get`); 404 otherwise."""
    case, access = case_selectors.case_get(actor=actor, case_id=case_id, purpose=purpose)
    if not policies.sees_orders(access):
        raise Http404
    return case, access


def protective_order_list(*, actor: User, case_id) -> tuple[Case, CaseAccess, list[OrderView]]:
    case, access = protection_case(actor, case_id)
    return case, access, [_view(actor, o, access, details=False) for o in _orders(case)]


def protective_order_get(*, actor: User, case_id, order_id) -> tuple[Case, CaseAccess, OrderView]:
    case, access = protection_case(actor, case_id)
    try:
        order = _orders(case).get(pk=order_id)
    except (ProtectiveOrder.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    audit_record(actor=actor, action="protective_order.view", obj=order, case_id=case.pk)
    return case, access, _view(actor, order, access)


def breach_dates(case: Case) -> list[date]:
    """Days on which an order or court requirements of this case were breached (for the risk
    conference proposal), in one query."""
    from qorgau.protection.models import RequirementBreach

    # No ORDER BY inside the union (the models' default ordering): SQLite refuses it there.
    orders = Violation.objects.filter(case=case).order_by().values_list("occurred_at", flat=True)
    requirements = (
        RequirementBreach.objects.filter(case=case).order_by().values_list("occurred_at", flat=True)
    )
    return [timezone.localdate(at) for at in orders.union(requirements, all=True)]


# --- The dashboard -----------------------------------------------------------------------------------


@dataclass
class DueOrder:
    case: Case
    number: str
    state: OrderState
    expires_at: datetime | None

    @property
    def state_label(self) -> str:
        return str(self.state.label)


def protective_order_list_attention(*, actor: User, limit: int = 15) -> list[DueOrder]:
    """Orders that need someone: a police officer's agency's orders not yet served or expiring
    soon; a caseworker's (or a supervisor's agency's) cases' orders expiring soon. One audit event
    per case shown."""
    if not works_on_cases(actor):
        return []
    now = timezone.now()
    soon = now + timedelta(days=settings.QORGAU_PROTECTIVE_ORDER_ALERT_DAYS)
    live = Q(ended_at__isnull=True, expires_at__gt=now)
    attention = Q(served_at__isnull=False, expires_at__lte=soon)
    orders = ProtectiveOrder.objects.filter(live).filter(case__in=Case.objects.filter(visible_cases_q(actor)))
    if actor.has_role("police_officer"):
        orders = orders.filter(issuing_agency_id=actor.agency_id).filter(
            attention | Q(served_at__isnull=True)
        )
    elif actor.has_role("supervisor"):
        orders = orders.filter(case__holding_agency_id=actor.agency_id).filter(attention)
    else:
        orders = orders.filter(case__assigned_to=actor).filter(attention)
    rows = list(orders.select_related("case").order_by("expires_at")[:limit])
    shown = [o for o in rows if policies.sees_orders(case_access(actor, o.case))]
    audit_record_many(
        actor=actor, action="protective_order.list", case_ids=[o.case_id for o in shown], purpose="dashboard"
    )
    return [DueOrder(o.case, o.number, o.state_at(now), o.expires_at) for o in shown]


# --- Perpetrators known across cases ------------------------------------------------------------------


@dataclass(frozen=True)
class PerpetratorLinks:
    """What the country knows of one person beyond his own case (never shown as such)."""

    other_case_ids: frozenset
    active_orders: int


def perpetrator_links(person: Person, *, now=None) -> PerpetratorLinks:
    """Other cases naming the same person, and the orders in force against him there and here.
    The one place that decides "the same person": exact IIN or phone blind index (qorgau.people's
    PersonIndex), or a match of the identity model (`people.selectors.find_same_person`: blind
    index blocking, the shortlisted few scored, QORGAU_MATCH_THRESHOLD) — ADR 0011."""
    from qorgau.people.selectors import find_same_person

    now = now or timezone.now()
    pairs: set = set()
    keys = list(
        PersonIndex.objects.filter(
            person=person, kind__in=[PersonIndex.Kind.IIN, PersonIndex.Kind.PHONE]
        ).values_list("kind", "digest")
    )
    if keys:
        match = Q(pk__in=[])
        for kind, digest in keys:
            match |= Q(kind=kind, digest=digest)
        same = PersonIndex.objects.filter(match).filter(person__role=Person.Role.PERPETRATOR)
        pairs |= set(same.values_list("person_id", "case_id"))
    if person.iin or person.phones or person.birth_date:  # a name alone is not enough
        matched = find_same_person(
            given_name=person.given_name or "",
            surname=person.family_name or "",
            patronymic=person.patronymic or "",
            birth_date=person.birth_date,
            birth_year=person.birth_year,
            sex=person.sex or "",
            iin=person.iin or "",
            phones=tuple(person.phones or ()),
            role=Person.Role.PERPETRATOR,
        )
        pairs |= {(p.pk, p.case_id) for _probability, p, _reasons in matched}
    if not pairs:
        return PerpetratorLinks(frozenset(), 0)
    people = {p for p, _c in pairs} | {person.pk}
    others = frozenset(c for _p, c in pairs if c != person.case_id)
    active = sum(
        1
        for o in ProtectiveOrder.objects.filter(
            person_id__in=people, ended_at__isnull=True, expires_at__gt=now
        )
        if o.state_at(now) in IN_FORCE
    )
    return PerpetratorLinks(others, active)


@dataclass
class PerpetratorSignal:
    person_id: object
    name: str
    level: str  # policies.SIGNAL_FULL or SIGNAL_KNOWN
    other_cases: int | None  # the full signal only
    active_orders: int | None  # the full signal only

    known_elsewhere: bool = False
    # The full signal: one sealed reference per other case the viewer cannot open, to ask its
    # holder for access with a reason (`cases:access_request_create`); never the case itself.
    tokens: list = field(default_factory=list)


def perpetrator_signals(*, actor: User, case: Case, access: CaseAccess) -> list[PerpetratorSignal]:
    """The "known across cases" signal for each perpetrator of the case, as far as the actor's
    role allows. Only counts leave the other cases; the look-up is audited on this case."""
    level = policies.perpetrator_signal_level(actor, access)
    if level == policies.SIGNAL_NONE:
        return []
    # One query decides whether any perpetrator here carries more than a name: an IIN, a phone or
    # a birth date (a name alone never makes two men the same for this signal).
    identified = set(
        PersonIndex.objects.filter(
            case=case,
            person__role=Person.Role.PERPETRATOR,
            kind__in=[PersonIndex.Kind.IIN, PersonIndex.Kind.PHONE, PersonIndex.Kind.BIRTH],
        ).values_list("person_id", flat=True)
    )
    if not identified:
        return []
    signals = []
    for person in Person.objects.filter(pk__in=identified).order_by("created_at"):
        links = perpetrator_links(person)
        if not links.other_case_ids and not links.active_orders:
            continue
        if level == policies.SIGNAL_FULL:
            hidden = [
                c
                for c in Case.objects.filter(pk__in=list(links.other_case_ids)).order_by("opened_at")[:10]
                if not case_access(actor, c).can_view
            ]
            signals.append(
                PerpetratorSignal(
                    person.pk,
                    person.full_name or "—",
                    level,
                    len(links.other_case_ids),
                    links.active_orders,
                    bool(links.other_case_ids),
                    [case_selectors.match_token(actor=actor, case=c) for c in hidden],
                )
            )
        elif links.other_case_ids:
            signals.append(PerpetratorSignal(person.pk, person.full_name or "—", level, None, None, True))
    if signals:
        audit_record(
            actor=actor,
            action="perpetrator_link.view",
            object_type="cases.case",
            object_id=str(case.pk),
            case_id=case.pk,
            detail={"people": len(signals), "level": level},
        )
    return signals


# --- Proceedings -------------------------------------------------------------------------------------


@dataclass
class HearingView:
    id: object
    at: datetime
    place: str
    purpose: str


@dataclass
class DecisionView:
    id: object
    decided_on: date
    stage_label: str
    outcome_label: str
    text: str
    supervisor_reason: str
    told_at: datetime | None


@dataclass
class ProceedingView:
    id: object
    case_id: object
    kind: str
    kind_label: str
    registration_number: str
    articles: list[str]
    stage: str
    stage_label: str
    outcome: str
    outcome_label: str
    representative: str
    interpreter_language: str
    accompaniment: bool
    arrangements: list[str]
    arrangement_labels: list[str]
    tell_how: str
    tell_how_label: str
    tell_language: str
    version: int
    hearings: list[HearingView]
    decisions: list[DecisionView]
    may_record: bool = False


def _proceeding_view(actor, p: Proceeding, access: CaseAccess) -> ProceedingView:
    arrangements = dict(Proceeding.Arrangement.choices)
    return ProceedingView(
        id=p.pk,
        case_id=p.case_id,
        kind=p.kind,
        kind_label=p.get_kind_display(),
        registration_number=p.registration_number,
        articles=list(p.articles),
        stage=p.stage,
        stage_label=p.get_stage_display(),
        outcome=p.outcome,
        outcome_label=p.get_outcome_display() if p.outcome else "",
        representative=p.representative or "",
        interpreter_language=p.interpreter_language,
        accompaniment=p.accompaniment,
        arrangements=list(p.arrangements),
        arrangement_labels=[str(arrangements.get(a, a)) for a in p.arrangements],
        tell_how=p.tell_how,
        tell_how_label=p.get_tell_how_display() if p.tell_how else "",
        tell_language=p.tell_language,
        version=p.version,
        hearings=[HearingView(h.pk, h.at, h.place or "", h.purpose or "") for h in p.hearings.all()],
        decisions=[
            DecisionView(
                d.pk,
                d.decided_on,
                d.get_stage_display(),
                d.get_outcome_display() if d.outcome else "",
                d.text or "",
                d.supervisor_reason or "",
                d.told_at,
            )
            for d in p.decisions.all()
        ],
        may_record=policies.can_record_proceeding(actor, p.case, access),
    )


def _proceedings(case: Case):
    return (
        Proceeding.objects.filter(case=case).select_related("case").prefetch_related("hearings", "decisions")
    )


def case_proceedings_get(*, actor: User, case: Case, access: CaseAccess) -> list[ProceedingView] | None:
    """The case page's proceedings (the caller read the case through `case_detail`, audited)."""
    if not policies.sees_proceedings(access):
        return None
    return [_proceeding_view(actor, p, access) for p in _proceedings(case)]


def proceeding_case(actor: User, case_id, purpose: str = "proceedings") -> tuple[Case, CaseAccess]:
    case, access = case_selectors.case_get(actor=actor, case_id=case_id, purpose=purpose)
    if not policies.sees_proceedings(access):
        raise Http404
    return case, access


def proceeding_list(*, actor: User, case_id) -> tuple[Case, CaseAccess, list[ProceedingView]]:
    case, access = proceeding_case(actor, case_id)
    return case, access, [_proceeding_view(actor, p, access) for p in _proceedings(case)]


def proceeding_get(*, actor: User, case_id, proceeding_id) -> tuple[Case, CaseAccess, ProceedingView]:
    case, access = proceeding_case(actor, case_id)
    try:
        proceeding = _proceedings(case).get(pk=proceeding_id)
    except (Proceeding.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    audit_record(actor=actor, action="proceeding.view", obj=proceeding, case_id=case.pk)
    return case, access, _proceeding_view(actor, proceeding, access)


@dataclass
class LegalWork:
    hearings: list  # (case, hearing at, stage label) this week
    stages: list  # (stage label, count)
    orders: list[DueOrder]
    case_ids: list = field(default_factory=list)  # the cases read with their legal section

    @property
    def empty(self) -> bool:
        return not (self.hearings or any(n for _s, n in self.stages) or self.orders)


def legal_work_get(*, actor: User, days: int = 7) -> LegalWork | None:
    """A prosecutor's or a lawyer's dashboard: hearings this week, proceedings by stage, orders
    expiring, on the cases they see with the legal section. One audit event per case shown."""
    if not (works_on_cases(actor) and actor.has_role("prosecutor", "lawyer")):
        return None
    now = timezone.now()
    cases = list(Case.objects.filter(visible_cases_q(actor)).exclude(status=Case.Status.CLOSED)[:500])
    legal = [c for c in cases if policies.sees_proceedings(case_access(actor, c))]
    ids = [c.pk for c in legal]
    by_id = {c.pk: c for c in legal}
    hearings = [
        (by_id[h.case_id], h.at, h.proceeding.get_stage_display())
        for h in Hearing.objects.filter(case_id__in=ids, at__gte=now, at__lte=now + timedelta(days=days))
        .select_related("proceeding")
        .order_by("at")[:20]
    ]
    counts: dict = {}
    for stage in Proceeding.objects.filter(case_id__in=ids).values_list("stage", flat=True):
        counts[stage] = counts.get(stage, 0) + 1
    stages = [(str(label), counts.get(code, 0)) for code, label in Proceeding.Stage.choices]
    soon = now + timedelta(days=settings.QORGAU_PROTECTIVE_ORDER_ALERT_DAYS)
    orders = [
        DueOrder(by_id[o.case_id], o.number, o.state_at(now), o.expires_at)
        for o in ProtectiveOrder.objects.filter(
            case_id__in=ids,
            ended_at__isnull=True,
            served_at__isnull=False,
            expires_at__gt=now,
            expires_at__lte=soon,
        ).order_by("expires_at")[:20]
    ]
    shown = {c.pk for c, _a, _s in hearings} | {o.case.pk for o in orders}
    if counts:
        shown |= set(Proceeding.objects.filter(case_id__in=ids).values_list("case_id", flat=True)[:50])
    audit_record_many(actor=actor, action="proceeding.list", case_ids=list(shown), purpose="dashboard")
    return LegalWork(hearings, stages, orders, ids)
