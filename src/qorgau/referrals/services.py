"""Every write of the pathway. Each function checks the policy, writes, adds the case timeline
entry and the audit event in one transaction, and notifies whoever must act."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.accounts.roles import CASE_ROLES, Role
from qorgau.cases import policies as case_policies
from qorgau.cases import services as case_services
from qorgau.cases.care import open_care_windows
from qorgau.cases.models import ALL_SECTIONS, Case, CaseShare, Section
from qorgau.core.audit import audit_record
from qorgau.core.errors import Conflict
from qorgau.directory.selectors import agency_provides
from qorgau.notifications.services import notify
from qorgau.referrals import policies
from qorgau.referrals.machine import ACTIONS, NEEDS_OUTCOME, NEEDS_REASON, target_of
from qorgau.referrals.models import CasePlan, PlanAction, Referral, ServiceDelivery, WellbeingRating

# Services that the time-critical care after sexual violence makes urgent (gbv-standards.md).
URGENT_CARE_SERVICES = frozenset({"medical", "forensic", "reproductive_health"})
_event = case_services._event


def agency_staff(agency, roles) -> list[User]:
    return list(
        User.objects.filter(agency=agency, is_active=True, role_links__role__in=list(roles)).distinct()
    )


def _case_url(case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _referral_url(referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def has_open_care_window(case) -> bool:
    return any(open_care_windows(incident) for incident in case.incidents.all())


# --- Sending ---------------------------------------------------------------------------------------


@transaction.atomic
def referral_send(
    *, actor: User, case: Case, service, to_agency, urgent: bool = False, sections=None, note: str = ""
) -> Referral:
    """Refer her from the holding agency to another agency for one service.

    Refused without her referral consent for that agency (or its type), unless a supervisor's
    emergency grant to that agency is in force. Only the sections the service needs travel with
    it, and her sharing consent still decides, at every read, which of them the agency sees."""
    if not policies.can_send(actor, case):
        raise PermissionDenied
    if case.status == Case.Status.CLOSED:
        raise ValidationError({"case": _("The case is closed. Reopen it before referring her.")})
    if to_agency.pk == case.holding_agency_id:
        raise ValidationError({"to_agency": _("The case is already with this agency.")})
    if not to_agency.is_active or not service.is_active:
        raise ValidationError({"to_agency": _("This agency or service is not available.")})
    if not agency_provides(to_agency, service):
        # The true reason, before any question of consent.
        raise ValidationError(
            {
                "to_agency": _(
                    "%(agency)s does not provide “%(service)s”. Choose one of the agencies that do."
                )
                % {"agency": to_agency.name, "service": service.name}
            }
        )
    emergency = any(
        s.is_live() for s in case.shares.filter(agency=to_agency, source=CaseShare.Source.EMERGENCY)
    )
    if not policies.consent_covers_referral(case, to_agency) and not emergency:
        raise ValidationError(
            {
                "to_agency": _(
                    "She has not agreed to be referred to this agency. Record her consent first "
                    "(or, if her life is at risk, a supervisor can grant emergency access)."
                )
            }
        )
    wanted = set(sections) if sections else set(service.shares_sections)  # none chosen: what it needs
    shared = sorted(wanted & set(service.shares_sections) & ALL_SECTIONS)
    urgent = urgent or (service.code in URGENT_CARE_SERVICES and has_open_care_window(case))
    now = timezone.now()
    hours = service.urgent_deadline_hours if urgent else service.deadline_hours
    referral = Referral(
        case=case,
        service=service,
        from_agency_id=case.holding_agency_id,
        to_agency=to_agency,
        sent_by=actor,
        urgent=urgent,
        sections=shared,
        note=note.strip(),
        sent_at=now,
        due_at=now + timedelta(hours=hours),
        status_changed_at=now,
    )
    referral.full_clean(exclude=["case", "service", "from_agency", "to_agency", "sent_by"])
    referral.save()
    _event(case, "referral_sent", actor, service=service.code, agency_id=to_agency.pk, urgent=urgent)
    audit_record(
        actor=actor,
        action="referral.send",
        obj=referral,
        case_id=case.pk,
        detail={"service": service.code, "to_agency": to_agency.pk, "urgent": urgent, "sections": shared},
    )
    notify(
        users=agency_staff(to_agency, CASE_ROLES),
        kind="referral_urgent" if urgent else "referral_new",
        url=_referral_url(referral),
        params={"number": case.number},
        dedupe_key=f"referral-new:{referral.pk}",
    )
    return referral


# --- The state machine -------------------------------------------------------------------------
# One service per step, named for what happens ("a referral is accepted": `referral_accept`).
# Each locks the referral, refuses a stale version, a step the machine does not allow from its
# status, and a step by the wrong agency or without her consent (machine.py, policies.py).


def referral_qs_select_for_update() -> QuerySet[Referral]:
    return Referral.objects.select_for_update(of=("self",)).select_related("case", "service", "to_agency")


def _referral_step(
    *, actor: User, referral_id, action: str, expected_version: int, reason: str = "", outcome: str = ""
) -> Referral:
    try:
        referral = referral_qs_select_for_update().get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    access = policies.referral_access(actor, referral)
    if not access.can_view:
        raise Http404
    if not policies.can_take(actor, referral, action, access):
        raise PermissionDenied
    if expected_version != referral.version:
        raise Conflict
    target = target_of(action, referral.status)
    if target is None:
        raise ValidationError(
            {
                "action": _("This step is not possible for a referral that is “%(status)s”.")
                % {"status": referral.get_status_display()}
            }
        )
    if action in NEEDS_REASON and len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Give the reason.")})
    if action in NEEDS_OUTCOME and len(outcome.strip()) < 5:
        raise ValidationError({"outcome": _("Describe the outcome.")})
    now = timezone.now()
    referral.status, referral.status_changed_at, referral.version = target, now, referral.version + 1
    if action in NEEDS_REASON:
        referral.reason = reason.strip()
    if action in NEEDS_OUTCOME:
        referral.outcome = outcome.strip()
    if action == "accept":
        referral.handled_by = actor
    referral.save()
    case = referral.case
    if action == "accept":
        # From now on the receiving agency sees the case, as far as her consent allows.
        CaseShare.objects.create(
            case=case,
            agency=referral.to_agency,
            source=CaseShare.Source.REFERRAL,
            sections=referral.sections,
            referral_id=referral.pk,
            granted_by=referral.sent_by,
        )
        case_policies.access_changed()
    if not referral.is_open:
        CaseShare.objects.filter(referral_id=referral.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        case_policies.access_changed()
    _event(case, f"referral_{action}", actor, service=referral.service_id, agency_id=referral.to_agency_id)
    audit_record(
        actor=actor, action=f"referral.{action}", obj=referral, case_id=case.pk, detail={"status": target}
    )
    if ACTIONS[action][2] == "receiver":
        notify(
            users=[referral.sent_by, case.assigned_to],
            kind=f"referral_{action}",
            url=_case_url(case),
            params={"number": case.number},
            dedupe_key=f"referral-{action}:{referral.pk}",
        )
    else:
        notify(
            users=[referral.handled_by]
            if referral.handled_by
            else agency_staff(referral.to_agency, CASE_ROLES),
            kind="referral_withdraw",
            url=_referral_url(referral),
            params={"number": case.number},
            dedupe_key=f"referral-withdraw:{referral.pk}",
        )
    return referral


@transaction.atomic
def referral_accept(*, actor: User, referral_id, expected_version: int) -> Referral:
    """The receiving agency takes her on: it now sees the shared parts of her case."""
    return _referral_step(
        actor=actor, referral_id=referral_id, action="accept", expected_version=expected_version
    )


@transaction.atomic
def referral_decline(*, actor: User, referral_id, expected_version: int, reason: str) -> Referral:
    return _referral_step(
        actor=actor,
        referral_id=referral_id,
        action="decline",
        expected_version=expected_version,
        reason=reason,
    )


@transaction.atomic
def referral_start(*, actor: User, referral_id, expected_version: int) -> Referral:
    return _referral_step(
        actor=actor, referral_id=referral_id, action="start", expected_version=expected_version
    )


@transaction.atomic
def referral_complete(*, actor: User, referral_id, expected_version: int, outcome: str) -> Referral:
    return _referral_step(
        actor=actor,
        referral_id=referral_id,
        action="complete",
        expected_version=expected_version,
        outcome=outcome,
    )


@transaction.atomic
def referral_mark_not_attended(*, actor: User, referral_id, expected_version: int) -> Referral:
    return _referral_step(
        actor=actor, referral_id=referral_id, action="not_attended", expected_version=expected_version
    )


@transaction.atomic
def referral_withdraw(*, actor: User, referral_id, expected_version: int, reason: str) -> Referral:
    """The sending agency calls the referral back; the receiver's access ends with it."""
    return _referral_step(
        actor=actor,
        referral_id=referral_id,
        action="withdraw",
        expected_version=expected_version,
        reason=reason,
    )


