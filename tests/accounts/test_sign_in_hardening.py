"""Sign-in findings of issue 18: a lockout reaches a session already past the password step, and
personal API tokens end with a password change or "sign out everywhere"."""

import pytest
from django.test import Client
from django.urls import reverse
from tests.helpers import PASSWORD, totp_now

from qorgau.accounts.models import ApiToken
from qorgau.accounts.roles import Role

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:sign_in_code")
SETUP = reverse("accounts:mfa_setup")
HOME = reverse("core:home")


@pytest.fixture
def worker(make_user):
    return make_user(Role.CASEWORKER, username="worker")


def test_a_session_past_the_password_step_cannot_finish_after_a_lockout(client, worker, settings):
    response = client.post(LOGIN, {"username": "worker", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response["Location"] == CODE
    attacker = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT):  # the account is locked meanwhile, from elsewhere
        attacker.post(LOGIN, {"username": "worker", "password": "wrong-password-1"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(CODE, {"code": totp_now(worker)}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429 and "Sign-in paused" in response.content.decode()
    assert client.get(HOME).status_code == 302  # not signed in


def test_first_enrolment_is_also_held_by_a_lockout(client, make_user, settings):
    make_user(Role.CASEWORKER, username="newcomer", mfa=False)
    response = client.post(LOGIN, {"username": "newcomer", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response["Location"] == SETUP
    attacker = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(LOGIN, {"username": "newcomer", "password": "wrong-password-1"}, REMOTE_ADDR="10.0.0.9")
    assert client.get(SETUP, REMOTE_ADDR="10.0.0.1").status_code == 429


def test_one_code_signs_in_only_once(worker):
    code = totp_now(worker)
    first, second = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    for c in (first, second):
        c.post(LOGIN, {"username": "worker", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert first.post(CODE, {"code": code}, REMOTE_ADDR="10.0.0.1")["Location"] == HOME
    assert second.post(CODE, {"code": code}, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert second.get(HOME).status_code == 302


def _token_works(api_client, secret) -> int:
    c = api_client()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return c.get("/api/v1/me/").status_code


def test_api_tokens_stop_after_a_password_change(login_client, api_client, client, worker):
    from qorgau.accounts.services import token_create

    _, secret = token_create(actor=worker, name="laptop")
    assert _token_works(api_client, secret) == 200
    login_client(worker)
    new = "Another-Passphrase-2027"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert _token_works(api_client, secret) == 401
    assert not ApiToken.objects.filter(user=worker).exists()


def test_api_tokens_stop_after_sign_out_everywhere(login_client, api_client, client, worker):
    from qorgau.accounts.services import token_create

    _, secret = token_create(actor=worker, name="phone")
    assert _token_works(api_client, secret) == 200
    login_client(worker)
    assert client.post(reverse("accounts:logout_everywhere")).status_code == 302
    assert _token_works(api_client, secret) == 401
