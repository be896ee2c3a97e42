"""Every write of court-imposed special requirements (особые требования / ерекше талаптар): the
requirement from a court decision, its early end, its breaches, and correction-programme
attendance. Like the order services: policy, validation, write, timeline entry (codes only) and
audit event in one transaction; updates take the version the caller read (`expected_version`).
A breach shares the order's consequences (`services.breach_follow_up`)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import Agency, User
from qorgau.cases.models import Case, Section
from qorgau.cases.policies import agency_of, case_access
from qorgau.cases.services import _event, locked_in_case
from qorgau.core.audit import audit_record
from qorgau.core.errors import Conflict
from qorgau.directory.selectors import agencies_taking_cases
from qorgau.people.models import Person
from qorgau.protection import policies
from qorgau.protection.models import (
    CourtRequirement,
    ProgrammeSession,
    RequirementBreach,
    RequirementCondition,
    RequirementState,
)
from qorgau.protection.services import _lock_case, _moment, _reason, breach_fields, breach_follow_up

# A court decision is not older than this when it is first recorded here (a typing error).
MAX_DECISION_AGE = timedelta(days=3 * 366)
# The requirements come into force when the decision does (after the appeal period), or later.
MAX_START_DELAY = timedelta(days=366)


def requirement_qs_select_for_update() -> QuerySet[CourtRequirement]:
    return CourtRequirement.objects.select_for_update(of=("self",))


def last_day(starts_on, months: int):
    """The last day the requirements bind: `months` calendar months from the first, less a day."""
    return starts_on + relativedelta(months=months) - timedelta(days=1)


def _perpetrator(case: Case, person_id) -> Person:
    try:
        return Person.objects.get(pk=person_id, case=case, role=Person.Role.PERPETRATOR)
    except (Person.DoesNotExist, ValueError, TypeError, ValidationError):
        raise ValidationError(
            {
                "person": _(
                    "Choose a perpetrator of this case: the requirements bind only a perpetrator named in it."
                )
            }
        ) from None


def _months(months) -> int:
    low, high = settings.QORGAU_REQUIREMENT_MIN_MONTHS, settings.QORGAU_REQUIREMENT_MAX_MONTHS
    if not isinstance(months, int) or isinstance(months, bool) or not low <= months <= high:
        raise ValidationError(
            {"months": _("The period must be from %(min)s to %(max)s months.") % {"min": low, "max": high}}
        )
    return months


def _dates(decision_on, starts_on, today) -> tuple:
    if decision_on is None:
        raise ValidationError({"decision_on": _("Give the date of the court decision.")})
    if decision_on > today:
        raise ValidationError({"decision_on": _("A decision date cannot be in the future.")})
    if decision_on < today - MAX_DECISION_AGE:
        raise ValidationError({"decision_on": _("Give the date of the court decision.")})
    starts_on = starts_on or decision_on
    if starts_on < decision_on:
        raise ValidationError(
            {"starts_on": _("Requirements cannot be in force before the court decided them.")}
        )
    if starts_on > decision_on + MAX_START_DELAY:
        raise ValidationError(
            {"starts_on": _("Requirements must come into force within a year of the decision.")}
        )
    return decision_on, starts_on


def _conditions(conditions, text) -> tuple[list, str]:
    if isinstance(conditions, str) or not isinstance(conditions, list | tuple):
        raise ValidationError({"conditions": _("Choose the conditions from the list.")})
    conditions = list(dict.fromkeys(conditions))
    if any(c not in RequirementCondition.values for c in conditions):
        raise ValidationError({"conditions": _("Choose the conditions from the list.")})
    text = (text or "").strip()
    if not conditions and not text:
        raise ValidationError({"conditions": _("Choose at least one condition, or write one.")})
    return conditions, text


def _agency(agency, field: str, *, police: bool) -> Agency:
    """An agency the picker offers: one that takes cases (a police agency to monitor)."""
    agency_id = getattr(agency, "pk", agency)
    try:
        found = agencies_taking_cases().get(pk=agency_id)
    except (Agency.DoesNotExist, ValueError, TypeError):
        found = None
    if found is None or (police and found.kind != Agency.Kind.POLICE):
        message = (
            _("Choose the police agency that monitors the requirements.")
            if police
            else _("Choose the agency that runs the correction programme.")
        )
        raise ValidationError({field: message})
    return found


@transaction.atomic
def requirement_create(
    *,
    actor: User,
    case: Case,
    person_id,
    court: str,
    decision_on,
    months,
    conditions,
    monitoring_agency,
    conditions_text: str = "",
    starts_on=None,
    programme_agency=None,
) -> CourtRequirement:
    """A lawyer, prosecutor or police officer working on the case records the requirements a
    court set on a perpetrator of the case."""
    access = case_access(actor, case)
    if not policies.sees_requirements(access):
        raise Http404
    if not policies.can_record_requirement(actor, case, access):
        raise PermissionDenied
    case = _lock_case(case)
    today = timezone.localdate()
    person = _perpetrator(case, person_id)
    court = (court or "").strip()
    if not court:
        raise ValidationError({"court": _("Name the court.")})
    decision_on, starts_on = _dates(decision_on, starts_on, today)
    months = _months(months)
    conditions, text = _conditions(conditions, conditions_text)
    monitoring = _agency(monitoring_agency, "monitoring_agency", police=True)
    programme = None
    if RequirementCondition.PROGRAMME in conditions:
        if programme_agency in (None, ""):
            raise ValidationError(
                {"programme_agency": _("Choose the agency that runs the correction programme.")}
            )
        programme = _agency(programme_agency, "programme_agency", police=False)
    elif programme_agency not in (None, ""):
        raise ValidationError(
            {"programme_agency": _("A programme agency is chosen only with the correction programme.")}
        )
    requirement = CourtRequirement.objects.create(
        case=case,
        person=person,
        court=court,
        decision_on=decision_on,
        starts_on=starts_on,
        months=months,
        ends_on=last_day(starts_on, months),
        conditions=conditions,
        conditions_text=text,
        monitoring_agency=monitoring,
        programme_agency=programme,
        agency=agency_of(actor),
        created_by=actor,
    )
    _event(case, "court_requirement_recorded", actor, section=Section.SAFETY, months=months)
    audit_record(
        actor=actor,
        action="court_requirement.create",
        obj=requirement,
        case_id=case.pk,
        detail={"conditions": conditions, "months": months, "programme": programme is not None},
    )
    return requirement


def _locked_requirement(actor: User, case: Case, requirement_id, expected_version=None, *, may=None):
    access = case_access(actor, case)
    if not policies.sees_requirements(access):
        raise Http404
    case = _lock_case(case)
    requirement = locked_in_case(requirement_qs_select_for_update(), case, requirement_id)
    if not (may or policies.can_record_requirement)(actor, case, access):
        raise PermissionDenied
    if expected_version is not None and requirement.version != expected_version:
        raise Conflict
    return requirement


@transaction.atomic
def requirement_end(
    *, actor: User, case: Case, requirement_id, expected_version: int, ended_on, reason: str
) -> CourtRequirement:
    """A later court decision lifts the requirements before their last day."""
    requirement = _locked_requirement(actor, case, requirement_id, expected_version)
    today = timezone.localdate()
    if requirement.state_at(today) in (RequirementState.ENDED, RequirementState.ENDED_EARLY):
        raise ValidationError(_("These requirements are no longer in force."))
    if ended_on is None or ended_on > today:
        raise ValidationError({"ended_on": _("A decision date cannot be in the future.")})
    if ended_on < requirement.decision_on:
        raise ValidationError({"ended_on": _("Requirements cannot end before the court decided them.")})
    requirement.ended_on = max(ended_on, requirement.starts_on)
    requirement.end_reason = _reason(reason)
    requirement.version += 1
    requirement.save()
    _event(requirement.case, "court_requirement_ended", actor, section=Section.SAFETY)
    audit_record(actor=actor, action="court_requirement.end", obj=requirement, case_id=requirement.case_id)
    return requirement


@transaction.atomic
def requirement_breach_record(
    *,
    actor: User,
    case: Case,
    requirement_id,
    occurred_at,
    description: str,
    reported_by: str,
    evidence_reference: str = "",
) -> RequirementBreach:
    """A breach of requirements in force: as for an order, the risk re-assessment is due now, the
    monitoring police and the caseworker are told, and the conference proposal counts it."""
    requirement = _locked_requirement(actor, case, requirement_id, may=policies.can_record_requirement_breach)
    case = requirement.case
    occurred_at = _moment(occurred_at, "occurred_at", now=timezone.now())
    if not requirement.in_force_on(timezone.localdate(occurred_at)):
        raise ValidationError(
            {"occurred_at": _("The requirements were not in force at that time (not yet, ended or lifted).")}
        )
    fields = breach_fields(
        actor, occurred_at=occurred_at, description=description, reported_by=reported_by,
        evidence_reference=evidence_reference,
    )  # fmt: skip
    breach = RequirementBreach.objects.create(requirement=requirement, case=case, **fields)
    requirement.version += 1
    requirement.save(update_fields=["version"])
    _event(case, "court_requirement_breached", actor, section=Section.SAFETY, reported_by=reported_by)
    audit_record(
        actor=actor,
        action="requirement_breach.create",
        obj=breach,
        case_id=case.pk,
        detail={"requirement": str(requirement.pk), "reported_by": reported_by},
    )
    breach_follow_up(
        actor=actor,
        case=case,
        police_agency_id=requirement.monitoring_agency_id,
        reason="requirement_breached",
        kind="protection_requirement_breached",
        params={"court": requirement.court},
        dedupe_key=f"requirement-breach:{breach.pk}",
    )
    return breach


# --- Correction-programme attendance (the agency that runs it; it never opens the case) ------------


@transaction.atomic
def programme_attendance_record(
    *, actor: User, requirement_id, expected_version: int, kind: str, on
) -> ProgrammeSession:
    """The programme agency records a session attended or missed, or the programme completed.
    Only on a requirement whose programme it was given; 404 for anyone else alike."""
    try:
        requirement = requirement_qs_select_for_update().select_related("case").get(pk=requirement_id)
    except (CourtRequirement.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if not policies.runs_programme(actor, requirement):
        raise Http404
    if requirement.version != expected_version:
        raise Conflict
    if kind not in ProgrammeSession.Kind.values:
        raise ValidationError({"kind": _("Choose attended, missed or completed.")})
    if requirement.programme_completed_on is not None:
        raise ValidationError(_("The programme has been completed: nothing more is recorded."))
    today = timezone.localdate()
    if on is None or on > today:
        raise ValidationError({"on": _("This date is in the future.")})
    if on < requirement.starts_on:
        raise ValidationError({"on": _("The requirements were not yet in force on that day.")})
    if not requirement.in_force_on(on):
        raise ValidationError({"on": _("The requirements were no longer in force on that day.")})
    session = ProgrammeSession.objects.create(
        requirement=requirement, kind=kind, on=on, recorded_by=actor, agency=agency_of(actor)
    )
    if kind == ProgrammeSession.Kind.COMPLETED:
        requirement.programme_completed_on = on
    requirement.version += 1
    requirement.save()
    _event(requirement.case, "programme_attendance", actor, section=Section.SAFETY, programme_kind=kind)
    audit_record(
        actor=actor,
        action="programme_attendance.create",
        obj=session,
        case_id=requirement.case_id,
        detail={"requirement": str(requirement.pk), "kind": kind},
    )
    return session
