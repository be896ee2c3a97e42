"""Idempotency-Key on creating API writes (issue 18): a case POST whose client saw a dropped
connection may have committed; its retry must not open a duplicate."""

from datetime import timedelta

import pytest
from tests.cases.test_case_api import body

from qorgau.accounts.roles import Role
from qorgau.api.models import IdempotencyKey
from qorgau.cases.models import Case

KEY = "3f1c2a9e-0d7b-4c55-9a1e-7b2f6c1d0e42"


@pytest.fixture
def worker(make_user):
    return make_user(Role.CASEWORKER)


@pytest.fixture
def api(api_client, worker):
    return api_client(worker)


def post(api, data, key=KEY, url="/api/v1/cases/"):
    return api.post(url, data, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_no_duplicate(api):
    first = post(api, body())
    assert first.status_code == 201
    retry = post(api, body())
    assert retry.status_code == 201 and retry["Idempotency-Replayed"] == "true"
    assert retry.json() == first.json()
    assert Case.objects.count() == 1


def test_without_the_header_each_post_creates(api):
    api.post("/api/v1/cases/", body(), format="json")
    api.post("/api/v1/cases/", body(), format="json")
    assert Case.objects.count() == 2


def test_the_same_key_with_a_different_body_is_a_422(api):
    assert post(api, body()).status_code == 201
    other = post(api, body(survivor={"given_name": "Дана"}))
    assert other.status_code == 422
    error = other.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert error["message"] == (
        "This Idempotency-Key was already used for a different request. Use a new key for a new request."
    )
    assert post(api, body(), url="/api/v1/referrals/").status_code == 422  # another address too
    assert Case.objects.count() == 1


def test_keys_are_per_user(api, api_client, make_user, worker):
    colleague = make_user(Role.CASEWORKER, agency=worker.agency)
    assert post(api, body()).status_code == 201
    theirs = post(api_client(colleague), body())
    assert theirs.status_code == 201 and "Idempotency-Replayed" not in theirs
    assert Case.objects.count() == 2


def test_a_failed_request_keeps_nothing_and_the_key_can_be_used_again(api):
    bad = post(api, body(survivor={"iin": "900101400405"}))
    assert bad.status_code == 400 and not IdempotencyKey.objects.exists()
    assert post(api, body()).status_code == 201 and Case.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "ключ", "a\tb"])
def test_a_malformed_key_is_a_400(api, key):
    response = post(api, body(), key=key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert Case.objects.count() == 0


def test_the_stored_answer_is_encrypted_and_the_key_hashed(api):
    post(api, body())
    row = IdempotencyKey.objects.get()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT key_hash, body FROM api_idempotencykey")
        key_hash, stored = cursor.fetchone()
    assert KEY not in key_hash and "Айгүл" not in stored and row.body and "Айгүл" in row.body


def test_without_credentials_the_key_changes_nothing(db, api_client):
    response = post(api_client(), body())
    assert response.status_code == 401 and not IdempotencyKey.objects.exists()


def test_kept_answers_are_erased_after_the_retry_window(api, settings):
    import time_machine
    from django.utils import timezone

    from qorgau.api.tasks import idempotency_keys_purge

    post(api, body())
    assert idempotency_keys_purge() == 0
    with time_machine.travel(timezone.now() + settings.QORGAU_IDEMPOTENCY_KEEP + timedelta(minutes=1)):
        assert idempotency_keys_purge() == 1
    assert not IdempotencyKey.objects.exists()
