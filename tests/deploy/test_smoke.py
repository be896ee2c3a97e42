"""deploy/smoke.py's checks against the real nginx and gunicorn with production settings."""

import pytest
from django.test import override_settings
from tests.deploy.test_behind_nginx import PRODUCTION_HASHERS, REDIS_URL, _database_url, _require_nginx
from tests.helpers import PASSWORD, totp_now

from deploy import smoke
from deploy import stack as deploy_stack
from qorgau.accounts.roles import Role

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_smoke_checks_pass(transactional_db, make_user, tmp_path):
    _require_nginx()
    user = make_user(Role.CASEWORKER, username="smoke.user")
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    with deploy_stack.running(
        database_url=_database_url(),
        redis_url=REDIS_URL,
        tmp=tmp_path,
        keys=deploy_stack.new_keys(),
        workers=1,
        request_max_mb=smoke.REQUEST_MAX_MB,
    ) as stack:
        results = smoke.checks(stack, username=user.username, password=PASSWORD, code=lambda: totp_now(user))
    failed = [(what, detail) for what, ok, detail in results if not ok]
    assert not failed
    assert len(results) >= 15
