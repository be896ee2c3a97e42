"""Who may do what with referrals. Reading the case itself stays with qorgau.cases.policies:
a referral opens the case to the receiving agency only through the CaseShare created when it
is accepted, checked against her consent at every read."""

from dataclasses import dataclass

from qorgau.accounts.roles import Role
from qorgau.cases import policies as case_policies
from qorgau.cases.models import CaseShare, Consent
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


@dataclass(frozen=True)
class ReferralAccess:
    side: str | None  # "sender", "receiver" or None (nothing at all: a 404)
    content: bool  # its free text (what is needed, reasons, outcome) and its steps

    @property
    def can_view(self) -> bool:
        return self.side is not None


def referral_access(actor, referral) -> ReferralAccess:
    """The record is its two agencies'; its content follows her consent, like the case itself.
    The sender holds the case. The receiver reads the note and takes steps only while her
    referral consent covers it (or a supervisor's emergency grant to it is live): after she
    withdraws, the receiving agency keeps the record that a referral existed, nothing of her."""
    side = side_of(actor, referral)
    if side is None:
        return ReferralAccess(None, False)
    if side == "sender":
        return ReferralAccess(side, True)
    case = referral.case
    covered = consent_covers_referral(case, referral.to_agency) or any(
        share.is_live()
        for share in case.shares.all()
        if share.agency_id == referral.to_agency_id and share.source == CaseShare.Source.EMERGENCY
    )
    return ReferralAccess(side, covered)


def can_take(actor, referral, action: str, access: ReferralAccess | None = None) -> bool:
    access = access or referral_access(actor, referral)
    return action in ACTIONS and access.content and access.side == ACTIONS[action][2]


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
