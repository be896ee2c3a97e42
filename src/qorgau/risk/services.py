"""Every write of risk work: assessments, the safety plan, conference referrals and the conference
itself. Each function checks the policy, writes, adds the case timeline entry (codes only) and the
audit event in one transaction. Callers pass form-validated data."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgau.accounts.models import User
from qorgau.accounts.roles import Role
from qorgau.cases.models import Case
from qorgau.cases.policies import agency_id_of, agency_of
from qorgau.cases.services import _event, case_qs_select_for_update
from qorgau.core.audit import audit_record
from qorgau.core.errors import Conflict
from qorgau.notifications.services import notify
from qorgau.risk import policies, selectors
from qorgau.risk.engine import evaluate
from qorgau.risk.levels import RiskLevel
from qorgau.risk.loader import InstrumentError, get_instrument
from qorgau.risk.models import (
    Assessment,
    AssessmentDraft,
    Conference,
    ConferenceAction,
    ConferenceReferral,
    Contribution,
    SafetyPlan,
)
from qorgau.risk.safety_plan import SafetyPlan as PlanDocument

SAFETY = policies.SECTION
PLAN_CONFLICT = gettext_lazy(
    "Someone else saved this safety plan while you were editing it. Nothing was overwritten: your "
    "text is still in the form, and the plan as saved now is shown beside it. Compare them, then save again."
)
TEXT_CONFLICT = gettext_lazy(
    "Someone else saved this text while you were editing it. Nothing was overwritten: your text is "
    "still in the form. Compare it with the saved text shown here, then save again."
)
MIN_REASON = 20


def _lock(case: Case) -> Case:
    """Serialise writes to one case's risk data (the current assessment, the plan's version)."""
    return case_qs_select_for_update().get(pk=case.pk)


def conference_qs_select_for_update() -> QuerySet[Conference]:
    return Conference.objects.select_for_update()


def conference_referral_qs_select_for_update() -> QuerySet[ConferenceReferral]:
    return ConferenceReferral.objects.select_for_update(of=("self",)).select_related("case", "conference")


def conference_action_qs_select_for_update() -> QuerySet[ConferenceAction]:
    return ConferenceAction.objects.select_for_update(of=("self",)).select_related(
        "referral__case", "referral__conference", "owner_agency"
    )


def _not_closed(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("This case is closed. Reopen it to change its risk work."))


# --- Assessments -----------------------------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *,
    actor: User,
    case: Case,
    instrument_id: str,
    answers: dict,
    judgement_level=None,
    judgement_reason: str = "",
    words: dict | None = None,
) -> Assessment:
    """Evaluate the answers with the newest version of the instrument and keep the assessment,
    pinned to that version. Raises ValidationError keyed instrument/answers/judgement_level/
    judgement_reason; the engine refuses a judgement that does not raise the level."""
    if not policies.can_assess(actor, case):
        raise PermissionDenied
    _not_closed(case)
    try:
        instrument = get_instrument(instrument_id)
    except InstrumentError:
        raise ValidationError({"instrument": _("Choose one of the risk instruments.")}) from None
    result = evaluate(instrument, answers, judgement_level=judgement_level, judgement_reason=judgement_reason)
    locked = _lock(case)
    Assessment.objects.filter(case=locked, is_current=True).update(is_current=False)
    assessment = Assessment(  # type: ignore[misc]  # answers: an EncryptedField(kind="json") holds a dict
        case=locked,
        instrument_id=instrument.id,
        version=instrument.version,
        digest=instrument.digest,
        answers={item.id: str(answers[item.id]) for item in instrument.items},
        words={
            item.id: said.strip()[:WORDS_MAX_LENGTH]
            for item in instrument.items
            if (said := str((words or {}).get(item.id) or "")).strip()
        },
        judgement_level=result.judgement_level,
        judgement_reason=result.judgement_reason,
        level=result.level,
        actuarial_level=result.actuarial_level,
        score=result.score,
        unknown_count=result.unknown_count,
        too_many_unknown=result.too_many_unknown,
        assessed_by=actor,
        agency_id=actor.agency_id,
    )
    assessment.save()
    AssessmentDraft.objects.filter(case=locked, owner=actor).delete()  # the draft became this
    _event(locked, "risk_assessed", actor, section=SAFETY, level=result.level.key)
    audit_record(
        actor=actor,
        action="assessment.create",
        obj=assessment,
        case_id=locked.pk,
        detail={
            "instrument": instrument.id,
            "version": instrument.version,
            "level": result.level.key,
            "actuarial_level": result.actuarial_level.key,
            "judgement": result.raised_by_judgement,
        },
    )
    return assessment


WORDS_MAX_LENGTH = 2000


@transaction.atomic
def assessment_draft_save(*, actor: User, case: Case, instrument_id: str, data: dict) -> AssessmentDraft:
    """Keep an unfinished assessment (answers and her words as typed, encrypted) to resume later.
    Only the instrument's own fields are kept; one draft a worker per case."""
    if not policies.can_assess(actor, case):
        raise PermissionDenied
    _not_closed(case)
    try:
        instrument = get_instrument(instrument_id)
    except InstrumentError:
        raise ValidationError({"instrument": _("Choose one of the risk instruments.")}) from None
    allowed = {f"a_{i.id}" for i in instrument.items} | {f"w_{i.id}" for i in instrument.items}
    allowed |= {"judgement_level", "judgement_reason"}
    kept = {k: str(v)[:WORDS_MAX_LENGTH] for k, v in data.items() if k in allowed and str(v).strip()}
    draft, _created = AssessmentDraft.objects.select_for_update().get_or_create(
        case=case, owner=actor, defaults={"instrument_id": instrument.id, "data": kept}
    )
    draft.instrument_id, draft.data = instrument.id, kept
    draft.save()
    audit_record(
        actor=actor,
        action="assessment_draft.save",
        obj=draft,
        case_id=case.pk,
        detail={"instrument": instrument.id, "answered": sum(1 for k in kept if k.startswith("a_"))},
    )
    return draft


