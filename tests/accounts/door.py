"""The one door: what accounts declares (tests/doors.py)."""

from tests.doors import Route, signed_in, staff

REFERENCE_MODELS = {
    "accounts.Agency": "the agencies of the interagency system: names, kinds and regions are public "
    "(the directory and the portal list them)",
}

ALLOWED = {
    "qorgau/accounts/views.py::User.objects": "sign-in: the account that passed the password step is "
    "looked up for its second step; it is the person signing in, no survivor data",
    "qorgau/accounts/templates/accounts/staff_list.html::u.role_links.all": "an agency admin's staff "
    "list: roles of the admin's own staff, prefetched by accounts.selectors.staff_of_agency",
}


ORDER = 5
system_admin = staff("system_admin")
own_admins = staff("agency_admin", at=("own",))


own_supervisors = staff("supervisor", at=("own",))


def build(world):
    from qorgau.accounts import services
    from qorgau.accounts.models import AccountChange, RoleGrant

    world.ids.update(agency_id=world.agencies["own"].pk, user_id=world.actor("own", "caseworker").user.pk)
    # A case role waiting for a supervisor, and a break-glass change waiting for review.
    newcomer = services.user_create(
        actor=world.staff_user("agency_admin", "own"),
        agency=world.agencies["own"],
        username="door.newcomer",
        email="door.newcomer@example.invalid",
        roles=["caseworker"],
    )
    world.ids["grant_id"] = RoleGrant.objects.get(user=newcomer).pk
    sysadmin_change = AccountChange.objects.create(
        agency=world.agencies["own"],
        user=newcomer,
        actor=world.staff_user("system_admin", "own"),
        kind=AccountChange.Kind.UPDATED,
        break_glass=True,
    )
    world.ids["change_id"] = sysadmin_change.pk


_OWN = "the actor's own account and session; signing out or changing it would end the walk itself"

ROUTES = {
    "accounts:agency_list": Route(read=system_admin),
    "accounts:agency_create": Route(read=system_admin, write=system_admin),
    "accounts:agency_edit": Route(read=system_admin, write=system_admin),
    "accounts:staff_list": Route(read=lambda a: own_admins(a) or system_admin(a)),
    "accounts:staff_create": Route(
        read=lambda a: own_admins(a) or system_admin(a), write=lambda a: own_admins(a) or system_admin(a)
    ),
    "accounts:staff_home": Route(read=signed_in, read_answers=frozenset({302})),  # to one's own agency
    # A system admin may open a caseworker's account but change nothing of it (accounts.policies).
    "accounts:staff_edit": Route(read=lambda a: own_admins(a) or system_admin(a), write=own_admins),
    "accounts:staff_reset": Route(write=own_admins),
    # Every supervisor opens the security view of her own agency (and only hers).
    "accounts:security": Route(read=staff("supervisor")),
    "accounts:role_grant_decide": Route(write=own_supervisors, payload={"decision": "approve"}),
    "accounts:account_change_review": Route(write=own_supervisors),
    "api:me": Route(read=signed_in),
    "api:agencies": Route(read=signed_in),
}
EXEMPT = {
    "accounts:login": "the sign-in page: public by design (tests/accounts/test_sign_in.py)",
    "accounts:sign_in_code": "the sign-in code step: public by design (tests/accounts/test_sign_in.py)",
    "accounts:mfa_setup": "second-factor enrolment of the person signing in (tests/accounts)",
    "accounts:invitation": "the invited person's own password: public by design, reached only with "
    "the single-use token (tests/accounts/test_insider.py)",
    "accounts:logout": _OWN,
    "accounts:logout_everywhere": _OWN,
    "accounts:set_language": _OWN,
    "accounts:password_change": _OWN,
    "accounts:profile": _OWN,
    "accounts:recovery_codes": _OWN,
    "accounts:token_create": _OWN,
    "accounts:token_revoke": _OWN,
}
