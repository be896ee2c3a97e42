"""Hostile bytes (issue 18): a lone surrogate in an encrypted field, JSON nested 50,000 deep, a NUL
in list filters, searches, form fields and the public letter check. Each used to be a 500 (on
PostgreSQL) or reach the database; each is now a translated 400 that stores nothing."""

import json

import pytest
from tests.cases.test_case_api import body

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case, Note
from qorgau.people.models import Person

HOSTILE = "The request contains characters that cannot be accepted (a NUL or a broken character)."


@pytest.fixture
def worker(make_user):
    return make_user(Role.CASEWORKER)


@pytest.fixture
def api(api_client, worker):
    return api_client(worker)


def post_raw(api, url, text):
    return api.generic("POST", url, text.encode("ascii"), content_type="application/json")


def assert_refused(response, code="invalid_characters", message=HOSTILE):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert error["code"] == code and error["message"] == message, error


@pytest.mark.parametrize("field", ["given_name", "family_name", "phone", "iin"])
def test_lone_surrogate_in_an_encrypted_field_is_refused_and_stores_nothing(api, field):
    data = body()
    data["survivor"][field] = "A\ud800B"
    text = json.dumps(data)  # ASCII JSON: the surrogate travels as the escape \ud800
    assert "\\ud800" in text
    assert_refused(post_raw(api, "/api/v1/cases/", text))
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_lone_surrogate_in_a_note_of_an_open_case_is_refused(api, worker, open_case):
    case = open_case(worker)
    before = Note.objects.count()
    response = post_raw(api, f"/api/v1/cases/{case.pk}/notes/", json.dumps({"body": "x\udfffy"}))
    assert_refused(response)
    assert Note.objects.count() == before


def test_nul_inside_json_and_in_a_key_is_refused(api):
    data = body()
    data["incident"]["account"] = "He\u0000hit me"
    assert_refused(post_raw(api, "/api/v1/cases/", json.dumps(data)))
    assert_refused(post_raw(api, "/api/v1/cases/", json.dumps({"surv\u0000ivor": {}})))
    assert Case.objects.count() == 0


def test_json_nested_50000_deep_is_a_400(api):
    for text in ("[" * 50_000 + "]" * 50_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        assert_refused(
            post_raw(api, "/api/v1/cases/", text),
            code="too_deep",
            message="The request body is nested too deeply.",
        )
    assert Case.objects.count() == 0


def test_moderately_nested_json_still_reaches_the_validation(api):
    response = post_raw(api, "/api/v1/cases/", json.dumps({"survivor": [[[[{"a": 1}]]]]}))
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/?status=%00",
        "/api/v1/cases/?mine=%00",
        "/api/v1/events/?status=%00",
        "/api/v1/events/?region=%00&kind=x",
        "/api/v1/referrals/?status=%00",
        "/api/v1/agencies/?region=%00",
        "/api/v1/directory/?q=%00",
        "/api/v1/%00/",
    ],
)
def test_nul_in_api_list_filters_is_a_400(api, url):
    assert_refused(api.get(url))


def test_nul_in_the_case_list_search_and_filters_is_a_translated_400(client, login_client, worker):
    login_client(worker)
    for response in (
        client.post("/cases/", {"q": "Айгүл\x00"}),
        client.get("/cases/?status=%00"),
    ):
        assert response.status_code == 400 and HOSTILE in response.content.decode()
    worker.language = "ru"
    worker.save()
    response = client.get("/cases/?status=%00", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400 and HOSTILE not in response.content.decode()


def test_nul_in_a_form_field_stores_nothing(client, login_client, worker, open_case):
    case = open_case(worker)
    login_client(worker)
    before = Note.objects.count()
    response = client.post(f"/cases/{case.pk}/notes/", {"body": "a\x00b"})
    assert response.status_code == 400 and HOSTILE in response.content.decode()
    assert Note.objects.count() == before


@pytest.mark.parametrize("url", ["/verify/%00", "/verify/%00/", "/verify/?code=%00", "/en/?q=%00"])
def test_public_pages_with_a_nul_are_a_400(client, db, url):
    response = client.get(url)
    assert response.status_code == 400 and HOSTILE in response.content.decode()


def test_ordinary_text_passes(client, db):
    assert client.get("/verify/ABCD1234").status_code in (200, 404)
