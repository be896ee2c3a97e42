"""The full-route matrix: every URL pattern (from the resolver) and every API operation (from the
OpenAPI schema), for every role at every relation to the world's case (tests/doors.py,
RELATIONS) and for someone not signed in.

For each route the app's door module says who may read it and who may write through it
(tests/<app>/door.py, ROUTES), or why the matrix does not walk it (EXEMPT). Then, for every actor:
- a GET answers readers with 200/302, and everyone else with 302/401/403/404/405;
- every other method writes nothing to any table (audit and session aside) unless the actor may
  write there;
- no answer holds a secret of the world that the actor may not know — not a name, not a number.
A route that no door module covers fails the coverage test. The world is built once per module
and every request runs in a savepoint that is rolled back, so each one meets the same world.
"""

import functools
import json
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.doors import RELATIONS, Actor, Route, World, door_modules, merged
from tests.helpers import totp_key_for

# Writes these tables take for anyone: the audit chain (denied reads are recorded), the session.
WRITES_FOR_ANYONE = {"core_auditevent", "core_audithead", "django_session"}
WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
READ_ANSWERS = {200}
NOTHING_ANSWERS = {302, 401, 403, 404, 405}
REFUSED_WRITE_ANSWERS = {302, 400, 401, 403, 404, 405, 409}
SAFE = {"get", "head", "options"}
GENERIC_PAYLOAD = {
    "note": "A note that must not be saved",
    "body": "A note that must not be saved",
    "section": "general",
    "reason": "A reason given here",
    "status": "answered",
    "version": 1,
    "text": "Some text",
}


def url_patterns() -> list[tuple[str, str, URLPattern]]:
    """(namespaced name, route, pattern) for every URL pattern."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(
                    p.url_patterns,
                    prefix + str(p.pattern),
                    f"{namespace}{p.namespace}:" if p.namespace else namespace,
                )
            elif isinstance(p, URLPattern):
                found.append((f"{namespace}{p.name}", prefix + str(p.pattern), p))

    walk(get_resolver().url_patterns)
    return found


def _template(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).lstrip("^").rstrip("$")


@functools.cache
def api_operations() -> dict[str, set[str]]:
    """OpenAPI path template -> its methods, from the schema the API serves."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        path: {m for m in item if m in {"get", "post", "put", "patch", "delete"}}
        for path, item in schema["paths"].items()
    }


PATTERNS = url_patterns()
ROUTES: dict[str, Route] = merged("ROUTES")
EXEMPT: dict[str, str] = merged("EXEMPT")


def test_every_route_and_operation_is_covered():
    names = [name for name, _route, _p in PATTERNS]
    assert len(names) == len(set(names)), "two URL patterns share a name: the matrix cannot tell them apart"
    missing = sorted(set(names) - set(ROUTES) - set(EXEMPT))
    assert not missing, f"routes no tests/<app>/door.py covers (ROUTES) or exempts (EXEMPT): {missing}"
    assert not set(ROUTES) & set(EXEMPT), "a route is both covered and exempt"
    stale = sorted((set(ROUTES) | set(EXEMPT)) - set(names))
    assert not stale, f"door modules name routes that no longer exist: {stale}"
    assert all(isinstance(reason, str) and len(reason) > 15 for reason in EXEMPT.values())
    templates = {_template(route): name for name, route, _p in PATTERNS if name.startswith("api:")}
    unmatched = sorted(path for path in api_operations() if path not in templates)
    assert not unmatched, f"API operations without a URL pattern: {unmatched}"
    uncovered = sorted(
        f"{m.upper()} {p}"
        for p, ms in api_operations().items()
        for m in ms
        if templates[p] not in ROUTES and templates[p] not in EXEMPT
    )
    assert not uncovered, f"API operations neither walked nor exempt: {uncovered}"


# --- The world ------------------------------------------------------------------------------------


