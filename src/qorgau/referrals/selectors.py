"""Reads of referrals and of the pathway parts of a case, limited to what the actor may see.

Templates and serializers get view objects (`ReferralView`, `PlanView`), never the models: the
referral's free text is in a view only while the case policy and her consent let the actor read
it, so no template change can show it to the wrong agency.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from qorgau.accounts.models import Agency, User
from qorgau.accounts.roles import Role
from qorgau.cases import policies as case_policies
from qorgau.cases import selectors as case_selectors
from qorgau.cases.models import Case, CaseClosure, Section
from qorgau.core.audit import audit_record
from qorgau.directory.models import ServiceType
from qorgau.referrals import machine, policies
from qorgau.referrals.models import CasePlan, PlanAction, Referral, ServiceDelivery, WellbeingRating


@dataclass
class ReferralView:
    id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    service: ServiceType
    from_agency: Agency
    to_agency: Agency
    sent_by: User
    handled_by: User | None
    urgent: bool
    status: str
    status_label: str
    sections: list
    sent_at: datetime
    due_at: datetime
    status_changed_at: datetime
    version: int
    side: str | None = None
    case_visible: bool = False
    content: bool = False  # whether note, reason and outcome below are hers to read
    note: str | None = None
    reason: str | None = None
    outcome: str | None = None
    actions: list = field(default_factory=list)

    @property
    def pk(self) -> uuid.UUID:
        return self.id

    @property
    def is_open(self) -> bool:
        return self.status in Referral.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.due_at


def _referral_view(referral: Referral, access: policies.ReferralAccess | None = None) -> ReferralView:
    view = ReferralView(
        id=referral.pk,
        case_id=referral.case_id,
        case_number=referral.case.number,
        service=referral.service,
        from_agency=referral.from_agency,
        to_agency=referral.to_agency,
        sent_by=referral.sent_by,
        handled_by=referral.handled_by,
        urgent=referral.urgent,
        status=referral.status,
        status_label=referral.get_status_display(),
        sections=list(referral.sections or []),
        sent_at=referral.sent_at,
        due_at=referral.due_at,
        status_changed_at=referral.status_changed_at,
        version=referral.version,
    )
    if access is not None:
        view.side, view.content = access.side, access.content
        if access.content:
            view.note, view.reason, view.outcome = (
                referral.note or "",
                referral.reason or "",
                referral.outcome or "",
            )
            view.actions = [
                a for a in machine.allowed_actions(referral.status) if machine.ACTIONS[a][2] == access.side
            ]
    return view


def _referrals():
    return Referral.objects.select_related(
        "case", "service", "from_agency", "to_agency", "sent_by", "handled_by"
    )


def referral_get(*, actor: User, referral_id, purpose: str = "view") -> ReferralView:
    """One referral for one of its two agencies (else 404, audited); its text only while her
    consent lets the actor read her case through it."""
    try:
        referral = _referrals().prefetch_related("case__consents", "case__shares").get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    access = policies.referral_access(actor, referral)
    if not access.can_view:
        audit_record(actor=actor, action="referral.view_denied", obj=referral, case_id=referral.case_id)
        raise Http404
    audit_record(
        actor=actor,
        action=f"referral.{purpose}",
        obj=referral,
        case_id=referral.case_id,
        purpose=purpose,
        detail={"content": access.content},
    )
    view = _referral_view(referral, access)
    view.case_visible = case_policies.case_access(actor, referral.case).can_view
    return view


def referral_list(*, actor: User, direction: str = "incoming", status: str = "") -> list[ReferralView]:
    """Referrals to the actor's agency (incoming) or from it (outgoing): the records, no text."""
    if not case_policies.works_on_cases(actor):
        return []
    field_name = "to_agency_id" if direction == "incoming" else "from_agency_id"
    qs = _referrals().filter(**{field_name: actor.agency_id})
    if status == "open":
        qs = qs.filter(status__in=list(Referral.OPEN))
    elif status:
        qs = qs.filter(status=status)
    referrals = [_referral_view(r) for r in qs.order_by("due_at")[:200]]
    audit_record(
        actor=actor,
        action="referral.list",
        object_type="referrals.referral",
        detail={"direction": direction, "status": status, "results": len(referrals)},
    )
    return referrals


def referral_list_overdue(*, actor: User) -> list[ReferralView]:
    """Overdue open referrals a supervisor should chase: to or from the actor's agency."""
    if not (case_policies.works_on_cases(actor) and actor.has_role(Role.SUPERVISOR)):
        return []
    return [
        _referral_view(r)
        for r in _referrals()
        .filter(
            Q(to_agency_id=actor.agency_id) | Q(from_agency_id=actor.agency_id),
            status__in=list(Referral.OPEN),
            due_at__lt=timezone.now(),
        )
        .order_by("due_at")
    ]


def referral_list_for_case(*, actor: User, case, access) -> list[ReferralView]:
    """On the case page: all of them for the holder; for another agency only its own."""
    qs = _referrals().filter(case=case)
    if not access.is_holder:
        qs = qs.filter(to_agency_id=actor.agency_id)
    return [_referral_view(r) for r in qs]


