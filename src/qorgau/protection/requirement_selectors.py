"""Every read of court-imposed special requirements. Case-scoped reads go through
`protection.selectors.protection_case` (the case policy plus its audit) and then this app's policy;
the case page's part is built from the CaseDetail `case_detail` already audited. The programme
agency reads only the programme part (`ProgrammeView`), audited on the case it belongs to, and
never the case itself."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from qorgau.accounts.models import User
from qorgau.cases.models import Case
from qorgau.cases.policies import CaseAccess
from qorgau.core.audit import audit_record, audit_record_many
from qorgau.protection import policies
from qorgau.protection.models import (
    CourtRequirement,
    ProgrammeSession,
    RequirementCondition,
    RequirementState,
)
from qorgau.protection.selectors import ViolationView, protection_case


@dataclass
class SessionView:
    kind: str
    kind_label: str
    on: date
    agency: str


@dataclass
class ProgrammeSummary:
    agency: str
    attended: int
    missed: int
    completed_on: date | None
    sessions: list[SessionView] = field(default_factory=list)


def _programme(requirement: CourtRequirement, sessions) -> ProgrammeSummary | None:
    if requirement.programme_agency_id is None:
        return None
    views = [SessionView(s.kind, s.get_kind_display(), s.on, s.agency.name) for s in sessions]
    return ProgrammeSummary(
        agency=requirement.programme_agency.name,
        attended=sum(1 for s in views if s.kind == ProgrammeSession.Kind.ATTENDED),
        missed=sum(1 for s in views if s.kind == ProgrammeSession.Kind.MISSED),
        completed_on=requirement.programme_completed_on,
        sessions=views,
    )


@dataclass
class RequirementView:
    id: object
    case_id: object
    court: str
    decision_on: date
    starts_on: date
    months: int
    ends_on: date
    state: RequirementState
    conditions: list[str]
    condition_labels: list[str]
    conditions_text: str
    monitoring_agency: str
    ended_on: date | None
    end_reason: str
    person_id: object | None  # None: the viewer does not see the legal section
    person_name: str | None
    version: int
    programme: ProgrammeSummary | None
    breaches: list[ViolationView] = field(default_factory=list)
    may_record: bool = False
    may_record_breach: bool = False

    @property
    def state_label(self) -> str:
        return str(self.state.label)

    @property
    def live(self) -> bool:
        return self.state not in (RequirementState.ENDED, RequirementState.ENDED_EARLY)


def _view(actor, r: CourtRequirement, access: CaseAccess, *, details: bool = True) -> RequirementView:
    names = dict(RequirementCondition.choices)
    named = policies.sees_bound_person(access)
    sessions = list(r.sessions.select_related("agency")) if r.programme_agency_id else []
    view = RequirementView(
        id=r.pk,
        case_id=r.case_id,
        court=r.court,
        decision_on=r.decision_on,
        starts_on=r.starts_on,
        months=r.months,
        ends_on=r.ends_on,
        state=r.state_at(),
        conditions=list(r.conditions),
        condition_labels=[str(names.get(c, c)) for c in r.conditions],
        conditions_text=r.conditions_text or "",
        monitoring_agency=r.monitoring_agency.name,
        ended_on=r.ended_on,
        end_reason=r.end_reason or "",
        person_id=r.person_id if named else None,
        person_name=(r.person.full_name or "—") if named else None,
        version=r.version,
        programme=_programme(r, sessions),
        may_record=policies.can_record_requirement(actor, r.case, access),
        may_record_breach=policies.can_record_requirement_breach(actor, r.case, access),
    )
    if details:
        view.breaches = [
            ViolationView(
                b.pk,
                b.occurred_at,
                b.description or "",
                b.reported_by,
                b.get_reported_by_display(),
                b.evidence_reference or "",
                b.recorded_at,
                b.recorded_by.display_name,
                b.agency.name,
            )
            for b in r.breaches.select_related("recorded_by", "agency")
        ]
    return view


def _requirements(case: Case):
    return CourtRequirement.objects.filter(case=case).select_related(
        "case", "person", "monitoring_agency", "programme_agency"
    )


@dataclass
class CaseRequirements:
    requirements: list[RequirementView]
    may_record: bool


def case_requirements_get(*, actor: User, case: Case, access: CaseAccess) -> CaseRequirements | None:
    """The case page's part (the caller read the case through `case_detail`, audited)."""
    if not policies.sees_requirements(access):
        return None
    return CaseRequirements(
        [_view(actor, r, access, details=False) for r in _requirements(case)],
        policies.can_record_requirement(actor, case, access),
    )


def requirement_list(*, actor: User, case_id) -> tuple[Case, CaseAccess, list[RequirementView]]:
    case, access = protection_case(actor, case_id, "requirements")
    return case, access, [_view(actor, r, access, details=False) for r in _requirements(case)]