def referral_step(
    *, actor: User, referral_id, action: str, expected_version: int, reason: str = "", outcome: str = ""
) -> Referral:
    """The referral page's and the API's one "next step" form: the named step for `action`."""
    common = {"actor": actor, "referral_id": referral_id, "expected_version": expected_version}
    if action == "accept":
        return referral_accept(**common)
    if action == "decline":
        return referral_decline(**common, reason=reason)
    if action == "start":
        return referral_start(**common)
    if action == "complete":
        return referral_complete(**common, outcome=outcome)
    if action == "not_attended":
        return referral_mark_not_attended(**common)
    if action == "withdraw":
        return referral_withdraw(**common, reason=reason)
    raise ValidationError({"action": _("Unknown step.")})


def escalate_overdue_referrals(now=None) -> int:
    """Notify the receiving agency's supervisors and the sender of every open referral past its
    due time — once. Safe to run as often as wanted, twice at once, or after a restart: it works
    from the database, not from timers, and each referral is escalated a single time."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        overdue = Referral.objects.filter(
            status__in=list(Referral.OPEN), due_at__lt=now, escalated_at__isnull=True
        )
        if connection.features.has_select_for_update_skip_locked:
            overdue = overdue.select_for_update(skip_locked=True)
        for referral in overdue.select_related("case", "to_agency", "sent_by"):
            supervisors = agency_staff(referral.to_agency, [Role.SUPERVISOR])
            notify(
                users=[*supervisors, referral.sent_by],
                kind="referral_overdue",
                url=_referral_url(referral),
                params={"number": referral.case.number},
                dedupe_key=f"referral-overdue:{referral.pk}",
            )
            Referral.objects.filter(pk=referral.pk).update(escalated_at=now)
            _event(
                referral.case,
                "referral_overdue",
                None,
                service=referral.service_id,
                agency_id=referral.to_agency_id,
            )
            audit_record(actor=None, action="referral.escalate", obj=referral, case_id=referral.case_id)
            count += 1
    return count


# --- Services delivered ------------------------------------------------------------------------------

# Where a service's details are written when several of its sections could hold them: a police
# report is legal before it is about safety, a forensic examination is health before legal.
SECTION_PRECEDENCE = (Section.LEGAL, Section.HEALTH, Section.SAFETY, Section.PSYCHOLOGICAL)


def section_of(service) -> str:
    """The note section a service's details belong to."""
    return next((s for s in SECTION_PRECEDENCE if s in service.shares_sections), Section.GENERAL)