def service_delivery_list(*, case, access) -> list[ServiceDelivery]:
    from qorgau.referrals.services import section_of

    deliveries = ServiceDelivery.objects.filter(case=case).select_related(
        "service", "agency", "provider", "note"
    )
    return [d for d in deliveries if access.is_holder or access.sees(section_of(d.service))]


# --- The case plan ---------------------------------------------------------------------------------


@dataclass
class PlanActionView:
    id: uuid.UUID
    goal: str
    action: str
    agency: Agency
    person: User | None
    due_on: date
    status: str
    done_at: datetime | None
    version: int

    @property
    def pk(self) -> uuid.UUID:
        return self.id


@dataclass
class PlanView:
    status: str
    status_label: str
    version: int  # 0: no plan yet
    approved_by: User | None = None
    approved_at: datetime | None = None
    next_follow_up: date | None = None
    actions: list[PlanActionView] = field(default_factory=list)


def _plan_view(case) -> PlanView:
    plan = CasePlan.objects.filter(case=case).select_related("approved_by").first()
    if plan is None:
        return PlanView(CasePlan.Status.DRAFT, str(CasePlan.Status.DRAFT.label), 0)
    actions = plan.actions.select_related("agency", "person")
    return PlanView(
        status=plan.status,
        status_label=plan.get_status_display(),
        version=plan.version,
        approved_by=plan.approved_by,
        approved_at=plan.approved_at,
        next_follow_up=plan.next_follow_up,
        actions=[
            PlanActionView(
                a.pk,
                a.goal or "",
                a.action or "",
                a.agency,
                a.person,
                a.due_on,
                a.status,
                a.done_at,
                a.version,
            )
            for a in actions
        ],
    )


def case_plan_get(*, actor: User, case_id) -> tuple[Case, PlanView]:
    """The case plan, for the holding agency (reading it creates nothing; the read is audited)."""
    case, access = case_selectors.case_get(actor=actor, case_id=case_id, purpose="plan")
    if not access.is_holder:
        raise PermissionDenied
    return case, _plan_view(case)


def case_plan_for_page(*, case, access) -> PlanView | None:
    """The plan on the case page, which `case_detail` already read (and audited)."""
    return _plan_view(case) if access.is_holder else None


def wellbeing_list(*, case, access) -> list[WellbeingRating] | None:
    if not (access.is_holder or access.sees(Section.PSYCHOLOGICAL)):
        return None
    return list(WellbeingRating.objects.filter(case=case))


def case_closure_list(*, case, access) -> list[CaseClosure] | None:
    if not access.is_holder:
        return None
    return list(CaseClosure.objects.filter(case=case).select_related("requested_by", "decided_by"))


def due_work(*, actor: User, today=None) -> dict:
    """What is due for the actor: plan follow-ups of their cases, open plan actions their agency
    owns that are past due, and the ~3-month wellbeing rating of cases they hold."""
    if not case_policies.works_on_cases(actor):
        return {}
    today = today or timezone.localdate()
    my_cases = Case.objects.filter(assigned_to=actor).exclude(status=Case.Status.CLOSED)
    follow_ups = list(
        CasePlan.objects.filter(case__in=my_cases, next_follow_up__lte=today).select_related("case")
    )
    actions = list(
        PlanAction.objects.filter(
            agency_id=case_policies.agency_id_of(actor), status=PlanAction.Status.OPEN, due_on__lt=today
        )
        .select_related("plan__case")
        .order_by("due_on")[:20]
    )
    # Only cases the actor may open are named (an action may sit in another agency's case).
    actions = [a for a in actions if case_policies.case_access(actor, a.plan.case).can_view]
    window_start, window_end = today - timedelta(days=120), today - timedelta(days=80)
    ratings_due = list(
        my_cases.filter(opened_at__date__range=(window_start, window_end)).exclude(
            wellbeing__moment=WellbeingRating.Moment.THREE_MONTHS
        )[:20]
    )
    return {"follow_ups": follow_ups, "actions": actions, "ratings_due": ratings_due}


def approval_list_waiting(*, actor: User) -> dict:
    """What waits for this supervisor's decision in the agency's cases: plans sent for approval,
    closure requests, emergency grants another supervisor made (each case once in the audit)."""
    if not (case_policies.works_on_cases(actor) and actor.has_role("supervisor")):
        return {}
    from qorgau.cases.selectors import emergency_grant_list_to_review
    from qorgau.core.audit import audit_record_many

    own = {"case__holding_agency_id": actor.agency_id}
    plans = list(
        CasePlan.objects.filter(status=CasePlan.Status.SUBMITTED, **own)
        .select_related("case")
        .order_by("updated_at")[:50]
    )
    closures = list(
        CaseClosure.objects.filter(status=CaseClosure.Status.REQUESTED, **own)
        .select_related("case", "requested_by")
        .order_by("requested_at")[:50]
    )
    grants = emergency_grant_list_to_review(actor=actor)[:50]
    case_ids = [p.case_id for p in plans] + [c.case_id for c in closures] + [g.case_id for g in grants]
    if case_ids:
        audit_record_many(actor=actor, action="case.listed", case_ids=case_ids, purpose="approvals")
    return {"plans": plans, "closures": closures, "grants": grants}