@transaction.atomic
def assessment_drafts_purge(*, now=None) -> int:
    """Erase drafts not saved again for QORGAU_RISK_DRAFT_DAYS: a draft is never an assessment (no
    level, no due date, no statistics), only her words waiting, and an abandoned one must not keep
    them. Idempotent: a second run finds nothing."""
    limit = (now or timezone.now()) - timedelta(days=settings.QORGAU_RISK_DRAFT_DAYS)
    count, _by_model = AssessmentDraft.objects.filter(updated_at__lt=limit).delete()
    if count:
        audit_record(
            actor=None,
            action="assessment_draft.purge",
            object_type="risk.assessmentdraft",
            detail={"count": count, "days": settings.QORGAU_RISK_DRAFT_DAYS},
        )
    return count


# --- Safety plan -----------------------------------------------------------------------------------


@transaction.atomic
def safety_plan_save(*, actor: User, case: Case, expected_version: int, plan: PlanDocument) -> SafetyPlan:
    """Save the plan if nobody saved it since the version the editor started from (0: no plan
    yet); otherwise raise Conflict and change nothing."""
    if not policies.can_edit_safety_plan(actor, case):
        raise PermissionDenied
    locked = _lock(case)
    row = SafetyPlan.objects.filter(case=locked).first()
    if (row.version if row else 0) != expected_version:
        raise Conflict(PLAN_CONFLICT)
    if row is None:
        row = SafetyPlan(case=locked, version=1, updated_by=actor, agency_id=agency_id_of(actor))
    else:
        row.version += 1
    row.content = plan.to_dict()
    row.updated_at, row.updated_by, row.agency_id = timezone.now(), actor, agency_id_of(actor)
    row.save()
    _event(locked, "safety_plan_saved", actor, section=SAFETY)
    audit_record(
        actor=actor, action="safety_plan.update", obj=row, case_id=locked.pk, detail={"version": row.version}
    )
    return row


