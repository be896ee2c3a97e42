"""Who may manage agencies and staff. Plain functions of (actor, object)."""

from qorgau.accounts.roles import Role


def _active(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active)


def can_manage_agencies(actor) -> bool:
    return _active(actor) and actor.has_role(Role.SYSTEM_ADMIN)


def can_manage_staff_of(actor, agency) -> bool:
    """Agency admins manage their own agency; system admins may set up any agency's admins."""
    if not _active(actor) or agency is None:
        return False
    if actor.has_role(Role.AGENCY_ADMIN) and actor.agency_id == agency.pk:
        return True
    return actor.has_role(Role.SYSTEM_ADMIN)


def assignable_roles(actor, agency) -> list[str]:
    """Roles the actor may give to staff of the agency.

    A system admin only creates agency admins (and, at the operator, other system admins): giving
    someone a case role would be a way to reach survivor data, which system admins never have.
    """
    if not can_manage_staff_of(actor, agency):
        return []
    if actor.has_role(Role.AGENCY_ADMIN) and actor.agency_id == agency.pk:
        return [r for r in Role.values if r != Role.SYSTEM_ADMIN]
    roles = [Role.AGENCY_ADMIN.value]
    if agency.kind == "operator":
        roles.append(Role.SYSTEM_ADMIN.value)
    return roles


def can_edit_user(actor, user) -> bool:
    """Only accounts whose every role the actor could give: otherwise a system admin could reset a
    caseworker's password and second factor, sign in as her and read survivors' cases."""
    if not can_manage_staff_of(actor, user.agency) or actor.pk == user.pk:
        return False
    return set(user.roles) <= set(assignable_roles(actor, user.agency))