@transaction.atomic
def service_log(*, actor: User, case: Case, service, delivered_on, note: str, referral_id=None):
    section = section_of(service)
    if not policies.can_log_service(actor, case, section):
        raise PermissionDenied
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The date cannot be in the future.")})
    referral = None
    if referral_id is not None:
        referral = Referral.objects.select_for_update().filter(pk=referral_id, case_id=case.pk).first()
        if referral is None or referral.to_agency_id != actor.agency_id or not referral.is_open:
            raise ValidationError({"referral": _("This referral is not open at your agency.")})
        if referral.status == Referral.Status.ACCEPTED:
            _referral_step(
                actor=actor, referral_id=referral.pk, action="start", expected_version=referral.version
            )
    note_obj = (
        case_services.note_add(actor=actor, case=case, section=section, body=note) if note.strip() else None
    )
    delivery = ServiceDelivery.objects.create(
        case=case,
        referral=referral,
        service=service,
        agency_id=case_policies.agency_id_of(actor),
        provider=actor,
        delivered_on=delivered_on,
        note=note_obj,
    )
    _event(case, "service_delivered", actor, section=section, service=service.code)
    audit_record(
        actor=actor, action="service.log", obj=delivery, case_id=case.pk, detail={"service": service.code}
    )
    return delivery


