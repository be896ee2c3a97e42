"""Reads of referrals and of the pathway parts of a case, limited to what the actor may see."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from qorgau.accounts.roles import Role
from qorgau.cases import policies as case_policies
from qorgau.cases.models import Section
from qorgau.core.audit import audit_record
from qorgau.referrals import policies
from qorgau.referrals.models import CasePlan, Referral, ServiceDelivery, WellbeingRating


def referral_get(*, actor, referral_id) -> Referral:
    try:
        referral = Referral.objects.select_related("case", "service", "from_agency", "to_agency", "sent_by",
                                                   "handled_by").get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if not policies.can_see(actor, referral):
        audit_record(actor=actor, action="referral.view_denied", obj=referral, case_id=referral.case_id)
        raise Http404
    audit_record(actor=actor, action="referral.view", obj=referral, case_id=referral.case_id)
    return referral


def referrals_for(*, actor, direction: str = "incoming", status: str = "") -> list[Referral]:
    """Referrals to the actor's agency (incoming) or from it (outgoing)."""
    if not case_policies.works_on_cases(actor):
        return []
    field = "to_agency_id" if direction == "incoming" else "from_agency_id"
    qs = Referral.objects.filter(**{field: actor.agency_id}).select_related("case", "service", "to_agency",
                                                                             "from_agency")
    if status == "open":
        qs = qs.filter(status__in=list(Referral.OPEN))
    elif status:
        qs = qs.filter(status=status)
    referrals = list(qs.order_by("due_at")[:200])
    audit_record(actor=actor, action="referral.list", object_type="referrals.referral",
                 detail={"direction": direction, "status": status, "results": len(referrals)})
    return referrals


def overdue_for(*, actor) -> list[Referral]:
    """Overdue open referrals a supervisor should chase: to or from the actor's agency."""
    if not (case_policies.works_on_cases(actor) and actor.has_role(Role.SUPERVISOR)):
        return []
    return list(
        Referral.objects.filter(Q(to_agency_id=actor.agency_id) | Q(from_agency_id=actor.agency_id),
                                status__in=list(Referral.OPEN), due_at__lt=timezone.now())
        .select_related("case", "service", "to_agency").order_by("due_at")
    )


def case_referrals(*, actor, case, access) -> list[Referral]:
    """On the case page: all of them for the holder; for another agency only its own."""
    qs = Referral.objects.filter(case=case).select_related("service", "to_agency", "sent_by")
    if not access.is_holder:
        qs = qs.filter(to_agency_id=actor.agency_id)
    return list(qs)


def case_deliveries(*, case, access) -> list[ServiceDelivery]:
    from qorgau.referrals.services import section_of

    deliveries = ServiceDelivery.objects.filter(case=case).select_related("service", "agency", "provider", "note")
    return [d for d in deliveries if access.is_holder or access.sees(section_of(d.service))]


def case_plan(*, case, access) -> CasePlan | None:
    if not access.is_holder:
        return None
    return CasePlan.objects.filter(case=case).prefetch_related("actions__agency", "actions__person").first()


def case_wellbeing(*, case, access) -> list[WellbeingRating] | None:
    if not (access.is_holder or access.sees(Section.PSYCHOLOGICAL)):
        return None
    return list(WellbeingRating.objects.filter(case=case))


def due_work(*, actor, today=None) -> dict:
    """What is due for the actor: plan follow-ups of their cases, open plan actions their agency
    owns that are past due, and the ~3-month wellbeing rating of cases they hold."""
    from datetime import timedelta

    from qorgau.cases.models import Case
    from qorgau.referrals.models import PlanAction

    if not case_policies.works_on_cases(actor):
        return {}
    today = today or timezone.localdate()
    my_cases = Case.objects.filter(assigned_to=actor).exclude(status=Case.Status.CLOSED)
    follow_ups = list(CasePlan.objects.filter(case__in=my_cases, next_follow_up__lte=today).select_related("case"))
    actions = list(
        PlanAction.objects.filter(agency_id=actor.agency_id, status=PlanAction.Status.OPEN, due_on__lt=today)
        .select_related("plan__case").order_by("due_on")[:20]
    )
    # Only cases the actor may open are named (an action may sit in another agency's case).
    actions = [a for a in actions if case_policies.case_access(actor, a.plan.case).can_view]
    window_start, window_end = today - timedelta(days=120), today - timedelta(days=80)
    ratings_due = list(
        my_cases.filter(opened_at__date__range=(window_start, window_end))
        .exclude(wellbeing__moment=WellbeingRating.Moment.THREE_MONTHS)[:20]
    )
    return {"follow_ups": follow_ups, "actions": actions, "ratings_due": ratings_due}
