"""Who may do what with legal protection. Plain functions over `cases.policies.case_access`.

- Orders are seen by whoever sees the case's safety or legal section (safety planning needs them);
  the person an order binds is named only to those who see the legal section (perpetrators'
  identity lives there), others read "the perpetrator".
- A police officer issues an order on a case she works on: her agency holds the case or received it
  through an accepted referral, and she sees the legal section (she must know whom it binds).
- Steps of an order (issue, serve, extend, end early) are taken by police officers of the issuing
  agency who still work on the case.
- A breach is recorded by those police officers, or by the holding agency's caseworkers and
  supervisors (she often tells her caseworker first).
- Perpetrators known across cases: police and prosecutors see how many other cases name the same
  person and the active orders against him; caseworkers and supervisors only "known elsewhere";
  nobody sees anything of another case through the signal.
"""

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case, Section
from qorgau.cases.policies import CaseAccess, case_access, works_on_cases


def _access(actor, case: Case, access: CaseAccess | None) -> CaseAccess:
    return access if access is not None else case_access(actor, case)


def sees_orders(access: CaseAccess) -> bool:
    return access.sees(Section.SAFETY) or access.sees(Section.LEGAL)


def sees_bound_person(access: CaseAccess) -> bool:
    return access.sees(Section.LEGAL)


def works_on(access: CaseAccess) -> bool:
    """Her agency holds the case or works on it through an accepted referral."""
    return access.is_holder or "referral" in access.via


def can_issue(actor, case: Case, access: CaseAccess | None = None) -> bool:
    access = _access(actor, case, access)
    return (
        actor.has_role(Role.POLICE_OFFICER)
        and works_on(access)
        and access.sees(Section.LEGAL)
        and case.status != Case.Status.CLOSED
    )


def can_manage_order(actor, order, access: CaseAccess | None = None) -> bool:
    return actor.agency_id == order.issuing_agency_id and can_issue(actor, order.case, access)


def can_record_violation(actor, order, access: CaseAccess | None = None) -> bool:
    access = _access(actor, order.case, access)
    if can_manage_order(actor, order, access):
        return True
    return access.is_holder and actor.has_role(Role.CASEWORKER, Role.SUPERVISOR)


# What the "known across cases" signal shows to whom.
SIGNAL_FULL, SIGNAL_KNOWN, SIGNAL_NONE = "full", "known", "none"


def perpetrator_signal_level(actor, access: CaseAccess) -> str:
    if not access.sees(Section.LEGAL):
        return SIGNAL_NONE
    if actor.has_role(Role.POLICE_OFFICER, Role.PROSECUTOR):
        return SIGNAL_FULL
    if actor.has_role(Role.CASEWORKER, Role.SUPERVISOR):
        return SIGNAL_KNOWN
    return SIGNAL_NONE


# --- Proceedings -------------------------------------------------------------------------------------
# They live in the legal section: whoever sees it reads them. Lawyers, prosecutors and police
# officers whose agency works on the case record them, their decisions and hearings.

LEGAL_ROLES = (Role.LAWYER, Role.PROSECUTOR, Role.POLICE_OFFICER)


def sees_proceedings(access: CaseAccess) -> bool:
    return access.sees(Section.LEGAL)


def can_record_proceeding(actor, case: Case, access: CaseAccess | None = None) -> bool:
    access = _access(actor, case, access)
    return actor.has_role(*LEGAL_ROLES) and works_on(access) and access.sees(Section.LEGAL)


def can_approve_reconciliation(actor) -> bool:
    """The supervisor's recorded decision the reconciliation rule asks for."""
    return actor.has_role(Role.SUPERVISOR)


# --- Court-imposed special requirements ---------------------------------------------------------------
# Seen where orders are (the safety or the legal section); the person bound is named only with the
# legal section. Recorded (and ended early, from a later court decision) by the legal roles working
# on the case, as proceedings are. Breaches as for orders: those recorders, or the holding agency's
# caseworkers and supervisors. The agency that runs the correction programme sees only the
# programme part of the requirement (never the case) and records attendance on it.

PROGRAMME_ROLES = (Role.PSYCHOLOGIST, Role.CASEWORKER, Role.SUPERVISOR)


def sees_requirements(access: CaseAccess) -> bool:
    return sees_orders(access)


def can_record_requirement(actor, case: Case, access: CaseAccess | None = None) -> bool:
    access = _access(actor, case, access)
    return can_record_proceeding(actor, case, access) and case.status != Case.Status.CLOSED


def can_record_requirement_breach(actor, case: Case, access: CaseAccess | None = None) -> bool:
    access = _access(actor, case, access)
    if can_record_requirement(actor, case, access):
        return True
    return access.is_holder and actor.has_role(Role.CASEWORKER, Role.SUPERVISOR)


def may_run_programmes(actor) -> bool:
    """Staff who may have correction programmes to record (their agency's list may be empty)."""
    return works_on_cases(actor) and actor.has_role(*PROGRAMME_ROLES)


def runs_programme(actor, requirement) -> bool:
    """Staff of the agency the court's correction programme was given to, for that requirement."""
    return (
        may_run_programmes(actor)
        and requirement.programme_agency_id is not None
        and actor.agency_id == requirement.programme_agency_id
    )
