"""Who may see and change what in the directory. Plain functions of (actor, object)."""

from qorgau.accounts.roles import CASE_ROLES, Role
from qorgau.directory.models import CAPACITY_KINDS


def _active(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active)


def can_search_directory(actor) -> bool:
    """Everyone who works on cases looks for help to refer to; the directory holds no survivor data."""
    return _active(actor) and bool(actor.roles & CASE_ROLES)


def can_see_confidential_address(actor) -> bool:
    """A shelter's address only for case roles (they may have to bring a woman there).

    Agency admins, analysts, coordinators and system admins never need it, so never see it —
    not even for their own shelter, whose staff know where they work anyway.
    """
    return _active(actor) and actor.works_on_cases


def can_edit_profile(actor, agency) -> bool:
    return _active(actor) and actor.has_role(Role.AGENCY_ADMIN) and actor.agency_id == agency.pk


def can_update_capacity(actor, agency) -> bool:
    """Shelter staff and supervisors of that very agency, if it is one that has beds."""
    return (
        _active(actor)
        and agency.kind in CAPACITY_KINDS
        and actor.agency_id == agency.pk
        and actor.has_role(Role.SHELTER_STAFF, Role.SUPERVISOR)
    )


def can_manage_catalogue(actor) -> bool:
    return _active(actor) and actor.has_role(Role.SYSTEM_ADMIN)