# --- Referral to the conference --------------------------------------------------------------------


def _coordinators(region_id) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, agency__region_id=region_id, role_links__role=Role.CONFERENCE_COORDINATOR
        ).distinct()
    )


@transaction.atomic
def conference_refer(*, actor: User, case: Case, basis: str, reason: str = "") -> ConferenceReferral:
    """Refer the case to its region's risk conference. Only while a criterion holds (the
    referral keeps which) and the case is not already waiting or listed."""
    if basis not in ConferenceReferral.Basis.values:
        raise ValidationError({"basis": _("Choose on what basis the case is referred.")})
    if not policies.can_refer(actor, case, basis):
        raise PermissionDenied
    locked = _lock(case)
    _not_closed(locked)
    proposal = selectors.proposal_for(locked)
    if proposal.open_referral is not None:
        raise ValidationError(_("This case is already waiting for a risk conference or on its agenda."))
    if not proposal.check.refer:
        raise ValidationError(
            _(
                "No referral criterion holds for this case. Record an assessment first; "
                "professional judgement that raises the level to high is a criterion."
            )
        )
    reason = reason.strip()
    if basis == ConferenceReferral.Basis.RISK_TO_LIFE and len(reason) < MIN_REASON:
        raise ValidationError({"reason": _("Explain why her life is at risk (at least 20 characters).")})
    referral = ConferenceReferral(
        case=locked,
        region_id=locked.holding_agency.region_id,
        criteria=selectors.criteria_codes(proposal.check),
        level=selectors.current_level(locked),
        basis=basis,
        basis_reason=reason if basis == ConferenceReferral.Basis.RISK_TO_LIFE else "",
        referred_by=actor,
        agency_id=agency_id_of(actor),
    )
    referral.save()
    codes = list(proposal.check.codes)
    _event(locked, "conference_referred", actor, section=SAFETY)
    audit_record(
        actor=actor,
        action="conference_referral.create",
        obj=referral,
        case_id=locked.pk,
        detail={"criteria": codes, "basis": basis},
    )
    notify(
        users=_coordinators(referral.region_id),
        kind="risk_referral_waiting",
        url="/risk/conferences/",
        params={"number": locked.number},
        dedupe_key=f"risk-referral:{referral.pk}",
    )
    return referral


# --- Conferences -----------------------------------------------------------------------------------


def _check_agencies(agencies, region_id) -> list:
    agencies = list(agencies)
    if not agencies:
        raise ValidationError({"agencies": _("Choose the agencies that take part.")})
    if any(a.region_id != region_id or not a.is_active for a in agencies):
        raise ValidationError({"agencies": _("Choose active agencies of the conference's region.")})
    return agencies


@transaction.atomic
def conference_create(*, actor: User, scheduled_for, place: str, agencies) -> Conference:
    if not policies.is_coordinator(actor):
        raise PermissionDenied
    region_id = agency_of(actor).region_id
    if scheduled_for < timezone.now():
        raise ValidationError({"scheduled_for": _("Choose a date and time in the future.")})
    agencies = _check_agencies(agencies, region_id)
    conference = Conference.objects.create(
        region_id=region_id, scheduled_for=scheduled_for, place=place.strip(), created_by=actor
    )
    conference.agencies.set(agencies)
    setattr(conference, "agency_ids", [a.pk for a in agencies])  # noqa: B010
    audit_record(
        actor=actor,
        action="conference.create",
        obj=conference,
        detail={"agencies": sorted(a.pk for a in agencies)},
    )
    return conference