# --- The case plan ------------------------------------------------------------------------------------


def case_plan_qs_select_for_update() -> QuerySet[CasePlan]:
    return CasePlan.objects.select_for_update()


def plan_action_qs_select_for_update() -> QuerySet[PlanAction]:
    return PlanAction.objects.select_for_update(of=("self",)).select_related("plan__case")


def _plan_for_update(actor, case, expected_version: int) -> CasePlan:
    """The case's plan, locked (the case row first), at the version the editor read; version 0
    means "there was no plan yet", and the first change creates it."""
    if not policies.can_edit_plan(actor, case):
        raise PermissionDenied
    locked_case = case_services.case_qs_select_for_update().get(pk=case.pk)
    plan = case_plan_qs_select_for_update().filter(case=locked_case).first()
    if (plan.version if plan else 0) != expected_version:
        raise Conflict
    return plan or CasePlan.objects.create(case=locked_case)


@transaction.atomic
def plan_action_add(
    *, actor: User, case: Case, goal: str, action: str, agency, person, due_on, expected_version: int
):
    plan = _plan_for_update(actor, case, expected_version)
    if person is not None and person.agency_id != agency.pk:
        raise ValidationError({"person": _("The responsible person must work at the responsible agency.")})
    item = PlanAction(
        plan=plan, goal=goal.strip(), action=action.strip(), agency=agency, person=person, due_on=due_on
    )
    item.full_clean(exclude=["plan", "agency", "person"])
    item.save()
    plan.status, plan.version = CasePlan.Status.DRAFT, plan.version + 1  # a changed plan is approved again
    plan.save()
    _event(case, "plan_changed", actor, section="holder")
    audit_record(actor=actor, action="plan.action_add", obj=item, case_id=case.pk)
    return item


