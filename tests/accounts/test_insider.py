"""An administrator cannot mint a case account (issue 18, high). The two attack paths of the
security test — an agency admin creating a caseworker with a password of her choosing and enrolling
its authenticator; a system admin doing the same in two hops through a new agency admin — now end
without case access: nobody sets a credential for someone else (a single-use invitation), and a
case role needs a second person of the agency holding a case role (a supervisor) to approve. Every
account and role change shows on the supervisors' security view; a system admin's are break-glass."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.helpers import PASSWORD

from qorgau.accounts import services
from qorgau.accounts.models import AccountChange, Agency, RoleGrant, User
from qorgau.accounts.roles import Role

LOGIN = reverse("accounts:login")
HOME = reverse("core:home")
CASES = reverse("cases:list")
CHOSEN = "Admin-Chosen-Pass-77"


@pytest.fixture
def centre(make_agency):
    return make_agency()


@pytest.fixture
def admin(make_user, centre):
    return make_user(Role.AGENCY_ADMIN, agency=centre, username="centre.admin")


@pytest.fixture
def supervisor(make_user, centre):
    return make_user(Role.SUPERVISOR, agency=centre, username="centre.supervisor")


def _invitation_link(address):
    message = [m for m in mail.outbox if address in m.to][-1]
    return re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", message.body).group(1)


def _take_the_invitation(link, password="Own-Chosen-Pass-2026") -> Client:
    """Follow an invitation as whoever reads the mailbox: choose a password, enrol an authenticator."""
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = c.post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_setup"), response
    assert c.get(reverse("accounts:mfa_setup")).status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    assert c.post(reverse("accounts:mfa_setup"), {"code": code}).status_code == 200
    assert c.get(HOME).status_code == 200  # signed in, second factor and all
    return c


def test_an_agency_admin_cannot_mint_a_case_account(client, login_client, admin, supervisor, open_case):
    open_case(supervisor)  # the agency holds a case
    login_client(admin)
    response = client.post(
        reverse("accounts:staff_create", args=[admin.agency_id]),
        {
            "username": "puppet",
            "language": "en",
            "roles": ["caseworker", "supervisor"],
            "email": "admin.own.mailbox@example.invalid",  # her own mailbox
            "password": CHOSEN,  # no longer a field: ignored
        },
    )
    assert response.status_code == 302
    puppet = User.objects.get(username="puppet")
    assert not puppet.has_usable_password() and puppet.roles == set()
    # The password she chose does not sign in; without the password step there is no enrolment.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert other.post(LOGIN, {"username": "puppet", "password": CHOSEN}).status_code == 200
    assert other.get(reverse("accounts:mfa_setup")).status_code == 302
    # Even reading the invitation from her own mailbox gives an account without case access.
    puppet_client = _take_the_invitation(_invitation_link("admin.own.mailbox@example.invalid"))
    assert puppet_client.get(CASES).status_code == 403
    assert puppet_client.get("/api/v1/cases/").status_code == 403
    # She cannot approve the request, nor can the account itself.
    grants = list(RoleGrant.objects.filter(user=puppet, status="pending"))
    assert {g.role for g in grants} == {"caseworker", "supervisor"}
    for c in (client, puppet_client):
        c.post(reverse("accounts:role_grant_decide", args=[grants[0].pk]), {"decision": "approve"})
    assert RoleGrant.objects.filter(user=puppet, status="pending").count() == 2
    assert not User.objects.get(pk=puppet.pk).roles
    # Her supervisor sees the whole story on the security view.
    page = login_client(supervisor, Client(HTTP_ACCEPT_LANGUAGE="en")).get(reverse("accounts:security"))
    text = page.content.decode()
    assert page.status_code == 200 and "puppet" in text
    for label in (
        "Account created",
        "Role requested",
        "Invitation sent",
        "Own password set from the invitation",
    ):
        assert label in text, label


def test_a_system_admin_cannot_reach_cases_in_two_hops(
    login_client, make_user, make_agency, centre, supervisor
):
    operator = make_agency(kind=Agency.Kind.OPERATOR)
    sysadmin = make_user(Role.SYSTEM_ADMIN, agency=operator, username="root")
    services.user_create(
        actor=sysadmin,
        agency=centre,
        username="hop.admin",
        email="root.box@example.invalid",
        roles=[Role.AGENCY_ADMIN],
    )
    hop_client = _take_the_invitation(_invitation_link("root.box@example.invalid"))
    response = hop_client.post(
        reverse("accounts:staff_create", args=[centre.pk]),
        {
            "username": "hop.worker",
            "language": "en",
            "roles": ["caseworker"],
            "email": "root.box2@example.invalid",
        },
    )
    assert response.status_code == 302
    worker_client = _take_the_invitation(_invitation_link("root.box2@example.invalid"))
    assert worker_client.get(CASES).status_code == 403
    assert User.objects.get(username="hop.worker").roles == set()
    # The first hop is break-glass, listed for the supervisors until one of them reviews it.
    flagged = AccountChange.objects.filter(agency=centre, break_glass=True, reviewed_at__isnull=True)
    assert {c.kind for c in flagged} >= {"created", "role_granted", "invited"}
    sup = login_client(supervisor, Client(HTTP_ACCEPT_LANGUAGE="en"))
    text = sup.get(reverse("accounts:security")).content.decode()
    assert "Break-glass changes to review" in text and "root" in text and "break-glass" in text
    for change in flagged:
        assert sup.post(reverse("accounts:account_change_review", args=[change.pk])).status_code == 302
    assert not AccountChange.objects.filter(
        agency=centre, break_glass=True, reviewed_at__isnull=True
    ).exists()


def test_a_supervisor_of_the_agency_approves_and_only_then_the_role_works(login_client, admin, supervisor):
    user = services.user_create(
        actor=admin,
        agency=admin.agency,
        username="new.worker",
        email="nw@example.invalid",
        roles=["caseworker"],
    )
    worker_client = _take_the_invitation(_invitation_link("nw@example.invalid"))
    assert worker_client.get(CASES).status_code == 403
    grant = RoleGrant.objects.get(user=user)
    sup = login_client(supervisor, Client(HTTP_ACCEPT_LANGUAGE="en"))
    assert (
        sup.post(reverse("accounts:role_grant_decide", args=[grant.pk]), {"decision": "approve"}).status_code
        == 302
    )
    assert worker_client.get(CASES).status_code == 200
    # A second decision is refused and changes nothing.
    sup.post(reverse("accounts:role_grant_decide", args=[grant.pk]), {"decision": "refuse"})
    assert RoleGrant.objects.get(pk=grant.pk).status == "approved"


def test_nobody_approves_their_own_request_or_their_own_role(make_user, centre, supervisor):
    boss = make_user(Role.AGENCY_ADMIN, Role.SUPERVISOR, agency=centre, username="boss")
    puppet = services.user_create(
        actor=boss, agency=centre, username="puppet2", email="p2@example.invalid", roles=["caseworker"]
    )
    with pytest.raises(PermissionDenied):
        services.role_grant_decide(actor=boss, grant_id=RoleGrant.objects.get(user=puppet).pk, approve=True)
    services.user_update(
        actor=boss,
        user=supervisor,
        roles=[Role.SUPERVISOR, Role.CASEWORKER],
        first_name="",
        last_name="",
        email="s@example.invalid",
        is_active=True,
    )
    own = RoleGrant.objects.get(user=supervisor, role="caseworker")
    with pytest.raises(PermissionDenied):
        services.role_grant_decide(actor=supervisor, grant_id=own.pk, approve=True)
    assert RoleGrant.objects.filter(status="pending").count() == 2


def test_a_reset_sends_a_new_invitation_and_suspends_case_roles(
    client, login_client, admin, make_user, supervisor
):
    worker = make_user(Role.CASEWORKER, agency=admin.agency, username="lost.phone")
    worker.email = "lost@example.invalid"
    worker.save()
    login_client(admin)
    assert client.post(reverse("accounts:staff_reset", args=[worker.pk])).status_code == 302
    worker = User.objects.get(pk=worker.pk)
    assert not worker.has_usable_password() and worker.roles == set()
    assert RoleGrant.objects.filter(user=worker, role="caseworker", status="pending").exists()
    assert "/accounts/invitation/" in mail.outbox[-1].body and mail.outbox[-1].to == ["lost@example.invalid"]


def test_an_invitation_works_once_and_expires(db, admin, settings):
    services.user_create(
        actor=admin, agency=admin.agency, username="once", email="once@example.invalid", roles=["analyst"]
    )
    link = _invitation_link("once@example.invalid")
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.get(link).status_code == 200
    _take_the_invitation(link)
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get(link).status_code == 404
    services.user_create(
        actor=admin, agency=admin.agency, username="late", email="late@example.invalid", roles=["analyst"]
    )
    late = _invitation_link("late@example.invalid")
    with time_machine.travel(timezone.now() + timedelta(hours=settings.QORGAU_INVITATION_HOURS, minutes=1)):
        response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
            late, {"new_password1": PASSWORD, "new_password2": PASSWORD}
        )
    assert response.status_code == 404 and not User.objects.get(username="late").has_usable_password()
    # Only a digest of the token is stored.
    token = late.rstrip("/").rsplit("/", 1)[1]
    assert not User.objects.get(username="late").invitations.filter(token_hash=token).exists()


def test_only_the_agency_supervisors_open_the_security_view(
    client, login_client, admin, make_user, make_agency
):
    login_client(admin)
    assert client.get(reverse("accounts:security")).status_code == 403
    outsider = make_user(Role.SUPERVISOR, agency=make_agency())
    login_client(outsider)
    page = client.get(reverse("accounts:security"))
    assert page.status_code == 200 and "centre.admin" not in page.content.decode()
