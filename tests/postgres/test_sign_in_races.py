"""One second-factor code posted from several sessions at the same moment signs in once (issue 18:
3 of 7 trials signed in twice). The device row is locked while the code is checked."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from tests.helpers import PASSWORD, totp_now

from qorgau.accounts import mfa
from qorgau.accounts.roles import Role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:sign_in_code")
HOME = reverse("core:home")
PARALLEL = 6


def _post_together(clients, code):
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def runner(i, c):
        close_old_connections()
        barrier.wait()
        try:
            results[i] = c.post(CODE, {"code": code}, REMOTE_ADDR="10.0.0.1").get("Location")
        except Exception as exc:  # collected for the assertion
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _sessions_past_the_password(username):
    clients = [Client(HTTP_ACCEPT_LANGUAGE="en") for _ in range(PARALLEL)]
    for c in clients:
        response = c.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
        assert response["Location"] == CODE
    return clients


@pytest.mark.parametrize("trial", range(3))
def test_one_totp_code_in_parallel_signs_in_once(make_user, trial):
    user = make_user(Role.CASEWORKER, username=f"racer{trial}")
    results = _post_together(_sessions_past_the_password(user.username), totp_now(user))
    assert results.count(HOME) == 1 and all(isinstance(r, str | None) for r in results), results


def test_one_recovery_code_in_parallel_signs_in_once(make_user):
    user = make_user(Role.CASEWORKER, username="recoverer")
    code = mfa.recovery_codes_regenerate(actor=user)[0]
    results = _post_together(_sessions_past_the_password(user.username), code)
    assert results.count(HOME) == 1 and all(isinstance(r, str | None) for r in results), results
