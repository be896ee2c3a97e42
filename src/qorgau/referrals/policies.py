"""Who may do what with referrals. Reading the case itself stays with qorgau.cases.policies:
a referral opens the case to the receiving agency only through the CaseShare created when it
is accepted, checked against her consent at every read."""

from qorgau.accounts.roles import Role
from qorgau.cases import policies as case_policies
from qorgau.cases.models import Consent
from qorgau.referrals.machine import ACTIONS


def can_send(actor, case) -> bool:
    return case_policies.case_access(actor, case).is_holder


def side_of(actor, referral) -> str | None:
    if not case_policies.works_on_cases(actor):
        return None
    if actor.agency_id == referral.to_agency_id:
        return "receiver"
    if actor.agency_id == referral.from_agency_id and actor.agency_id == referral.case.holding_agency_id:
        return "sender"
    return None


def can_see(actor, referral) -> bool:
    """The referral record (service, status, dates): its two agencies' case staff."""
    return side_of(actor, referral) is not None


def can_take(actor, referral, action: str) -> bool:
    return action in ACTIONS and side_of(actor, referral) == ACTIONS[action][2]


def consent_covers_referral(case, agency, today=None) -> bool:
    return any(
        c.purpose == Consent.Purpose.REFERRAL and c.is_active(today) and c.covers(agency)
        for c in case.consents.all()
    )


def consented_sections(case, agency, today=None) -> set[str]:
    sections: set[str] = set()
    for c in case.consents.all():
        if c.purpose == Consent.Purpose.SHARE and c.is_active(today) and c.covers(agency):
            sections.update(c.sections)
    return sections


def can_log_service(actor, case, section: str) -> bool:
    """Any agency that works on the case may log what it gave her, in a section it can see."""
    return case_policies.case_access(actor, case).sees(section)


def can_edit_plan(actor, case) -> bool:
    return case_policies.case_access(actor, case).is_holder


def can_approve(actor, case) -> bool:
    """Plans and closures are approved by a supervisor of the agency that holds the case."""
    return case_policies.case_access(actor, case).is_holder and actor.has_role(Role.SUPERVISOR)
