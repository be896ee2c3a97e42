"""The session row is not rewritten on every request, yet inactivity still signs her out."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qorgau.accounts.roles import Role

HOME = "/dashboard/"


@pytest.fixture
def signed_in(client, login_client, make_user):
    login_client(make_user(Role.CASEWORKER))
    return client


def _expiry(client):
    return Session.objects.get(session_key=client.cookies["qorgau_session"].value).expire_date


def _session_writes(client, path=HOME):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]


def test_requests_within_the_refresh_interval_write_no_session(signed_in, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _session_writes(signed_in)  # the first request after sign-in stamps the session
        stamped = _expiry(signed_in)
    with time_machine.travel(
        start + timedelta(seconds=settings.QORGAU_SESSION_REFRESH_SECONDS // 2), tick=False
    ):
        assert _session_writes(signed_in) == []
    assert _expiry(signed_in) == stamped
    later = start + timedelta(seconds=settings.QORGAU_SESSION_REFRESH_SECONDS + 5)
    with time_machine.travel(later, tick=False):
        assert len(_session_writes(signed_in)) == 1  # the idle clock moves on
    assert _expiry(signed_in) > stamped


def test_idle_sign_out_still_holds(signed_in, settings):
    idle = timedelta(minutes=settings.QORGAU_SESSION_IDLE_MINUTES)
    start = timezone.now()
    with time_machine.travel(start + idle - timedelta(minutes=2)):
        assert signed_in.get(HOME).status_code == 200  # she was busy: the clock restarts
    with time_machine.travel(start + 2 * idle - timedelta(minutes=3)):
        assert signed_in.get(HOME).status_code == 200
    with time_machine.travel(start + 3 * idle):
        assert signed_in.get(HOME).status_code == 302


def test_a_visitor_without_a_session_gets_none(client):
    assert client.get("/en/").status_code == 200
    assert "qorgau_session" not in client.cookies
