"""Who may see and do what with risk data. Plain functions; the case policy decides case access.

Risk data is case data and belongs to the case's **"safety" section**: assessments (answers,
levels, judgement reasons), the safety plan and the case's conference referrals. The holding
agency sees them; another agency only while "safety" is among the sections its share opens
(`qorgau.cases.policies.case_access`). Whoever may see the safety section may assess and edit the
safety plan; referring a case to the risk conference shares its minimum beyond the agencies that
hold or share it, so it is the holding agency's decision (with her agreement, or as a supervisor's
recorded exception when her life is at risk).

**The risk conference.** Conferences belong to a region. A *coordinator* (role "Risk conference
coordinator" at an agency of that region; not a case role) schedules them, chooses the
participating agencies, lists waiting referrals on an agenda, records actions and minutes. A
*participant* is staff with a case role at a participating agency, or the region's coordinator.
Participants see an agenda case only through `agenda_item_view`: its number, level and the
criteria that brought it (codes and counts), its status, what each agency contributed, the
actions, the minutes and her view as her advocate recorded it — never her name, contacts,
answers, notes or safety plan (those stay behind `case_access`). A contribution is visible to the
participants of that conference, for that case only.
"""

from dataclasses import dataclass

from qorgau.accounts.roles import Role
from qorgau.cases.models import Section
from qorgau.cases.policies import CaseAccess, case_access, works_on_cases
from qorgau.risk.levels import RiskLevel

SECTION = Section.SAFETY


def sees_risk(access: CaseAccess) -> bool:
    return access.sees(SECTION)


def can_assess(actor, case, access: CaseAccess | None = None) -> bool:
    return sees_risk(access or case_access(actor, case))


def can_edit_safety_plan(actor, case, access: CaseAccess | None = None) -> bool:
    return sees_risk(access or case_access(actor, case))


def can_refer(actor, case, basis: str | None = None, access: CaseAccess | None = None) -> bool:
    """The holding agency's caseworkers and supervisors refer; without her agreement, only a
    supervisor (the same rule as emergency sharing)."""
    access = access or case_access(actor, case)
    if not access.is_holder or not actor.has_role(Role.CASEWORKER, Role.SUPERVISOR, Role.POLICE_OFFICER):
        return False
    return basis != "risk_to_life" or actor.has_role(Role.SUPERVISOR)


def can_record_survivor_view(actor, referral) -> bool:
    """Her advocate: a caseworker or supervisor of the agency holding her case."""
    return case_access(actor, referral.case).is_holder and actor.has_role(Role.CASEWORKER, Role.SUPERVISOR)


# --- The conference -------------------------------------------------------------------------------


def _active(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active)


def coordinates(actor, region_id) -> bool:
    """The actor coordinates the risk conferences of this region."""
    return (
        _active(actor)
        and actor.has_role(Role.CONFERENCE_COORDINATOR)
        and actor.agency_id is not None
        and actor.agency.region_id == region_id
    )


def is_coordinator(actor) -> bool:
    return _active(actor) and actor.agency_id is not None and actor.has_role(Role.CONFERENCE_COORDINATOR)


def participates(actor, conference, agency_ids=None) -> bool:
    if coordinates(actor, conference.region_id):
        return True
    if not works_on_cases(actor):
        return False
    if agency_ids is None:
        agency_ids = {a.pk for a in conference.agencies.all()}
    return actor.agency_id in agency_ids


def can_manage_conference(actor, conference) -> bool:
    return coordinates(actor, conference.region_id)


def can_contribute(actor, referral, agency_ids=None) -> bool:
    """Staff with a case role at a participating agency share what their agency knows."""
    conference = referral.conference
    return (
        conference is not None
        and referral.status != referral.Status.WITHDRAWN
        and works_on_cases(actor)
        and participates(actor, conference, agency_ids)
    )


def can_update_action(actor, action, conference) -> bool:
    """The coordinator, or case staff of the agency that owns the action."""
    if coordinates(actor, conference.region_id):
        return True
    return works_on_cases(actor) and actor.agency_id == action.owner_agency_id


# --- What a participant sees of an agenda case ---------------------------------------------------


@dataclass(frozen=True)
class CriterionView:
    code: str
    label: str
    count: int | None = None


@dataclass(frozen=True)
class AgendaItemView:
    """The minimum of an agenda case for the conference, plus what was shared there."""

    referral: object  # the ConferenceReferral; templates read only the fields listed here
    number: str
    level: RiskLevel | None  # the case's current level
    level_at_referral: RiskLevel | None
    criteria: tuple[CriterionView, ...]
    status: str
    status_label: str
    referring_agency: str
    referred_at: object
    conference: object
    contributions: tuple = ()
    actions: tuple = ()  # (action, whether the viewer may change its status)
    survivor_view: str = ""
    minutes: str = ""
    case_id: object = None  # only when the viewer may open the case itself
    agency_ids: frozenset = frozenset()  # the conference's participating agencies
    may_contribute: bool = False
    may_manage: bool = False
    may_record_view: bool = False


def may_view_agenda_item(actor, referral, agency_ids=None) -> bool:
    """Participants of the conference it is listed on; the region's coordinator (also while it
    waits); the agencies that see the case's safety section."""
    if referral.status != referral.Status.WITHDRAWN:
        if coordinates(actor, referral.region_id):
            return True
        if referral.conference_id and participates(actor, referral.conference, agency_ids):
            return True
    return sees_risk(case_access(actor, referral.case))


def agenda_item_view(
    actor, referral, *, current_level=None, contributions=(), actions=()
) -> AgendaItemView | None:
    """THE policy for what a participant sees of an agenda case (None: nothing at all). The
    caller passes the case's current level and the item's contributions and actions; this
    decides which of them leave the case."""
    conference = referral.conference
    agency_ids = {a.pk for a in conference.agencies.all()} if conference else set()
    if not may_view_agenda_item(actor, referral, agency_ids):
        return None
    from qorgau.risk.conference import Criterion

    labels = dict(Criterion.choices)
    access = case_access(actor, referral.case)
    manage = coordinates(actor, referral.region_id)
    listed = conference is not None and referral.status != referral.Status.WITHDRAWN
    return AgendaItemView(
        referral=referral,
        number=referral.case.number,
        level=RiskLevel(current_level) if current_level else None,
        level_at_referral=RiskLevel(referral.level) if referral.level else None,
        criteria=tuple(
            CriterionView(c["code"], str(labels.get(c["code"], c["code"])), c.get("count"))
            for c in referral.criteria
        ),
        status=referral.status,
        status_label=referral.get_status_display(),
        referring_agency=referral.agency.name,
        referred_at=referral.referred_at,
        conference=conference,
        contributions=tuple(contributions) if listed else (),
        actions=tuple((a, can_update_action(actor, a, conference)) for a in actions) if listed else (),
        survivor_view=(referral.survivor_view or "") if (listed or access.is_holder) else "",
        minutes=(referral.minutes or "") if listed else "",
        case_id=referral.case_id if access.can_view else None,
        agency_ids=frozenset(agency_ids),
        may_contribute=listed and can_contribute(actor, referral, agency_ids),
        may_manage=manage,
        may_record_view=referral.is_open and can_record_survivor_view(actor, referral),
    )
