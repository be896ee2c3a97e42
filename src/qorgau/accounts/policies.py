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
    """Roles the actor may ask for staff of the agency (case roles wait for a supervisor's approval,
    qorgau.accounts.services.role_grant_decide).

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


def is_break_glass(actor) -> bool:
    """A system admin acting on an agency's accounts: allowed, flagged, reviewed by its supervisors."""
    return _active(actor) and actor.has_role(Role.SYSTEM_ADMIN)


def can_view_security(actor, agency) -> bool:
    """The security view of an agency: its supervisors (who hold a case role there)."""
    return (
        _active(actor)
        and agency is not None
        and actor.agency_id == agency.pk
        and actor.has_role(Role.SUPERVISOR)
    )


def can_decide_role_grant(actor, grant, *, agency_has_other_supervisor: bool) -> bool:
    """A case role is given by a second person: a supervisor of the agency who is neither the one
    who asked for it nor the one who would hold it. A new agency without any other supervisor is
    approved by a supervisor of an agency in the same region."""
    if not _active(actor) or not actor.has_role(Role.SUPERVISOR):
        return False
    if actor.pk in (grant.user_id, grant.requested_by_id):
        return False
    agency = grant.user.agency
    if actor.agency_id == agency.pk:
        return True
    return not agency_has_other_supervisor and actor.agency.region_id == agency.region_id


def can_review_change(actor, change) -> bool:
    return can_view_security(actor, change.agency) and actor.pk not in (change.actor_id, change.user_id)
