"""Who may decide what in the data lifecycle."""

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case
from qorgau.cases.policies import case_access


def can_decide_erasure(actor, case: Case) -> bool:
    """A supervisor of the agency holding the case (the same person who decides its closure)."""
    return bool(actor and case_access(actor, case).is_holder and actor.has_role(Role.SUPERVISOR))