@transaction.atomic
def conference_update(
    *, actor: User, conference: Conference, expected_version: int, scheduled_for, place: str, agencies
) -> Conference:
    locked = conference_qs_select_for_update().get(pk=conference.pk)
    if not policies.can_manage_conference(actor, locked):
        raise PermissionDenied
    if locked.version != expected_version:
        raise Conflict
    agencies = _check_agencies(agencies, locked.region_id)
    listed = set(locked.referrals.exclude(status="withdrawn").values_list("agency_id", flat=True))
    if listed - {a.pk for a in agencies}:
        raise ValidationError({"agencies": _("The agencies that referred the listed cases take part.")})
    locked.scheduled_for, locked.place = scheduled_for, place.strip()
    locked.version += 1
    locked.save()
    locked.agencies.set(agencies)
    audit_record(
        actor=actor,
        action="conference.update",
        obj=locked,
        detail={"agencies": sorted(a.pk for a in agencies)},
    )
    return locked


@transaction.atomic
def conference_mark_held(*, actor: User, conference: Conference) -> Conference:
    """The meeting took place: its listed cases are heard and move to follow-up."""
    locked = conference_qs_select_for_update().get(pk=conference.pk)
    if not policies.can_manage_conference(actor, locked):
        raise PermissionDenied
    if locked.status == Conference.Status.HELD:
        return locked
    if locked.scheduled_for > timezone.now() + timedelta(hours=12):
        raise ValidationError(_("This conference has not taken place yet."))
    locked.status, locked.version = Conference.Status.HELD, locked.version + 1
    locked.save(update_fields=["status", "version"])
    for referral in locked.referrals.filter(status=ConferenceReferral.Status.LISTED).select_related("case"):
        referral.status, referral.version = ConferenceReferral.Status.HEARD, referral.version + 1
        referral.save(update_fields=["status", "version"])
        _event(referral.case, "conference_heard", actor, section=SAFETY)
    audit_record(actor=actor, action="conference.held", obj=locked)
    return locked


