"""Roles, and who may manage agencies and staff."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from qorgau.accounts import services
from qorgau.accounts.models import Agency, User
from qorgau.accounts.policies import assignable_roles, can_edit_user, can_manage_agencies, can_manage_staff_of
from qorgau.accounts.roles import CASE_ROLES, Role
from qorgau.core.models import AuditEvent


def test_case_roles_exclude_admins_analysts_and_coordinators():
    assert Role.CASEWORKER in CASE_ROLES and Role.SUPERVISOR in CASE_ROLES
    for role in (Role.AGENCY_ADMIN, Role.ANALYST, Role.CAMPAIGN_COORDINATOR, Role.SYSTEM_ADMIN):
        assert role not in CASE_ROLES


def test_agency_admin_manages_only_own_agency(make_user, make_agency):
    own, other = make_agency(), make_agency()
    admin = make_user(Role.AGENCY_ADMIN, agency=own)
    assert can_manage_staff_of(admin, own)
    assert not can_manage_staff_of(admin, other)
    assert not can_manage_agencies(admin)
    assert Role.SYSTEM_ADMIN not in assignable_roles(admin, own)
    assert Role.CASEWORKER in assignable_roles(admin, own)


def test_admin_cannot_edit_own_account(make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    assert not can_edit_user(admin, admin)


def test_system_admin_only_appoints_agency_admins(make_user, make_agency):
    operator = make_agency(kind=Agency.Kind.OPERATOR)
    sysadmin = make_user(Role.SYSTEM_ADMIN, agency=operator)
    centre = make_agency()
    assert assignable_roles(sysadmin, centre) == [Role.AGENCY_ADMIN]
    with pytest.raises(ValidationError):
        services.user_create(
            actor=sysadmin,
            agency=centre,
            username="sneaky",
            email="x@example.invalid",
            roles=[Role.CASEWORKER],
        )
    user = services.user_create(
        actor=sysadmin,
        agency=centre,
        username="centre.admin",
        email="x@example.invalid",
        roles=[Role.AGENCY_ADMIN],
    )
    assert user.roles == {Role.AGENCY_ADMIN} and not user.has_usable_password()


def test_caseworker_cannot_create_users(make_user):
    worker = make_user(Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=worker,
            agency=worker.agency,
            username="x1",
            email="x@example.invalid",
            roles=[Role.CASEWORKER],
        )
    assert not User.objects.filter(username="x1").exists()


def test_user_create_is_audited(make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    user = services.user_create(
        actor=admin,
        agency=admin.agency,
        username="new.worker",
        email="x@example.invalid",
        roles=[Role.CASEWORKER, Role.PSYCHOLOGIST],
    )
    event = AuditEvent.objects.get(action="user.create")
    assert event.actor_id == admin.pk and event.object_id == str(user.pk)
    assert event.detail == {"roles": ["caseworker", "psychologist"], "break_glass": False}


def test_staff_pages_refuse_other_agencies(client, login_client, make_user, make_agency):
    admin = make_user(Role.AGENCY_ADMIN)
    other = make_agency()
    login_client(admin)
    assert client.get(reverse("accounts:staff_list", args=[admin.agency_id])).status_code == 200
    assert client.get(reverse("accounts:staff_list", args=[other.pk])).status_code == 403
    assert client.get(reverse("accounts:agency_list")).status_code == 403


def test_agency_admin_creates_staff_through_the_form(client, login_client, make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    login_client(admin)
    url = reverse("accounts:staff_create", args=[admin.agency_id])
    mail = "asel@example.invalid"
    bad = client.post(
        url, {"username": "bad name!", "language": "kk", "roles": ["caseworker"], "email": mail}
    )
    assert bad.status_code == 200 and not User.objects.filter(username="bad name!").exists()
    no_mail = client.post(url, {"username": "no.mail", "language": "kk", "roles": ["caseworker"]})
    assert no_mail.status_code == 200 and not User.objects.filter(username="no.mail").exists()
    ok = client.post(url, {"username": "asel.k", "language": "kk", "roles": ["caseworker"], "email": mail})
    assert ok.status_code == 302
    created = User.objects.get(username="asel.k")
    assert created.roles == set() and created.role_grants.get().role == "caseworker"  # waits


def test_duplicate_username_is_a_field_error(client, login_client, make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    make_user(Role.CASEWORKER, username="taken")
    login_client(admin)
    url = reverse("accounts:staff_create", args=[admin.agency_id])
    response = client.post(
        url,
        {"username": "taken", "language": "kk", "roles": ["caseworker"], "email": "t@example.invalid"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_system_admin_manages_agencies(client, login_client, make_user, make_agency):
    sysadmin = make_user(Role.SYSTEM_ADMIN, agency=make_agency(kind=Agency.Kind.OPERATOR))
    login_client(sysadmin)
    response = client.post(
        reverse("accounts:agency_create"),
        {"kind": "shelter", "region": "75", "name_kk": "Баспана", "name_ru": "Приют", "name_en": "Shelter A"},
    )
    assert response.status_code == 302
    assert Agency.objects.filter(name_en="Shelter A", region_id="75").exists()
    bad = client.post(reverse("accounts:agency_create"), {"kind": "nonsense", "region": "99", "name_kk": ""})
    assert bad.status_code == 200


def test_reset_credentials_removes_authenticator_and_signs_out(client, login_client, make_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    worker = make_user(Role.CASEWORKER)
    admin = make_user(Role.AGENCY_ADMIN, agency=worker.agency)
    login_client(worker)
    services.user_reset_credentials(actor=admin, user=worker)
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert client.get(reverse("core:home")).status_code == 302


def test_navigation_follows_roles(client, login_client, make_user, make_agency):
    worker = make_user(Role.CASEWORKER)
    login_client(worker)
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("accounts:agency_list") not in page and reverse("accounts:staff_home") not in page
    sysadmin = make_user(Role.SYSTEM_ADMIN, agency=make_agency(kind=Agency.Kind.OPERATOR))
    login_client(sysadmin)
    assert reverse("accounts:agency_list") in client.get(reverse("core:home")).content.decode()


def test_system_admin_cannot_take_over_a_case_account(client, login_client, make_user, make_agency):
    """Resetting a caseworker's password and second factor would let a system admin sign in as her
    and read survivors' cases: a system admin manages only the accounts it could create."""
    from tests.helpers import PASSWORD

    sysadmin = make_user(Role.SYSTEM_ADMIN, agency=make_agency(kind=Agency.Kind.OPERATOR))
    centre = make_agency()
    worker = make_user(Role.CASEWORKER, agency=centre)
    centre_admin = make_user(Role.AGENCY_ADMIN, agency=centre)
    assert not can_edit_user(sysadmin, worker) and can_edit_user(sysadmin, centre_admin)
    with pytest.raises(PermissionDenied):
        services.user_reset_credentials(actor=sysadmin, user=worker)
    login_client(sysadmin)
    url = reverse("accounts:staff_reset", args=[worker.pk])
    assert client.post(url).status_code == 403
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD) and not worker.must_change_password
    # Her own agency's admin still can (a lost phone), and the system admin can for an agency admin.
    services.user_reset_credentials(actor=centre_admin, user=worker)
    services.user_reset_credentials(actor=sysadmin, user=centre_admin)
