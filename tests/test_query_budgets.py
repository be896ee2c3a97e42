"""Query budgets of the pages and API reads people use all day (as Zulip pins them around each
request): a change that adds a query per row, or decides the same access twice, fails here.

Counts are for a case with what a busy case has: consents, an emergency grant, a referral, a plan,
a risk assessment and a safety plan. Lists are measured with two and with five cases: the count
must not grow with the list."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role

pytestmark = pytest.mark.django_db

# What each read costs now: raise a budget only with a reason in the commit message.
# Audit lanes (ADR 0014) take the event's display number from a sequence: +1 per audit event.
BUDGETS = {
    # 38, then +4 legal protection section, +4 pickers of her region and parties, +1 requests to
    # platforms, +1 court requirements; -8 the folded forms of the pathway come when opened
    ("holder", "case page"): 41,
    (
        "granted",
        "case page",
    ): 34,  # 30 before the legal protection section (41 when consents were read five times); +1 platform
    # requests, +1 court requirements; -1 the service form comes when opened
    ("holder", "case list"): 15,  # each HTML page saved the session (3 queries) until then
    ("granted", "case list"): 18,
    ("holder", "dashboard"): 39,  # +2 the protective-order and legal-work panels, +1 correction programmes
    ("holder", "api case"): 16,
    ("granted", "api case"): 17,
    ("holder", "api case list"): 12,
    ("holder", "api risk"): 17,  # +1: the dates of order breaches bring the re-assessment forward
    ("granted", "api risk"): 20,
    ("holder", "api timeline"): 11,
}


@pytest.fixture
def busy(make_user, make_agency, open_case, login_client, api_client):
    from tests.risk.helpers import assess

    from qorgau.cases import services
    from qorgau.directory.models import ServiceType
    from qorgau.referrals import services as referrals
    from qorgau.referrals.models import CasePlan, PlanAction
    from qorgau.risk.safety_plan import SafetyPlan
    from qorgau.risk.services import safety_plan_save

    centre = make_agency(Agency.Kind.CRISIS_CENTRE)
    police = make_agency(Agency.Kind.POLICE)
    worker = make_user(Role.CASEWORKER, agency=centre)
    supervisor = make_user(Role.SUPERVISOR, agency=centre)
    officer = make_user(Role.POLICE_OFFICER, agency=police)
    consents = [
        {"purpose": "referral", "recipient_kind": "police", "method": "written", "given_by": "survivor"},
        {
            "purpose": "share",
            "recipient_kind": "police",
            "sections": ["general"],
            "method": "written",
            "given_by": "survivor",
        },
    ]
    cases = [open_case(worker, consents=consents) for _ in range(5)]
    case = cases[0]
    services.emergency_grant(
        actor=supervisor, case=case, agency=police, sections=["general", "safety"], hours=24, reason="x" * 30
    )
    referral = referrals.referral_send(
        actor=worker, case=case, service=ServiceType.objects.get(code="police_report"), to_agency=police
    )
    accepted = api_client(officer).post(
        f"/api/v1/referrals/{referral.pk}/actions/", {"action": "accept", "version": 1}, format="json"
    )
    assert accepted.status_code == 200
    plan = CasePlan.objects.create(case=case)
    PlanAction.objects.create(plan=plan, goal="g", action="a", agency=centre, due_on=case.opened_at.date())
    assess(worker, case, yes=8)
    safety_plan_save(actor=worker, case=case, expected_version=0, plan=SafetyPlan(code_word="w"))
    return {
        "case": case,
        "cases": cases,
        "holder": (login_client(worker, Client(HTTP_ACCEPT_LANGUAGE="en")), api_client(worker)),
        "granted": (login_client(officer, Client(HTTP_ACCEPT_LANGUAGE="en")), api_client(officer)),
    }


def count(client, url) -> tuple[int, list]:
    client.get(url)  # warm: the first request of a session loads what every later one reuses
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), [q["sql"] for q in queries.captured_queries]


def urls(case) -> dict:
    return {
        "case page": (0, f"/cases/{case.pk}/"),
        "case list": (0, "/cases/"),
        "dashboard": (0, "/dashboard/"),
        "api case": (1, f"/api/v1/cases/{case.pk}/"),
        "api case list": (1, "/api/v1/cases/"),
        "api risk": (1, f"/api/v1/cases/{case.pk}/risk/"),
        "api timeline": (1, f"/api/v1/cases/{case.pk}/timeline/"),
    }


@pytest.mark.parametrize("who,page", sorted(BUDGETS))
def test_query_budget(busy, who, page):
    which, url = urls(busy["case"])[page]
    n, sql = count(busy[who][which], url)
    assert n == BUDGETS[(who, page)], (
        f"{who} {page}: {n} queries (budget {BUDGETS[(who, page)]}):\n" + "\n".join(s[:160] for s in sql)
    )


def test_the_case_page_decides_access_once(busy):
    """The shared agency's access needs its shares and her consents: read once per page."""
    _n, sql = count(busy["granted"][0], f"/cases/{busy['case'].pk}/")
    assert sum('FROM "cases_consent"' in s for s in sql) == 1, "her consents read more than once"
    assert sum('FROM "cases_caseshare"' in s for s in sql) == 1, "the shares read more than once"


@pytest.mark.parametrize("page", ["case list", "dashboard", "api case list"])
def test_lists_cost_the_same_for_two_cases_or_five(busy, page):
    from qorgau.cases.models import Case

    which, url = urls(busy["case"])[page]
    client = busy["holder"][which]
    five, _ = count(client, url)
    Case.objects.filter(pk__in=[c.pk for c in busy["cases"][2:]]).update(assigned_to=None, status="closed")
    Case.objects.filter(pk__in=[c.pk for c in busy["cases"][2:]]).delete()
    two, _ = count(client, url)
    assert two == five, f"{page}: {two} queries for two cases, {five} for five"
