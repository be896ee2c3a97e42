"""Every read of risk data. Case-scoped reads go through `cases.selectors.case_get` (case policy
plus audit) and then the risk policy; conference reads through `policies.agenda_item_view`.

The case page's risk section is built from the CaseDetail that `case_detail` already audited as
`case.view`; pages and API calls that open risk data on their own audit their own read.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from qorgau.accounts.models import User
from qorgau.cases import selectors as case_selectors
from qorgau.cases.models import Case, Incident, IncidentPerpetrator
from qorgau.cases.policies import agency_of, visible_cases_q, works_on_cases
from qorgau.core.audit import audit_record, audit_record_many
from qorgau.core.names import match_score
from qorgau.people.models import PersonIndex
from qorgau.risk import policies
from qorgau.risk.conference import ConferenceCheck, Criterion, conference_criteria, months_after
from qorgau.risk.engine import Result, evaluate_pinned
from qorgau.risk.levels import RiskLevel
from qorgau.risk.loader import InstrumentError
from qorgau.risk.models import (
    Assessment,
    AssessmentDraft,
    Conference,
    ConferenceAction,
    ConferenceReferral,
    SafetyPlan,
)
from qorgau.risk.printout import conference_pdf
from qorgau.risk.safety_plan import SafetyPlan as PlanDocument
from qorgau.risk.safety_plan import safety_plan_pdf
from qorgau.risk.schedule import is_overdue, next_due

# Other apps tell the conference proposal about breaches of protective orders on a case
# (qorgau.protection registers one): `func(case) -> list[date]`.
BREACH_SOURCES: list = []


def register_breach_source(func) -> None:
    if func not in BREACH_SOURCES:
        BREACH_SOURCES.append(func)


# Other apps pre-fill questions from what they know (qorgau.protection: "prior incidents known
# elsewhere" for the prior-violence item): `func(*, actor, case, item_ids) -> {item id: PrefillNote}`.
# Like the incidents' answers, only "yes" is ever pre-filled, marked, and she can change it.
PREFILL_SOURCES: list = []


def register_prefill_source(func) -> None:
    if func not in PREFILL_SOURCES:
        PREFILL_SOURCES.append(func)


@dataclass(frozen=True)
class PrefillNote:
    """Why a question starts at "yes" when no incident answers it (shown beside the question)."""

    prefill_note: str


# Two perpetrator records of one case are taken for the same man when their folded names match at
# least this well (or they share an IIN or a phone): spelling variants match, a brother does not.
SAME_PERSON_SCORE = 0.75


# --- Conference proposal ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    check: ConferenceCheck
    open_referral: ConferenceReferral | None
    last_referral: ConferenceReferral | None

    @property
    def propose(self) -> bool:
        """Criteria hold and the case is not already waiting for or listed on a conference."""
        return self.check.refer and self.open_referral is None


def incident_groups(case: Case) -> list[list[date]]:
    """Incident dates per perpetrator of the case (the survivor is the case's one survivor).

    Perpetrator records are merged when they are the same man (same IIN or phone, or matching
    folded names). An incident with no identified perpetrator counts with every perpetrator: it
    may have been him, and a missed repeat costs more than a proposal someone declines."""
    incidents = dict(case.incidents.values_list("pk", "occurred_on"))
    links = list(
        IncidentPerpetrator.objects.filter(incident__case=case).values_list("incident_id", "person_id")
    )
    tokens: dict = {}
    exact: dict = {}
    for person_id, kind, digest in PersonIndex.objects.filter(
        person_id__in={p for _i, p in links}
    ).values_list("person_id", "kind", "digest"):
        if kind == PersonIndex.Kind.NAME:
            tokens.setdefault(person_id, set()).add(digest)
        else:
            exact.setdefault(person_id, set()).add(f"{kind}:{digest}")
    identified = sorted(set(tokens) | set(exact), key=str)
    parent = {p: p for p in identified}

    def root(p):
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for n, a in enumerate(identified):
        for b in identified[n + 1 :]:
            same = exact.get(a, set()) & exact.get(b, set()) or (
                tokens.get(a) and tokens.get(b) and match_score(tokens[a], tokens[b]) >= SAME_PERSON_SCORE
            )
            if same:
                parent[root(a)] = root(b)
    by_group: dict = {}
    known = set()
    for incident_id, person_id in links:
        if person_id in parent:
            by_group.setdefault(root(person_id), set()).add(incident_id)
            known.add(incident_id)
    unknown = set(incidents) - known
    if not by_group:
        return [sorted(incidents.values())]
    return [sorted(incidents[i] for i in group | unknown) for group in by_group.values()]


def proposal_for(case: Case, *, current: Assessment | None = None, now: datetime | None = None) -> Proposal:
    """Whether the case should go to the risk conference, and which criteria say so (engine's
    `conference_criteria`, fed with the case's real data).

    After a referral, only what is new counts again, so that weekly re-assessments of a case the
    conference already heard do not propose it every week: within the repeat window a later
    assessment counts only when its level is above the level at referral; an escalation only when
    it includes an incident after the referral; a repeat incident always. Professional judgement is
    a criterion when it raised the level to high or extreme."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    referrals = list(
        case.conference_referrals.exclude(status=ConferenceReferral.Status.WITHDRAWN)
        .select_related("conference")
        .order_by("-referred_at")
    )
    last = referrals[0] if referrals else None
    open_referral = next((r for r in referrals if r.is_open), None)
    if current is None:
        current = case.risk_assessments.filter(is_current=True).first()
    level, judgement, reason = None, False, ""
    last_day = timezone.localdate(last.referred_at) if last else None
    recent = last_day is not None and today <= months_after(
        last_day, settings.QORGAU_CONFERENCE_REPEAT_MONTHS
    )
    if current is not None and (
        last is None
        or not recent
        or (current.assessed_at > last.referred_at and current.level > (last.level or 0))
    ):
        level = current.actuarial_level
        if current.judgement_level and current.judgement_level >= RiskLevel.HIGH:
            judgement, reason = True, current.judgement_reason or "-"
    breaches = [d for source in BREACH_SOURCES for d in source(case)]
    found: dict = {}
    for dates in incident_groups(case):
        check = conference_criteria(
            level=level,
            judgement=judgement,
            judgement_reason=reason,
            incident_dates=[d for d in dates if d <= today],
            last_referral=last_day,
            now=now,
            breach_dates=breaches,
        )
        for met in check.criteria:
            if (
                met.criterion == Criterion.ESCALATION
                and last_day
                and not any(d > last_day for d in met.incident_dates)
            ):
                continue  # the same incidents already brought it to a conference
            before = found.get(met.criterion)
            if before is None or len(met.incident_dates) > len(before.incident_dates):
                found[met.criterion] = met
    ordered = tuple(found[c] for c in Criterion if c in found)
    return Proposal(ConferenceCheck(ordered), open_referral, last)


def criteria_codes(check: ConferenceCheck) -> list[dict]:
    """What a referral keeps of the criteria: codes and counts, never the judgement's words."""
    return [{"code": m.criterion.value, "count": len(m.incident_dates) or None} for m in check.criteria]


# --- The case page ---------------------------------------------------------------------------------


@dataclass
class ChartPoint:
    x: float
    y: float
    level: RiskLevel
    assessment: Assessment


@dataclass
class RiskSummary:
    current: Assessment | None
    history: list[Assessment]  # oldest first
    next_due: datetime | None
    overdue: bool
    proposal: Proposal
    plan: SafetyPlan | None
    chart: dict | None


CHART = {"width": 640, "height": 190, "left": 96, "right": 16, "top": 14, "bottom": 34}
HISTORY_LIMIT = 60


def history_chart(history: list[Assessment], now: datetime) -> dict | None:
    """Coordinates for the server-drawn SVG: a step line over time on the four-level scale."""
    if not history:
        return None
    c = CHART
    plot_w = c["width"] - c["left"] - c["right"]
    plot_h = c["height"] - c["top"] - c["bottom"]
    start = history[0].assessed_at
    span = max((now - start).total_seconds(), 86400.0)

    def x_of(moment):
        return round(c["left"] + plot_w * (moment - start).total_seconds() / span, 1)

    def y_of(level):
        return round(c["top"] + plot_h * (RiskLevel.EXTREME - level) / 3, 1)

    points = [ChartPoint(x_of(a.assessed_at), y_of(a.level), RiskLevel(a.level), a) for a in history]
    # A step line: a level holds until the next assessment, the last one until today.
    path = [f"M{points[0].x} {points[0].y}", *(f"H{p.x} V{p.y}" for p in points[1:]), f"H{x_of(now)}"]
    return {
        **c,
        "plot_right": c["width"] - c["right"],
        "label_x": c["left"] - 8,
        "axis_y": c["height"] - 10,
        "rows": [(y_of(level), level) for level in reversed(RiskLevel)],
        "points": points,
        "path": " ".join(path),
        "first": start,
        "last": now,
    }


def case_risk_get(*, actor: User, case: Case, access) -> RiskSummary | None:
    """The risk section of a case page, or None when the viewer may not see the safety section.
    The caller has read the case through `case_get`/`case_detail` (audited)."""
    if not policies.sees_risk(access):
        return None
    history = list(
        Assessment.objects.filter(case=case)
        .select_related("agency", "assessed_by")
        .order_by("-assessed_at")[:HISTORY_LIMIT]
    )[::-1]
    current = next((a for a in history if a.is_current), None)
    now = timezone.now()
    return RiskSummary(
        current=current,
        history=history,
        next_due=next_due(current.level, current.assessed_at, current.reassess_by) if current else None,
        overdue=bool(current and is_overdue(current.level, current.assessed_at, now, current.reassess_by)),
        proposal=proposal_for(case, current=current, now=now),
        plan=SafetyPlan.objects.filter(case=case).select_related("updated_by", "agency").first(),
        chart=history_chart(history, now),
    )


def current_level_annotation():
    """The case's current level, for the case list's one query (cases.extensions.ListColumn: the
    list shows it only where the reader sees the safety section)."""
    from django.db.models import OuterRef, Subquery

    from qorgau.risk.models import Assessment

    return Subquery(Assessment.objects.filter(case=OuterRef("pk"), is_current=True).values("level")[:1])


def next_due_annotation():
    """When the current assessment must be repeated (its level's interval, from the settings)."""
    from datetime import timedelta

    from django.db.models import Case, DateTimeField, ExpressionWrapper, F, OuterRef, Subquery, When

    from qorgau.risk.levels import RiskLevel
    from qorgau.risk.models import Assessment
    from qorgau.risk.schedule import reassessment_days

    due = Case(
        *(
            When(
                level=level,
                then=ExpressionWrapper(
                    F("assessed_at") + timedelta(days=reassessment_days(level)), output_field=DateTimeField()
                ),
            )
            for level in RiskLevel
        ),
        output_field=DateTimeField(),
    )
    return Subquery(
        Assessment.objects.filter(case=OuterRef("pk"), is_current=True).annotate(due=due).values("due")[:1],
        output_field=DateTimeField(),
    )


def current_level(case: Case) -> int | None:
    return case.risk_assessments.filter(is_current=True).values_list("level", flat=True).first()


# --- Assessments -----------------------------------------------------------------------------------


def risk_case(actor, case_id, purpose):
    """The case, if the actor may see it and its safety section; 404 otherwise (as for a case)."""
    case, access = case_selectors.case_get(actor=actor, case_id=case_id, purpose=purpose)
    if not policies.sees_risk(access):
        raise Http404
    return case, access


def assessment_list(*, actor: User, case_id) -> tuple[Case, list[Assessment]]:
    case, _access = risk_case(actor, case_id, "risk")
    assessments = list(case.risk_assessments.select_related("agency", "assessed_by"))
    audit_record(
        actor=actor,
        action="assessment.list",
        object_type="risk.assessment",
        case_id=case.pk,
        detail={"results": len(assessments)},
    )
    return case, assessments


@dataclass
class AssessmentDetail:
    case: Case
    assessment: Assessment
    result: Result | None  # None when the pinned instrument version was changed in place
    problem: str = ""


def explain(assessment: Assessment) -> tuple[Result | None, str]:
    """Evaluate a stored assessment by the instrument version it was made with."""
    try:
        return evaluate_pinned(
            instrument_id=assessment.instrument_id,
            version=assessment.version,
            answers=assessment.answers,
            judgement_level=assessment.judgement_level,
            judgement_reason=assessment.judgement_reason or "",
            digest=assessment.digest,
        ), ""
    except (InstrumentError, ValidationError) as exc:
        return None, str(exc)


@dataclass
class Explanation:
    """A result as the assessor reads it: each rule in a sentence (the deciding ones marked), and
    the questions answered yes and not known."""

    rules: list  # (sentence, deciding)
    yes: list  # Item
    unknown: list  # Item
    answers: list  # (Item, answer code)
    words: dict = field(default_factory=dict)  # item id -> her words beside the answer


def explanation(result: Result, answers: dict | None = None, words: dict | None = None) -> Explanation:
    instrument = result.instrument
    deciding = set(map(id, result.deciding))
    return Explanation(
        rules=[(o.describe(instrument), id(o) in deciding) for o in result.outcomes],
        yes=[instrument.item(i) for i in result.yes_items],
        unknown=[instrument.item(i) for i in result.unknown_items],
        answers=[(item, answers.get(item.id, "")) for item in instrument.items] if answers else [],
        words=dict(words or {}),
    )


def assessment_get(*, actor: User, case_id, assessment_id) -> AssessmentDetail:
    case, _access = risk_case(actor, case_id, "risk")
    try:
        assessment = case.risk_assessments.select_related("agency", "assessed_by").get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    audit_record(actor=actor, action="assessment.view", obj=assessment, case_id=case.pk)
    result, problem = explain(assessment)
    return AssessmentDetail(case, assessment, result, problem)


# --- Safety plan -----------------------------------------------------------------------------------


def safety_plan_get(*, actor: User, case_id) -> tuple[Case, SafetyPlan | None, PlanDocument]:
    case, _access = risk_case(actor, case_id, "safety_plan")
    row = SafetyPlan.objects.filter(case=case).select_related("updated_by", "agency").first()
    document = PlanDocument.from_dict(row.content) if row and row.content else PlanDocument()
    audit_record(
        actor=actor,
        action="safety_plan.view",
        object_type="risk.safetyplan",
        object_id=str(row.pk) if row else "",
        case_id=case.pk,
    )
    return case, row, document


def safety_plan_print(*, actor: User, case_id, lang: str) -> tuple[Case, bytes]:
    """The discreet PDF; printing is recorded (a printed plan leaves the system)."""
    case, _access = risk_case(actor, case_id, "safety_plan")
    row = SafetyPlan.objects.filter(case=case).first()
    if row is None or not row.content:
        raise Http404
    audit_record(actor=actor, action="safety_plan.print", obj=row, case_id=case.pk, detail={"lang": lang})
    return case, safety_plan_pdf(PlanDocument.from_dict(row.content), lang)


# --- Dashboards ------------------------------------------------------------------------------------


@dataclass
class DueItem:
    case: Case
    assessment: Assessment | None
    due: datetime | None
    overdue: bool


def due_q(now: datetime, *, within: timedelta = timedelta(0)) -> Q:
    """Current assessments whose re-assessment is due by now + within (one clause per level, so the
    intervals stay configurable and the query stays indexable)."""
    from qorgau.risk.schedule import reassessment_days

    q = Q(reassess_by__lte=now + within)
    for level in RiskLevel:
        q |= Q(level=level, assessed_at__lte=now + within - timedelta(days=reassessment_days(level)))
    return q


def reassessment_list_due(*, actor: User, within_days: int = 3, limit: int = 15) -> tuple[list[DueItem], int]:
    """Re-assessments due soon or overdue in the actor's open cases (their own cases; a
    supervisor's: the agency's) and how many open cases have no assessment at all."""
    if not works_on_cases(actor):
        return [], 0
    now = timezone.now()
    cases = Case.objects.filter(visible_cases_q(actor)).exclude(status=Case.Status.CLOSED)
    if actor.has_role("supervisor"):
        cases = cases.filter(holding_agency_id=actor.agency_id)
    else:
        cases = cases.filter(assigned_to=actor)
    due = list(
        Assessment.objects.filter(is_current=True, case__in=cases)
        .filter(due_q(now, within=timedelta(days=within_days)))
        .select_related("case")
        .order_by("assessed_at")[:200]
    )
    items = [
        DueItem(
            a.case,
            a,
            next_due(a.level, a.assessed_at, a.reassess_by),
            is_overdue(a.level, a.assessed_at, now, a.reassess_by),
        )
        for a in due
    ]
    items.sort(key=lambda i: i.due or now)  # current assessments always have a due date
    # An anti-join on the partial unique index (case where is_current): `NOT IN (every current
    # assessment in the country)` read the whole table on each dashboard (bench/explain.py).
    # A case imported from the agency's old register is not an intake waiting for its first
    # assessment; once an incident is recorded in it (she came back), it is (docs/adr/0011).
    unassessed = (
        cases.filter(~Exists(Assessment.objects.filter(case=OuterRef("pk"), is_current=True)))
        .filter(Q(origin=Case.Origin.INTAKE) | Exists(Incident.objects.filter(case=OuterRef("pk"))))
        .count()
    )
    return items[:limit], unassessed


def conference_action_list(*, actor: User, limit: int = 20) -> list[ConferenceAction]:
    """Open conference actions owned by the actor's agency (its case staff take part)."""
    if not works_on_cases(actor):
        return []
    return list(
        ConferenceAction.objects.filter(owner_agency_id=actor.agency_id)
        .exclude(status=ConferenceAction.Status.DONE)
        .select_related("referral__case", "referral__conference")
        .order_by("due_on")[:limit]
    )


# --- Conferences -----------------------------------------------------------------------------------


@dataclass
class ConferenceDetail:
    conference: Conference
    items: list  # AgendaItemView (without contributions: those open on the item's page)
    may_manage: bool
    waiting: list  # AgendaItemView of waiting referrals (the coordinator)
    open_actions: int
    agencies: list = field(default_factory=list)  # the participating agencies


def conference_list(*, actor: User) -> list:
    """The region's conferences for its coordinator; those of the actor's agency for participants."""
    if policies.is_coordinator(actor):
        qs = Conference.objects.filter(region_id=agency_of(actor).region_id)
    elif works_on_cases(actor):
        qs = Conference.objects.filter(agencies=actor.agency_id)
    else:
        raise PermissionDenied
    conferences = list(
        qs.annotate(n_items=Count("referrals", filter=~Q(referrals__status="withdrawn")))
        .select_related("region")
        .prefetch_related("agencies")
        .order_by("-scheduled_for")[:100]
    )
    for conference in conferences:  # what ConferenceOut shows, without a query per conference
        setattr(conference, "agency_ids", [a.pk for a in conference.agencies.all()])  # noqa: B010
    return list(conferences)


def _current_levels(case_ids) -> dict:
    return dict(
        Assessment.objects.filter(case_id__in=list(case_ids), is_current=True).values_list("case_id", "level")
    )


def _item_views(actor, referrals, *, with_details: bool) -> list:
    levels = _current_levels(r.case_id for r in referrals)
    views = []
    for r in referrals:
        contributions = list(r.contributions.select_related("agency", "author")) if with_details else ()
        actions = list(r.actions.select_related("owner_agency")) if with_details else ()
        view = policies.agenda_item_view(
            actor, r, current_level=levels.get(r.case_id), contributions=contributions, actions=actions
        )
        if view is not None:
            views.append(view)
    return views


def _referrals():
    return ConferenceReferral.objects.select_related("case", "agency", "conference", "conference__region")


def conference_get(*, actor: User, conference_id) -> ConferenceDetail:
    try:
        conference = (
            Conference.objects.select_related("region").prefetch_related("agencies").get(pk=conference_id)
        )
    except (Conference.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if not policies.participates(actor, conference):
        audit_record(actor=actor, action="conference.view_denied", obj=conference)
        raise Http404
    referrals = list(_referrals().filter(conference=conference).exclude(status="withdrawn"))
    items = _item_views(actor, referrals, with_details=False)
    manage = policies.can_manage_conference(actor, conference)
    waiting = (
        _item_views(
            actor,
            list(_referrals().filter(region_id=conference.region_id, status="waiting")),
            with_details=False,
        )
        if manage
        else []
    )
    audit_record(actor=actor, action="conference.view", obj=conference, detail={"items": len(items)})
    open_actions = ConferenceAction.objects.filter(referral__in=referrals).exclude(status="done").count()
    agencies = sorted(conference.agencies.all(), key=lambda a: a.name)
    setattr(conference, "agency_ids", [a.pk for a in agencies])  # noqa: B010
    return ConferenceDetail(conference, items, manage, waiting, open_actions, agencies)


PRINTABLE = ("agenda", "minutes")


def conference_print(*, actor: User, conference_id, document: str, lang: str) -> tuple[Conference, bytes]:
    """The agenda or the minutes of a conference on paper, as the actor sees them on its pages.
    The printout is recorded (`conference.print`), and the minutes, which carry what was shared
    about each case, also in the access log of every case they name."""
    if document not in PRINTABLE:
        raise Http404
    detail = conference_get(actor=actor, conference_id=conference_id)
    if document == "minutes":
        referrals = list(_referrals().filter(conference=detail.conference).exclude(status="withdrawn"))
        items = _item_views(actor, referrals, with_details=True)
        audit_record_many(
            actor=actor,
            action="conference.item_print",
            case_ids=[v.referral.case_id for v in items],
            purpose="minutes",
        )
    else:
        items = detail.items
    audit_record(
        actor=actor,
        action="conference.print",
        obj=detail.conference,
        detail={"document": document, "lang": lang, "items": len(items)},
    )
    pdf = conference_pdf(detail=detail, items=items, document=document, lang=lang, printed_by=actor)
    return detail.conference, pdf


def agenda_item_get(*, actor: User, item_id) -> policies.AgendaItemView:
    """One agenda case as the actor may see it; each read is recorded on the case's access log."""
    try:
        referral = _referrals().get(pk=item_id)
    except (ConferenceReferral.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    [view] = _item_views(actor, [referral], with_details=True) or [None]
    if view is None:
        audit_record(
            actor=actor, action="conference.item_view_denied", obj=referral, case_id=referral.case_id
        )
        raise Http404
    audit_record(
        actor=actor,
        action="conference.item_view",
        obj=referral,
        case_id=referral.case_id,
        detail={"contributions": len(view.contributions)},
    )
    return view


def conference_referral_list_waiting(*, actor: User) -> list:
    """Referrals of the coordinator's region not yet on an agenda (the minimum only)."""
    if not policies.is_coordinator(actor):
        return []
    return _item_views(
        actor,
        list(_referrals().filter(region_id=agency_of(actor).region_id, status="waiting")),
        with_details=False,
    )


def conference_referral_list_follow_up(*, actor: User) -> list[tuple[ConferenceReferral, int, int]]:
    """Heard cases of the coordinator's region with actions still open: (referral, open, late)."""
    if not policies.is_coordinator(actor):
        return []
    today = timezone.localdate()
    rows = (
        _referrals()
        .filter(region_id=agency_of(actor).region_id, status__in=["listed", "heard"])
        .annotate(
            open_actions=Count("actions", filter=~Q(actions__status="done")),
            late_actions=Count("actions", filter=~Q(actions__status="done") & Q(actions__due_on__lt=today)),
        )
        .filter(open_actions__gt=0)
        .order_by("-late_actions", "referred_at")[:50]
    )
    return [(r, r.open_actions, r.late_actions) for r in rows]


def conference_list_upcoming(*, actor: User, limit: int = 3) -> list[Conference]:
    try:
        conferences = conference_list(actor=actor)
    except PermissionDenied:
        return []
    now = timezone.now() - timedelta(hours=12)
    return sorted(
        (c for c in conferences if c.scheduled_for >= now and c.status == "scheduled"),
        key=lambda c: c.scheduled_for,
    )[:limit]


def assessment_draft_get(*, actor: User, case: Case) -> AssessmentDraft | None:
    """The actor's own unfinished assessment of this case, if any (its read is recorded)."""
    if not policies.can_assess(actor, case):
        return None
    draft = AssessmentDraft.objects.filter(case=case, owner=actor).first()
    if draft is not None:
        audit_record(actor=actor, action="assessment_draft.view", obj=draft, case_id=case.pk)
    return draft


# Questions the incidents already answer: pre-filled "yes" (never "no") and marked so. Keyed by the
# item ids of the instruments (risk/instruments/*), which a published version never changes.
def _weapon(incident) -> bool:
    return incident.weapon in ("firearm", "knife", "object")


def _firearm(incident) -> bool:
    return incident.weapon == "firearm"


def _injured(incident) -> bool:
    return incident.injuries in ("minor", "serious", "life_threatening")


def _sexual(incident) -> bool:
    from qorgau.cases.classification import SEXUAL_TYPES

    return incident.gbv_type in SEXUAL_TYPES


PREFILL = {
    "weapons": _weapon,
    "weapon": _weapon,
    "gun": _firearm,
    "injury": _injured,
    "sexual_abuse": _sexual,
    "forced_sex": _sexual,
}


def assessment_prefill(*, case: Case, instrument, actor=None) -> dict[str, object]:
    """{item id: the incident that answers it} for the questions the recorded incidents answer
    "yes" (a weapon recorded, an injury in the latest incident, sexual violence), then {item id:
    PrefillNote} for those the registered sources answer for this actor."""
    incidents = list(case.incidents.order_by("-occurred_on"))
    found: dict[str, object] = {}
    for item in instrument.items:
        check = PREFILL.get(item.id)
        if check is None:
            continue
        pool = incidents[:1] if item.id == "injury" else incidents  # "this incident": the latest
        hit = next((i for i in pool if check(i)), None)
        if hit is not None:
            found[item.id] = hit
    if actor is not None:
        open_items = {item.id for item in instrument.items} - set(found)
        for source in PREFILL_SOURCES:
            if not open_items:
                break
            for item_id, note in source(actor=actor, case=case, item_ids=frozenset(open_items)).items():
                if item_id in open_items:
                    found[item_id] = note
                    open_items.discard(item_id)
    return found
