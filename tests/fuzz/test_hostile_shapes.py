"""The hostile-bytes class kept closed (issue 18): every operation of the API's own schema gets each
hostile shape — a lone surrogate and a NUL in every string of a JSON body, JSON nested 50,000 deep,
a NUL in every query parameter and every path parameter — as a caseworker whose agency holds a
case (campaign and conference operations as the actors who can reach them). Every answer must be a
4xx in the API's error format, never a 5xx, and no table may change.

Deterministic and bounded: one request per operation and shape, no generation."""

import json

import pytest
from django.apps import apps
from django.test import Client
from tests.fuzz.test_api_fuzz import CAMPAIGN_PATHS, CONFERENCE_PATHS, world  # noqa: F401

pytestmark = pytest.mark.django_db

SKIP_TABLES = {"core.auditevent", "core.audithead", "sessions.session", "axes.accessattempt"}
DEEP = "[" * 50_000 + "]" * 50_000


def _schema():
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


SCHEMA = _schema()
OPERATIONS = [
    (path, method.upper(), op)
    for path, item in SCHEMA["paths"].items()
    for method, op in item.items()
    if method in ("get", "post", "put", "patch", "delete")
]


def _resolve(ref):
    node = SCHEMA
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _example(schema, poison, depth=0):
    """A body in the operation's shape where every string is the poison."""
    if "$ref" in schema:
        schema = _resolve(schema["$ref"])
    for key in ("allOf", "oneOf", "anyOf"):
        if schema.get(key):
            return _example(schema[key][0], poison, depth)
    kind = schema.get("type")
    if depth > 6:
        return poison
    if kind == "object" or "properties" in schema:
        return {name: _example(sub, poison, depth + 1) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_example(schema.get("items", {}), poison, depth + 1)]
    return poison


def _counts():
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in SKIP_TABLES and model._meta.managed
    }


def _who(path):
    if path.startswith(CAMPAIGN_PATHS):
        return "coordinator"
    return "marac" if path.startswith(CONFERENCE_PATHS) else "worker"


def _shapes(path, method, op):
    """(url, body text or None) for each hostile shape of this operation."""
    params = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
    query = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if params:
        yield "nul in path", _fill(path, dict.fromkeys(params, "%00")), None
    yield "nul in query", path + "?" + "&".join(f"{name}=%00" for name in query or ["q"]), None
    if content and method != "GET":
        for name, poison in (("surrogate", "A\ud800B"), ("nul", "A\u0000B")):
            text = json.dumps(_example(content["schema"], poison))
            yield f"{name} in body", path, text
        yield "deep body", path, DEEP


def _fill(path, values):
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    return path


@pytest.mark.parametrize("path,method,op", OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_hostile_shapes_are_refused_and_change_nothing(path, method, op, world):  # noqa: F811
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world['tokens'][_who(path)]}", HTTP_ACCEPT_LANGUAGE="en")
    for shape, url, text in _shapes(path, method, op):
        url = url if shape == "nul in path" else _fill(url, world["ids"])
        before = _counts()
        response = client.generic(method, url, (text or "").encode("ascii"), content_type="application/json")
        label = f"{shape}: {method} {url[:120]}"
        assert response.status_code < 500, (label, response.content[:300])
        assert 400 <= response.status_code < 500, (label, response.status_code)
        error = response.json()["error"]
        assert error["code"] and error["message"], label
        assert _counts() == before, label
