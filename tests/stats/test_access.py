"""Every statistics route × every role, over a world with figures: only analysts (and, for risk
levels against outcomes, system administrators) get figures; everyone else gets 403 and nothing.
The full-route matrix (tests/test_route_matrix.py, tests/stats/door.py) walks the same routes
for every role at three agencies, and proves that analysts reach no case route."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from tests.stats.conftest import STATISTICS

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.stats.refresh import rebuild


def routes():
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
                found.append((f"{namespace}{p.name}", prefix + str(p.pattern), set(p.pattern.converters)))

    walk(get_resolver().url_patterns)
    return found


STATS_ROUTES = [r for r in routes() if r[0].startswith("stats:") or r[0].startswith("api:stats_")]


def _url(route: str) -> str:
    return "/" + route.replace("^", "").replace("$", "").replace("<slug:page>", "incidents")


def allowed(name: str, role: str) -> bool:
    if "calibration" in name:
        return role in (Role.ANALYST, Role.SYSTEM_ADMIN)
    return role == Role.ANALYST


@pytest.fixture
def figures_world(make_user, make_agency, open_case):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre Z")
    worker = make_user(Role.CASEWORKER, agency=centre, username="z.worker")
    for _ in range(6):
        open_case(worker, consents=[STATISTICS])
    rebuild()
    return {
        "own": centre,
        "other": make_agency(Agency.Kind.POLICE, name="Police Z"),
        "commission": make_agency(Agency.Kind.NATIONAL_COMMISSION, name="Commission Z"),
    }


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("where", ["own", "commission"])
def test_statistics_routes_answer_only_those_allowed(
    figures_world, make_user, login_client, client, api_client, role, where
):
    assert len(STATS_ROUTES) >= 7
    actor = make_user(role, agency=figures_world[where], username=f"st.{where}.{role}")
    login_client(actor)
    api = api_client(actor)
    for name, route, _params in STATS_ROUTES:
        url = _url(route) + ("?format=csv" if "download" in route else "")
        response = (api if name.startswith("api:") else client).get(url)
        if allowed(name, role):
            assert response.status_code == 200, (role, url, response.status_code)
        else:
            assert response.status_code == 403, (role, url, response.status_code)
            assert b"Incidents by region" not in response.content and b"total" not in response.content
        for method in ("post", "put", "delete"):
            assert getattr(api if name.startswith("api:") else client, method)(url).status_code in (403, 405)


def test_the_open_data_page_needs_no_sign_in_and_shows_only_whole_years(figures_world, client):
    response = client.get("/en/open-data/")
    assert response.status_code == 200
    assert client.get("/en/open-data/1999/").status_code == 404
    assert client.get("/en/open-data/1999.csv").status_code == 404
