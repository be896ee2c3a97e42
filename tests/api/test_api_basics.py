"""The API's ground rules: Bearer tokens, one error format, pagination, schema and offline docs."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from qorgau.accounts.models import ApiToken
from qorgau.accounts.roles import Role


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


@pytest.fixture
def worker(make_user):
    return make_user(Role.CASEWORKER)


def test_missing_token_is_401_in_the_error_format(api_client, db):
    error = assert_error(api_client().get("/api/v1/me/"), 401, "not_authenticated")
    assert "fields" not in error


def test_bad_token_is_401(api_client, db):
    c = api_client()
    c.credentials(HTTP_AUTHORIZATION="Bearer qorgau_not-a-real-token")
    assert_error(c.get("/api/v1/me/"), 401, "not_authenticated")


def test_valid_token_identifies_the_user(api_client, worker):
    response = api_client(worker).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == worker.username and response.json()["roles"] == ["caseworker"]


def test_error_messages_follow_accept_language(api_client, db):
    response = api_client().get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.json()["error"]["message"] == "Войдите или передайте действующий API-токен."


def test_unknown_api_path_is_json_404(api_client, worker):
    assert_error(api_client(worker).get("/api/v1/no-such-thing/"), 404, "not_found")


def test_malformed_json_is_400(api_client, worker):
    response = api_client(worker).generic("POST", "/api/v1/me/", "{not json", content_type="application/json")
    assert response.status_code in (400, 405)
    assert response.json()["error"]["code"] in ("malformed", "method_not_allowed")


def test_method_not_allowed_is_in_the_error_format(api_client, worker):
    assert_error(api_client(worker).delete("/api/v1/me/"), 405, "method_not_allowed")


def test_session_without_second_factor_is_not_enough(client, worker):
    client.force_login(worker, backend="django.contrib.auth.backends.ModelBackend")  # password only
    assert_error(client.get("/api/v1/me/"), 401, "not_authenticated")


def test_verified_session_works_for_the_api(client, login_client, worker):
    login_client(worker)
    assert client.get("/api/v1/me/").status_code == 200


def test_lists_are_paginated(api_client, worker):
    body = api_client(worker).get("/api/v1/agencies/?page_size=1").json()
    assert set(body) >= {"count", "next", "previous", "results"} and len(body["results"]) == 1


def test_invalid_page_is_404_in_the_error_format(api_client, worker):
    assert_error(api_client(worker).get("/api/v1/agencies/?page=999"), 404, "not_found")


def test_regions_are_the_twenty_units(api_client, worker):
    regions = api_client(worker).get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="kk").json()
    assert len(regions) == 20
    astana = next(r for r in regions if r["code"] == "71")
    assert astana["name"] == "Астана қаласы" and astana["name_en"] == "Astana"


def test_schema_is_openapi_3_and_documents_the_error_format(client, db):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert "bearerAuth" in schema["components"]["securitySchemes"]


def test_docs_load_their_assets_from_this_server(client, db):
    page = client.get(reverse("api:docs")).content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "unpkg" not in page and "jsdelivr" not in page


def test_token_command_creates_a_working_token(api_client, worker, capsys):
    call_command("token", "create", worker.username, "--name", "integration")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("qorgau_")
    c = api_client()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert c.get("/api/v1/me/").status_code == 200
    token = ApiToken.objects.get(user=worker, name="integration")
    call_command("token", "revoke", token.token_key)
    assert_error(c.get("/api/v1/me/"), 401, "not_authenticated")


def test_tokens_are_stored_only_as_digests(api_client, worker):
    from qorgau.accounts.services import token_create

    _, secret = token_create(actor=worker, name="x")
    stored = ApiToken.objects.get(user=worker, name="x")
    assert secret not in (stored.digest, stored.token_key) and secret.startswith(stored.token_key)


def test_personal_token_is_created_on_the_profile_page(client, login_client, worker):
    login_client(worker)
    bad = client.post(reverse("accounts:token_create"), {"name": "", "days": 900})
    assert bad.status_code == 400 and not ApiToken.objects.filter(user=worker).exists()
    page = client.post(reverse("accounts:token_create"), {"name": "reports", "days": 30}).content.decode()
    assert "qorgau_" in page and ApiToken.objects.filter(user=worker, name="reports").exists()


def test_every_operation_documents_the_error_format(client, db):
    """Clients (and tests/fuzz) can rely on it: any 4xx answer is the one error object."""
    schema = json.loads(
        client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").content
    )
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and error["properties"]["error"]["required"] == ["code", "message"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "4XX"):
                ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, status)
            assert ("409" in operation["responses"]) == (method in ("post", "put", "patch", "delete"))
