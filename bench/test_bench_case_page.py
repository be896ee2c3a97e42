"""The whole case page (request, policy, audit, template) for a busy case, beside the floor in the
same run: a signed-in page through the same middleware with one indexed query and no template
(bench/floor.py). The figure that counts is the ratio of the medians.

Run: make bench PYTEST_ARGS="-k case_page"   (add TEST_DATABASE_URL=... for PostgreSQL)
"""

import pytest
from django.test import Client, override_settings

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role


@pytest.fixture
def busy_page(db, make_user, make_agency, open_case, login_client):
    from tests.risk.helpers import assess

    from qorgau.cases import services
    from qorgau.risk.safety_plan import SafetyPlan
    from qorgau.risk.services import safety_plan_save

    centre = make_agency(Agency.Kind.CRISIS_CENTRE)
    police = make_agency(Agency.Kind.POLICE)
    kinds = [k for k in Agency.Kind.values if k not in ("operator", "national_commission")]
    for n in range(40):  # about the country's 42 agencies, which every agency picker lists
        make_agency(kinds[n % len(kinds)])
    worker = make_user(Role.CASEWORKER, Role.SUPERVISOR, agency=centre)
    supervisor = make_user(Role.SUPERVISOR, agency=centre)
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
    case = open_case(worker, consents=consents)
    for n in range(10):
        services.note_add(actor=worker, case=case, section="general", body=f"Жазба {n}: " + "сөз " * 40)
    services.emergency_grant(
        actor=supervisor, case=case, agency=police, sections=["general", "safety"], hours=24, reason="x" * 30
    )
    assess(worker, case, yes=8)
    safety_plan_save(actor=worker, case=case, expected_version=0, plan=SafetyPlan(code_word="w"))
    client = login_client(worker, Client(HTTP_ACCEPT_LANGUAGE="kk"))
    client.get(f"/cases/{case.pk}/")  # warm: the first request of a session loads what later ones reuse
    return client, case


def test_bench_case_page_whole(benchmark, busy_page):
    client, case = busy_page
    response = benchmark(lambda: client.get(f"/cases/{case.pk}/"))
    assert response.status_code == 200


@override_settings(ROOT_URLCONF="bench.floor_urls")
def test_bench_case_page_floor(benchmark, busy_page):
    client, case = busy_page
    response = benchmark(lambda: client.get(f"/bench/floor/{case.pk}/"))
    assert response.status_code == 200 and case.number.encode() in response.content