def requirement_get(*, actor: User, case_id, requirement_id) -> tuple[Case, CaseAccess, RequirementView]:
    case, access = protection_case(actor, case_id, "requirements")
    try:
        requirement = _requirements(case).get(pk=requirement_id)
    except (CourtRequirement.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    audit_record(actor=actor, action="court_requirement.view", obj=requirement, case_id=case.pk)
    return case, access, _view(actor, requirement, access)


# --- The dashboard -----------------------------------------------------------------------------------


@dataclass
class EndingRequirement:
    case: Case
    court: str
    state: RequirementState
    ends_on: date

    @property
    def state_label(self) -> str:
        return str(self.state.label)


def requirements_ending(*, actor: User, case_ids, limit: int = 20) -> list[EndingRequirement]:
    """Requirements on these cases (the legal-work panel's, already checked) whose last day is
    within QORGAU_REQUIREMENT_ALERT_DAYS."""
    today = timezone.localdate()
    horizon = today + timedelta(days=settings.QORGAU_REQUIREMENT_ALERT_DAYS - 1)
    rows = (
        CourtRequirement.objects.filter(
            case_id__in=case_ids,
            ended_on__isnull=True,
            starts_on__lte=today,
            ends_on__gte=today,
            ends_on__lte=horizon,
        )
        .select_related("case")
        .order_by("ends_on")[:limit]
    )
    return [EndingRequirement(r.case, r.court, r.state_at(today), r.ends_on) for r in rows]


def legal_requirements_ending(*, actor: User, case_ids) -> list[EndingRequirement]:
    """A prosecutor's or a lawyer's "requirements ending", on the cases the legal-work panel read
    with their legal section (`selectors.legal_work_get`). One audit event per case shown."""
    ending = requirements_ending(actor=actor, case_ids=case_ids)
    audit_record_many(
        actor=actor,
        action="court_requirement.list",
        case_ids=[e.case.pk for e in ending],
        purpose="dashboard",
    )
    return ending


# --- The programme agency's view: the programme part only ----------------------------------------------


@dataclass
class ProgrammeView:
    """What the agency running the correction programme sees: whom it is for, the court's period
    and the attendance. Not the case, not her, not the other conditions."""

    id: object
    person_name: str
    court: str
    decision_on: date
    starts_on: date
    ends_on: date
    state: RequirementState
    version: int
    attended: int
    missed: int
    completed_on: date | None
    sessions: list[SessionView]

    @property
    def state_label(self) -> str:
        return str(self.state.label)

    @property
    def may_record(self) -> bool:
        """Attendance is recorded until the programme is completed (a late record of a session
        held while the requirements were in force is still accepted)."""
        return self.completed_on is None


def _programme_view(r: CourtRequirement) -> ProgrammeView:
    summary = _programme(r, r.sessions.select_related("agency"))
    return ProgrammeView(
        id=r.pk,
        person_name=r.person.full_name or "—",
        court=r.court,
        decision_on=r.decision_on,
        starts_on=r.starts_on,
        ends_on=r.ended_on or r.ends_on,
        state=r.state_at(),
        version=r.version,
        attended=summary.attended,
        missed=summary.missed,
        completed_on=r.programme_completed_on,
        sessions=summary.sessions,
    )


def _programme_rows(actor: User):
    return CourtRequirement.objects.filter(programme_agency_id=actor.agency_id).select_related(
        "person", "programme_agency"
    )


def programme_list(*, actor: User) -> list[ProgrammeView]:
    """The programme agency's requirements that are not over yet (or still to be completed).
    One audit event per case they belong to."""
    if not policies.may_run_programmes(actor):
        return []
    since = timezone.localdate() - timedelta(days=settings.QORGAU_REQUIREMENT_ALERT_DAYS)
    rows = list(
        _programme_rows(actor)
        .filter(ends_on__gte=since, programme_completed_on__isnull=True)
        .order_by("ends_on")[:200]
    )
    rows = [r for r in rows if policies.runs_programme(actor, r)]
    audit_record_many(
        actor=actor, action="programme.list", case_ids=[r.case_id for r in rows], purpose="programme"
    )
    return [_programme_view(r) for r in rows]


def programme_get(*, actor: User, requirement_id) -> ProgrammeView:
    """One requirement's programme part, for the agency that runs it; 404 for everyone else."""
    try:
        requirement = _programme_rows(actor).get(pk=requirement_id)
    except (CourtRequirement.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if not policies.runs_programme(actor, requirement):
        raise Http404
    audit_record(actor=actor, action="programme.view", obj=requirement, case_id=requirement.case_id)
    return _programme_view(requirement)
