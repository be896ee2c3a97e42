"""Who may see and add evidence: the case's one access policy (qorgau.cases.policies), by section.

An item belongs to one section of the case: a referral shares it only while her consent covers
that section; an emergency grant shows the sections it names. Packages for court are exported by
prosecutors and lawyers who can see the case (a lawyer elsewhere only through her consent) and by
the holding agency's supervisors.
"""

from qorgau.accounts.roles import Role
from qorgau.cases.policies import CaseAccess, case_access

EXPORT_ROLES = (Role.PROSECUTOR, Role.LAWYER)


def can_see_item(access: CaseAccess, section: str) -> bool:
    return access.sees(section)


def can_add_evidence(actor, case, section: str) -> bool:
    return case_access(actor, case).sees(section)


def can_export(actor, case) -> bool:
    access = case_access(actor, case)
    if not access.can_view:
        return False
    return actor.has_role(*EXPORT_ROLES) or (access.is_holder and actor.has_role(Role.SUPERVISOR))
