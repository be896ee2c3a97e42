"""Legal protection in the national statistics: orders issued, served and breached by region and
month; a breach as an outcome (first breach per case)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.protection.conftest import issue, serve
from tests.protection.test_breaches_and_expiry import breach

from qorgau.protection import stats
from qorgau.stats import registry

pytestmark = pytest.mark.django_db


def test_the_app_registers_its_facts_and_its_outcome():
    assert registry.FACT_SOURCES["protective_order"].rows is stats.order_rows
    assert registry.OUTCOMES["order_breached"].first_dates is stats.first_breaches


def test_rows_count_issued_served_and_breached_of_the_cases_given_only(pw):
    issue(pw, number="PO-A")
    order = serve(
        pw,
        issue(pw, number="PO-B", issued_at=timezone.now() - timedelta(hours=3)),
        served_at=timezone.now() - timedelta(hours=2),
    )
    first = breach(pw, order, occurred_at=timezone.now() - timedelta(hours=1))
    breach(pw, order, occurred_at=timezone.now() - timedelta(minutes=10))
    rows = list(stats.order_rows([pw["case"].pk]))
    assert sorted(r.a for r in rows) == ["breached", "breached", "issued", "issued", "served"]
    assert {r.region for r in rows} == {"71"} and {r.kind for r in rows} == {"protective_order"}
    assert list(stats.order_rows([])) == []  # a case without her statistics consent is never read
    assert stats.first_breaches([pw["case"].pk]) == {pw["case"].pk: timezone.localdate(first.occurred_at)}