def _sign_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def build_world() -> World:
    from tests.conftest import ensure_regions

    from qorgau.accounts.models import Agency, User, UserRole
    from qorgau.accounts.roles import Role

    ensure_regions()
    world = World()
    for relation, kind, region in (
        ("own", Agency.Kind.CRISIS_CENTRE, "71"),
        ("other", Agency.Kind.POLICE, "75"),
        ("granted", Agency.Kind.POLICE, "71"),
    ):
        name = f"Matrix {relation}"
        world.agencies[relation] = Agency.objects.create(
            kind=kind, region_id=region, name_kk=name, name_ru=name, name_en=name
        )
    for relation in RELATIONS:
        for role in Role.values:
            username = f"{role}.{relation}"
            user = User.objects.create(
                username=username,
                agency=world.agencies[relation],
                first_name="M",
                last_name=username,
                must_change_password=False,
            )
            UserRole.objects.create(user=user, role=role)
            TOTPDevice.objects.create(user=user, name="m", key=totp_key_for(username), confirmed=True)
            world.actors[(relation, role)] = Actor(relation, role, user, _sign_in(user))
    world.anonymous = Actor(None, None, None, Client(HTTP_ACCEPT_LANGUAGE="en"))
    for module in sorted(door_modules(), key=lambda m: getattr(m, "ORDER", 100)):
        if hasattr(module, "build"):
            module.build(world)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- Walking one route ----------------------------------------------------------------------------


def _methods(name: str, route: str, pattern: URLPattern) -> list[str]:
    if name.startswith("api:"):
        return sorted(api_operations().get(_template(route), set()))
    view = pattern.callback
    allowed = None
    for cell in getattr(view, "__closure__", None) or ():
        if isinstance(cell.cell_contents, list) and all(isinstance(m, str) for m in cell.cell_contents):
            allowed = [m.lower() for m in cell.cell_contents]  # require_http_methods' list
    return [m for m in ("get", "post") if allowed is None or m in allowed]


def _path(route: str, rule: Route, world: World) -> str:
    def value(match):
        param = match.group(1)
        key = rule.params.get(param, param)
        assert key in world.ids, f"no world id {key!r} for <{param}> in {route}"
        return str(world.ids[key])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route).lstrip("^").rstrip("$")


def _request(actor: Actor, method: str, path: str, is_api: bool, payload: dict):
    client = actor.client
    if method in SAFE:
        return getattr(client, method)(path)
    if is_api:
        return getattr(client, method)(path, data=json.dumps(payload), content_type="application/json")
    return client.post(path, data=payload)


def _writes(queries) -> set[str]:
    tables = {m.group(1) for q in queries if (m := WRITE_SQL.match(q["sql"]))}
    return tables - WRITES_FOR_ANYONE


def walk(name: str, world: World) -> list[str]:
    """Every actor against one route; the problems found, in words."""
    route, pattern = next((r, p) for n, r, p in PATTERNS if n == name)
    rule = ROUTES[name]
    path, is_api = _path(route, rule, world), name.startswith("api:")
    payload = {
        key: value.format(**world.ids) if isinstance(value, str) else value
        for key, value in {**GENERIC_PAYLOAD, **(rule.payload or {})}.items()
    }
    problems = []
    for actor in [world.anonymous, *world.actors.values()]:
        for method in _methods(name, route, pattern):
            sid = transaction.savepoint()
            try:
                with CaptureQueriesContext(connection) as queries:
                    response = _request(actor, method, path, is_api, payload)
            finally:
                transaction.savepoint_rollback(sid)
            status, where = response.status_code, f"{actor!r} {method.upper()} {path}"
            if method in SAFE:
                if rule.read(actor) and status not in (rule.read_answers or READ_ANSWERS):
                    problems.append(f"{where}: {status}, but this actor may read it")
                elif not rule.read(actor) and status not in NOTHING_ANSWERS:
                    problems.append(f"{where}: {status}, but this actor may not read it")
            elif not rule.write(actor):
                # A reader's post may read (a search, the identity check, a page that ignores it).
                if status not in REFUSED_WRITE_ANSWERS and not (rule.read(actor) and status < 300):
                    problems.append(f"{where}: {status}, but this actor may not write here")
                if written := _writes(queries.captured_queries):
                    problems.append(f"{where}: wrote {sorted(written)}, but this actor may not write here")
            elif status in (404, 500):
                problems.append(f"{where}: {status}, but this actor may write here")
            body = response.content.decode(errors="replace")
            for secret, may_know in world.secrets:
                if secret in body and not may_know(actor):
                    problems.append(f"{where}: leaked {secret!r}")
    return problems


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route(world, db, name):
    problems = walk(name, world)
    assert not problems, "\n  ".join([f"{name}:", *problems])