@transaction.atomic
def agenda_add(*, actor: User, conference: Conference, referral_id) -> ConferenceReferral:
    """Put a waiting case on the conference's agenda; its referring agency takes part. A referral
    of another region is as unknown to this coordinator as a random id (404)."""
    conference = conference_qs_select_for_update().get(pk=conference.pk)
    if not policies.can_manage_conference(actor, conference):
        raise PermissionDenied
    try:
        referral = conference_referral_qs_select_for_update().get(
            pk=referral_id, region_id=conference.region_id
        )
    except (ConferenceReferral.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if referral.status != ConferenceReferral.Status.WAITING:
        raise ValidationError({"referral": _("This case is not waiting for a conference.")})
    if conference.status != Conference.Status.SCHEDULED:
        raise ValidationError({"referral": _("This conference was already held.")})
    referral.conference, referral.status = conference, ConferenceReferral.Status.LISTED
    referral.listed_at, referral.version = timezone.now(), referral.version + 1
    referral.save(update_fields=["conference", "status", "listed_at", "version"])
    conference.agencies.add(referral.agency_id)
    day = timezone.localdate(conference.scheduled_for).isoformat()
    _event(referral.case, "conference_listed", actor, section=SAFETY, date=day)
    audit_record(
        actor=actor,
        action="conference.agenda_add",
        obj=referral,
        case_id=referral.case_id,
        detail={"conference": str(conference.pk)},
    )
    notify(
        users=[referral.referred_by, referral.case.assigned_to],
        kind="risk_conference_listed",
        url=f"/cases/{referral.case_id}/",
        params={"number": referral.case.number, "date": day},
        dedupe_key=f"risk-listed:{referral.pk}:{conference.pk}",
    )
    return referral


@transaction.atomic
def contribution_add(*, actor: User, referral: ConferenceReferral, body: str) -> Contribution:
    """What the actor's agency knows, shared with this conference's participants for this case
    only: a sharing decision, recorded with the agencies it reaches."""
    referral = ConferenceReferral.objects.select_related("case", "conference").get(pk=referral.pk)
    agency_ids = (
        sorted(referral.conference.agencies.values_list("pk", flat=True)) if referral.conference else []
    )
    if not policies.can_contribute(actor, referral, set(agency_ids)):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write what your agency knows.")})
    contribution = Contribution(referral=referral, agency_id=agency_id_of(actor), author=actor, body=body)
    contribution.full_clean(exclude=["referral", "agency", "author"])
    contribution.save()
    _event(referral.case, "conference_shared", actor, section="holder", agency_id=actor.agency_id)
    audit_record(
        actor=actor,
        action="conference.share",
        obj=contribution,
        case_id=referral.case_id,
        detail={"conference": str(referral.conference_id), "shared_with": agency_ids},
    )
    return contribution


def _listed(referral: ConferenceReferral) -> None:
    if referral.conference_id is None or referral.status == ConferenceReferral.Status.WITHDRAWN:
        raise ValidationError(_("This case is not on a conference's agenda."))


@transaction.atomic
def action_add(
    *, actor: User, referral: ConferenceReferral, description: str, owner_agency, due_on
) -> ConferenceAction:
    referral = ConferenceReferral.objects.select_related("case", "conference").get(pk=referral.pk)
    _listed(referral)
    conference = referral.conference
    assert conference is not None  # _listed said so
    if not policies.can_manage_conference(actor, conference):
        raise PermissionDenied
    if not conference.agencies.filter(pk=owner_agency.pk).exists():
        raise ValidationError({"owner_agency": _("Choose one of the participating agencies.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    action = ConferenceAction(
        referral=referral,
        description=description.strip(),
        owner_agency=owner_agency,
        due_on=due_on,
        created_by=actor,
    )
    action.full_clean(exclude=["referral", "owner_agency", "created_by"])
    action.save()
    _event(referral.case, "conference_action_added", actor, section=SAFETY, agency_id=owner_agency.pk)
    audit_record(
        actor=actor,
        action="conference_action.create",
        obj=action,
        case_id=referral.case_id,
        detail={"owner_agency": owner_agency.pk, "due_on": due_on.isoformat()},
    )
    owners = User.objects.filter(
        agency=owner_agency, is_active=True, role_links__role=Role.SUPERVISOR
    ).distinct()
    notify(
        users=list(owners),
        kind="risk_conference_action",
        url=reverse("risk:agenda_item", args=[referral.pk]),
        params={"number": referral.case.number, "date": due_on.isoformat()},
        dedupe_key=f"conf-action:{action.pk}",
    )
    return action


@transaction.atomic
def action_update(
    *, actor: User, referral_id, action_id, status: str, expected_version: int
) -> ConferenceAction:
    """One action of one agenda case (404 for an action of another case)."""
    try:
        locked = conference_action_qs_select_for_update().get(pk=action_id, referral_id=referral_id)
    except (ConferenceAction.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if not policies.can_update_action(actor, locked, locked.referral.conference):
        raise PermissionDenied
    if locked.version != expected_version:
        raise Conflict
    if status not in ConferenceAction.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    if status == locked.status:
        return locked
    locked.status, locked.version = status, locked.version + 1
    locked.done_at = timezone.now() if status == ConferenceAction.Status.DONE else None
    locked.save(update_fields=["status", "version", "done_at"])
    if status == ConferenceAction.Status.DONE:
        _event(
            locked.referral.case,
            "conference_action_done",
            actor,
            section=SAFETY,
            agency_id=locked.owner_agency_id,
        )
    audit_record(
        actor=actor,
        action="conference_action.update",
        obj=locked,
        case_id=locked.referral.case_id,
        detail={"status": status},
    )
    return locked


def _text_update(*, actor: User, referral, field: str, text: str, expected_version: int, allowed, kind: str):
    locked = conference_referral_qs_select_for_update().get(pk=referral.pk)
    if not allowed(locked):
        raise PermissionDenied
    if locked.status == ConferenceReferral.Status.WITHDRAWN:
        raise ValidationError(_("This referral was withdrawn."))
    if locked.version != expected_version:
        raise Conflict(TEXT_CONFLICT)
    setattr(locked, field, text.strip())
    setattr(locked, f"{field}_at", timezone.now())
    locked.version += 1
    fields = [field, f"{field}_at", "version"]
    if field == "survivor_view":
        locked.survivor_view_by = actor
        fields.append("survivor_view_by")
    locked.full_clean(exclude=["case", "region", "conference", "referred_by", "agency", "survivor_view_by"])
    locked.save(update_fields=fields)
    _event(locked.case, kind, actor, section=SAFETY)
    audit_record(actor=actor, action=f"conference.{field}", obj=locked, case_id=locked.case_id)
    return locked


def survivor_view_record(*, actor: User, referral: ConferenceReferral, text: str, expected_version: int):
    """Her view of the risk and of what should happen, as her advocate recorded it with her."""
    with transaction.atomic():
        return _text_update(
            actor=actor,
            referral=referral,
            field="survivor_view",
            text=text,
            expected_version=expected_version,
            kind="survivor_view_recorded",
            allowed=lambda r: policies.can_record_survivor_view(actor, r),
        )


def minutes_save(*, actor: User, referral: ConferenceReferral, text: str, expected_version: int):
    with transaction.atomic():
        return _text_update(
            actor=actor,
            referral=referral,
            field="minutes",
            text=text,
            expected_version=expected_version,
            kind="conference_minutes",
            allowed=lambda r: (
                r.conference_id is not None and policies.can_manage_conference(actor, r.conference)
            ),
        )


def reassessment_bring_forward(*, case: Case, at, reason: str) -> bool:
    """Make the case's next re-assessment due at `at` (a breach of a protective order: the risk
    has changed). Called inside the caller's transaction, after its own policy check; the overdue
    job tells the caseworker again. False when the case has no assessment yet (it is already
    "not assessed" on every list)."""
    changed = Assessment.objects.filter(case=case, is_current=True).update(
        reassess_by=at, overdue_notified_at=None
    )
    if changed:
        audit_record(
            actor=None,
            action="assessment.bring_forward",
            object_type="risk.assessment",
            case_id=case.pk,
            detail={"reason": reason},
        )
    return bool(changed)


# --- The overdue job -------------------------------------------------------------------------------


def reassessments_overdue_notify(*, now=None, batch: int = 500) -> int:
    """Tell each caseworker once per overdue assessment (no caseworker: the holding agency's
    supervisors). Safe to run twice or after a restart: rows already notified are skipped, and
    the notification's dedupe key stops a second worker racing this one."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            due = list(
                Assessment.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(is_current=True, overdue_notified_at__isnull=True)
                .exclude(case__status=Case.Status.CLOSED)
                .filter(selectors.due_q(now))
                .select_related("case", "case__assigned_to")
                .order_by("assessed_at")[:batch]
            )
            if not due:
                break
            for assessment in due:
                case = assessment.case
                users = (
                    [case.assigned_to]
                    if case.assigned_to and case.assigned_to.is_active
                    else _supervisors(case.holding_agency_id)
                )
                sent += len(
                    notify(
                        users=users,
                        kind="risk_reassessment_overdue",
                        url=f"/cases/{case.pk}/",
                        params={"number": case.number, "level": RiskLevel(assessment.level).key},
                        dedupe_key=f"risk-overdue:{assessment.pk}",
                    )
                )
            Assessment.objects.filter(pk__in=[a.pk for a in due]).update(overdue_notified_at=now)
            audit_record(
                actor=None,
                action="assessment.overdue_notify",
                object_type="risk.assessment",
                detail={"assessments": len(due)},
            )
    return sent


def _supervisors(agency_id) -> list[User]:
    return list(
        User.objects.filter(is_active=True, agency_id=agency_id, role_links__role=Role.SUPERVISOR).distinct()
    )
