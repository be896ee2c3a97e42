"""Behind the real nginx, each client is counted under its own address (issue 18, first finding).

nginx (Debian's package) runs in front of gunicorn with production settings, both on loopback.
Clients connect from different loopback addresses (127.0.0.2, 127.0.0.3, ... all reach this
machine), so nginx sees each one's real address and appends it to X-Forwarded-For. Before the
client address came from django-ipware, every request looked like nginx's own 127.0.0.1: five
wrong passwords from anyone locked out all staff, and five junk contact requests blocked the
portal for every survivor.
"""

import os

import pytest
from django.conf import settings
from django.test import override_settings
from tests.helpers import PASSWORD, totp_now

from deploy import stack as deploy_stack
from qorgau.accounts.roles import Role

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6")
PRODUCTION_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _clear_rate_limits():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("*qorgau:rl:*"):
        client.delete(key)


def _require_nginx():
    if not os.path.exists(deploy_stack.NGINX):
        if os.environ.get("CI") or os.environ.get("QORGAU_REQUIRE_NGINX"):
            pytest.fail("nginx is not installed (.ci/run installs Debian's package)")
        pytest.skip("nginx is not installed (apt-get install nginx)")


@pytest.fixture(scope="module")
def web(tmp_path_factory, django_db_setup):
    _require_nginx()
    with deploy_stack.running(
        database_url=_database_url(),
        redis_url=REDIS_URL,
        tmp=tmp_path_factory.mktemp("stack"),
        keys=deploy_stack.new_keys(),
        workers=1,
        threads=4,
    ) as running:
        yield running


@pytest.fixture
def staff(transactional_db, make_user):
    _clear_rate_limits()
    user = make_user(Role.CASEWORKER, username="caseworker.nginx")
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):  # what the server checks with
        user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _wrong_passwords(client, count):
    return [
        client.post_form(
            "/accounts/sign-in/", {"username": f"nobody-{n}", "password": "wrong-Password-1"}
        ).status
        for n in range(count)
    ]


def test_one_clients_wrong_passwords_lock_out_that_client_only(web, staff):
    attacker, colleague = web.client("127.0.0.2"), web.client("127.0.0.3")
    limit = settings.AXES_FAILURE_LIMIT
    statuses = _wrong_passwords(attacker, limit + 1)
    assert statuses[-1] == 429, statuses  # the attacker's address is paused

    # A colleague elsewhere signs in with her password and code.
    answer = colleague.sign_in(staff.username, PASSWORD, lambda: totp_now(staff))
    assert answer.status == 302 and answer.headers["Location"] == "/dashboard/", answer.status
    assert colleague.get("/dashboard/").status == 200

    # Writing another address into X-Forwarded-For does not take the attacker out of the pause:
    # nginx appends the real one, and Qorgau reads the entry nginx wrote.
    spoofed = attacker.post_form(
        "/accounts/sign-in/",
        {"username": staff.username, "password": PASSWORD},
        **{"X-Forwarded-For": "198.51.100.7"},
    )
    assert spoofed.status == 429


def test_portal_contact_limit_counts_each_visitor_apart(web, staff):
    # Only accepted requests count (a visitor correcting her form is never paused).
    limit = settings.QORGAU_CONTACT_RATE_LIMIT
    valid = {"alias": "Aru", "region": "71", "help_needed": "talk", "channel": "sms"}
    valid |= {"contact": "+7 700 000 01 23", "safe_time": "morning", "message": "After ten"}
    busy, other = web.client("127.0.0.4"), web.client("127.0.0.5")
    statuses = [busy.post_form("/en/contact/", valid).status for _ in range(limit + 1)]
    assert 429 not in statuses[:limit] and statuses[-1] == 429, statuses
    # Another visitor's request is still taken, not answered "busy".
    assert other.post_form("/en/contact/", valid).status != 429
    # A forged header from a fresh address gets her the same pause, never someone else's.
    forged = web.client("127.0.0.6")
    assert forged.post_form("/en/contact/", valid, **{"X-Forwarded-For": "127.0.0.4"}).status != 429
