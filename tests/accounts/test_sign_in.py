"""Sign-in with a password and a second factor, lockout, session expiry, sign out everywhere."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.helpers import PASSWORD, totp_now

from qorgau.accounts.roles import Role

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:sign_in_code")
SETUP = reverse("accounts:mfa_setup")
HOME = reverse("core:home")
FAILED = "Sign-in failed. Check your username, password and code and try again."


def password_step(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def code_step(client, code, ip="10.0.0.1"):
    return client.post(CODE, {"code": code}, REMOTE_ADDR=ip)


@pytest.fixture
def worker(make_user):
    return make_user(Role.CASEWORKER, username="worker")


def test_password_alone_does_not_sign_in(client, worker):
    response = password_step(client, "worker")
    assert response.status_code == 302 and response["Location"] == CODE
    assert client.get(HOME).status_code == 302  # the dashboard still sends to sign-in


def test_password_and_code_sign_in(client, worker):
    password_step(client, "worker")
    response = code_step(client, totp_now(worker))
    assert response.status_code == 302 and response["Location"] == HOME
    page = client.get(HOME)
    assert page.status_code == 200 and "worker" in page.content.decode()


@pytest.mark.parametrize("username,password", [("worker", "wrong-password-1"), ("nobody", PASSWORD)])
def test_wrong_username_or_password_gets_one_generic_message(client, worker, username, password):
    response = password_step(client, username, password)
    assert response.status_code == 200
    assert FAILED in response.content.decode()


def test_wrong_code_gets_the_same_generic_message(client, worker):
    password_step(client, "worker")
    response = code_step(client, "000000" if totp_now(worker) != "000000" else "111111")
    assert FAILED in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_account_locks_after_repeated_failures_even_with_the_right_password(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, "worker", "wrong-password-1", ip="10.0.0.7")
    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = password_step(fresh, "worker", ip="10.9.9.9")  # another address, right password
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert fresh.get(HOME).status_code == 302


def test_address_locks_after_failures_against_many_accounts(client, make_user, settings):
    target = make_user(Role.CASEWORKER, username="target")
    for i in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, f"guess{i}", "wrong-password-1", ip="10.0.0.8")
    response = password_step(Client(HTTP_ACCEPT_LANGUAGE="en"), target.username, ip="10.0.0.8")
    assert response.status_code == 429
    other_address = password_step(Client(HTTP_ACCEPT_LANGUAGE="en"), target.username, ip="10.0.0.99")
    assert other_address.status_code == 302  # the account itself is not locked


def test_wrong_codes_count_towards_lockout(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        password_step(client, "worker")
        code_step(client, "999999" if totp_now(worker) != "999999" else "888888")
    password_step(client, "worker")
    response = code_step(client, "123456" if totp_now(worker) != "123456" else "654321")
    assert response.status_code == 429
    # Now even the right password and code are refused until the cool-off ends.
    assert password_step(Client(HTTP_ACCEPT_LANGUAGE="en"), "worker", ip="10.1.1.1").status_code == 429


def test_lockout_ends_after_cool_off(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, "worker", "wrong-password-1")
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert password_step(Client(HTTP_ACCEPT_LANGUAGE="en"), "worker").status_code == 302


def test_recovery_code_works_once(client, worker):
    from qorgau.accounts.mfa import recovery_codes_regenerate

    codes = recovery_codes_regenerate(actor=worker)
    password_step(client, "worker")
    assert code_step(client, codes[0].upper())["Location"] == HOME  # case and spaces do not matter
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    password_step(other, "worker")
    assert FAILED in code_step(other, codes[0]).content.decode()
    assert StaticToken.objects.filter(device__user=worker).count() == len(codes) - 1


def test_code_step_without_password_step_goes_back(client, worker):
    assert code_step(client, totp_now(worker))["Location"] == LOGIN


def test_password_step_expires(client, worker, settings):
    password_step(client, "worker")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.QORGAU_MFA_PENDING_SECONDS + 5)):
        assert code_step(client, totp_now(worker))["Location"] == LOGIN


def test_first_sign_in_sets_up_authenticator_then_requires_new_password(client, make_user):
    from django_otp.oath import TOTP

    newcomer = make_user(Role.CASEWORKER, username="newcomer", mfa=False, must_change_password=True)
    response = password_step(client, "newcomer")
    assert response["Location"] == SETUP
    page = client.get(SETUP).content.decode()
    assert "data:image/svg+xml" in page  # the QR code, rendered without an external service
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    assert client.post(SETUP, {"code": "000000"}).status_code == 200  # wrong code: stays
    code = f"{TOTP(device.bin_key).token():06d}"
    codes_page = client.post(SETUP, {"code": code})
    assert codes_page.status_code == 200
    assert StaticToken.objects.filter(device__user=newcomer).count() == 10
    assert TOTPDevice.objects.get(user=newcomer).confirmed
    # Signed in, but every page leads to the password change until a new password is chosen.
    assert client.get(HOME)["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh-Passphrase-77",
            "new_password2": "Fresh-Passphrase-77",
        },
    )
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


@pytest.mark.parametrize(
    "weak", ["short1A!", "password1234", "123456789012", "aaaaaaaaaaaaaaaa", "abababababababab"]
)
def test_weak_passwords_are_refused(client, login_client, make_user, weak):
    user = make_user(Role.CASEWORKER)
    login_client(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_session_expires_after_inactivity(client, login_client, worker, settings):
    login_client(worker)
    assert client.get(HOME).status_code == 200
    idle = timedelta(minutes=settings.QORGAU_SESSION_IDLE_MINUTES)
    with time_machine.travel(timezone.now() + idle - timedelta(minutes=2)):
        assert client.get(HOME).status_code == 200  # activity restarts the clock
    with time_machine.travel(timezone.now() + 2 * idle - timedelta(minutes=4)):
        assert client.get(HOME).status_code == 200
    with time_machine.travel(timezone.now() + 3 * idle + timedelta(minutes=5)):
        assert client.get(HOME).status_code == 302


def test_sign_out_everywhere_ends_other_sessions(login_client, worker):
    phone, desk = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    login_client(worker, phone)
    login_client(worker, desk)
    assert phone.get(HOME).status_code == 200
    desk.post(reverse("accounts:logout_everywhere"))
    assert phone.get(HOME).status_code == 302
    assert desk.get(HOME).status_code == 302


def test_sign_out_requires_post(client, login_client, worker):
    login_client(worker)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(HOME).status_code == 302


def test_deactivated_account_is_signed_out(client, login_client, make_user, worker):
    from qorgau.accounts.services import user_update

    admin = make_user(Role.AGENCY_ADMIN, agency=worker.agency)
    login_client(worker)
    user_update(
        actor=admin,
        user=worker,
        roles=[Role.CASEWORKER],
        first_name="",
        last_name="",
        email="",
        is_active=False,
    )
    assert client.get(HOME).status_code == 302
    assert (
        password_step(Client(HTTP_ACCEPT_LANGUAGE="en"), "worker").status_code == 200
    )  # inactive: the generic failure


def test_the_page_asked_for_is_reached_whole_after_both_steps(client, worker):
    """A `next` with a query of its own used to lose everything after its first `&` (and could add
    parameters to the code step's address)."""
    wanted = "/cases/?status=open&mine=1"
    response = client.post(
        LOGIN, {"username": "worker", "password": PASSWORD, "next": wanted}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": totp_now(worker)}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302 and response["Location"] == wanted