@transaction.atomic
def plan_action_set_status(
    *, actor: User, case: Case, action_id, status: str, expected_version: int
) -> PlanAction:
    try:
        item = plan_action_qs_select_for_update().get(pk=action_id, plan__case_id=case.pk)
    except (PlanAction.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    access_ok = policies.can_edit_plan(actor, case) or (
        actor.agency_id == item.agency_id and policies.can_log_service(actor, case, Section.GENERAL)
    )
    if not access_ok:
        raise PermissionDenied
    if status not in PlanAction.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if item.version != expected_version:
        raise Conflict
    item.status, item.version = status, item.version + 1
    item.done_at = timezone.now() if status == PlanAction.Status.DONE else None
    item.save(update_fields=["status", "done_at", "version"])
    _event(case, "plan_action_status", actor, section="holder", action_status=status)
    audit_record(
        actor=actor, action="plan.action_status", obj=item, case_id=case.pk, detail={"status": status}
    )
    return item


@transaction.atomic
def plan_submit(*, actor: User, case: Case, expected_version: int, next_follow_up=None) -> CasePlan:
    plan = _plan_for_update(actor, case, expected_version)
    if not plan.actions.exists():
        raise ValidationError({"plan": _("Add at least one action before asking for approval.")})
    plan.status, plan.version, plan.next_follow_up = (
        CasePlan.Status.SUBMITTED,
        plan.version + 1,
        next_follow_up,
    )
    plan.save()
    _event(case, "plan_submitted", actor, section="holder")
    audit_record(actor=actor, action="plan.submit", obj=plan, case_id=case.pk)
    notify(
        users=agency_staff(case.holding_agency, [Role.SUPERVISOR]),
        kind="plan_submitted",
        url=_case_url(case),
        params={"number": case.number},
        dedupe_key=f"plan-submitted:{case.pk}:{plan.version}",
    )
    return plan


@transaction.atomic
def plan_approve(*, actor: User, case: Case, expected_version: int) -> CasePlan:
    if not policies.can_approve(actor, case):
        raise PermissionDenied
    plan = case_plan_qs_select_for_update().filter(case=case).first()
    if plan is not None and plan.version != expected_version:
        raise Conflict
    if plan is None or plan.status != CasePlan.Status.SUBMITTED:  # no plan yet is nothing to approve
        raise ValidationError({"plan": _("Only a plan waiting for approval can be approved.")})
    plan.status, plan.approved_by, plan.approved_at = CasePlan.Status.APPROVED, actor, timezone.now()
    plan.version += 1
    plan.save()
    _event(case, "plan_approved", actor, section="holder")
    audit_record(actor=actor, action="plan.approve", obj=plan, case_id=case.pk)
    return plan


RETURN_COMMENT_MIN = 10


@transaction.atomic
def plan_return(*, actor: User, case: Case, expected_version: int, comment: str) -> CasePlan:
    """Send a plan waiting for approval back to the caseworker with the supervisor's comments.
    The comments are kept as a general note of the case (encrypted, in its history); the plan is
    a draft again, to be changed and sent once more."""
    if not policies.can_approve(actor, case):
        raise PermissionDenied
    comment = (comment or "").strip()
    if len(comment) < RETURN_COMMENT_MIN:
        raise ValidationError(
            {
                "comment": _("Write what should change (at least %(n)s characters).")
                % {"n": RETURN_COMMENT_MIN}
            }
        )
    plan = case_plan_qs_select_for_update().filter(case=case).first()
    if plan is not None and plan.version != expected_version:
        raise Conflict
    if plan is None or plan.status != CasePlan.Status.SUBMITTED:
        raise ValidationError({"plan": _("Only a plan waiting for approval can be returned.")})
    plan.status, plan.version = CasePlan.Status.DRAFT, plan.version + 1
    plan.save()
    from qorgau.cases.services import note_add

    note_add(
        actor=actor,
        case=case,
        section="general",
        body=_("Case plan returned: %(comment)s") % {"comment": comment},
    )
    _event(case, "plan_returned", actor, section="holder")
    audit_record(actor=actor, action="plan.return", obj=plan, case_id=case.pk)
    if case.assigned_to_id and case.assigned_to_id != actor.pk:
        notify(
            users=[case.assigned_to],
            kind="plan_returned",
            url=_case_url(case),
            params={"number": case.number},
            dedupe_key=f"plan-returned:{case.pk}:{plan.version}",
        )
    return plan


# --- Her own rating of safety and wellbeing ---------------------------------------------------


@transaction.atomic
def wellbeing_record(
    *, actor: User, case: Case, moment: str, safety: int, wellbeing: int, rated_on, scale_max: int
):
    if not (
        policies.can_edit_plan(actor, case) or policies.can_log_service(actor, case, Section.PSYCHOLOGICAL)
    ):
        raise PermissionDenied
    errors = {}
    for field, value in (("safety", safety), ("wellbeing", wellbeing)):
        if not 1 <= value <= scale_max:
            errors[field] = _("Choose a number from 1 to %(max)s.") % {"max": scale_max}
    if rated_on > timezone.localdate():
        errors["rated_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    rating = WellbeingRating.objects.create(
        case=case,
        moment=moment,
        safety=safety,
        wellbeing=wellbeing,
        rated_on=rated_on,
        scale_max=scale_max,
        recorded_by=actor,
    )
    _event(case, "wellbeing_recorded", actor, section=Section.PSYCHOLOGICAL, moment=moment)
    audit_record(actor=actor, action="wellbeing.record", obj=rating, case_id=case.pk)
    return rating
