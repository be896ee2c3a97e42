"""Risk work at scale: the hourly overdue job over many open cases, and the risk section of a
busy case page (history, proposal with perpetrator grouping)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases.models import Case
from qorgau.cases.policies import case_access
from qorgau.notifications.models import Notification
from qorgau.risk import selectors, services
from qorgau.risk.models import Assessment

CASES = 5_000  # open cases with a current assessment in one deployment's job run


@pytest.fixture
def caseload(db, make_agency, make_user):
    """CASES open cases of one agency, one current assessment each; every second one overdue."""
    agency = make_agency(Agency.Kind.CRISIS_CENTRE)
    worker = make_user(Role.CASEWORKER, agency=agency)
    now = timezone.now()
    cases = Case.objects.bulk_create(
        Case(
            number=f"QG-2026-{n:06d}",
            holding_agency=agency,
            entry_point="crisis_centre",
            opened_by=worker,
            assigned_to=worker,
            status="active",
        )
        for n in range(1, CASES + 1)
    )
    Assessment.objects.bulk_create(
        Assessment(
            case=case,
            instrument_id="checklist-24",
            version=1,
            digest="x",
            answers=None,
            level=3,
            actuarial_level=3,
            score=15,
            assessed_by=worker,
            agency=agency,
            assessed_at=now - timedelta(days=8 if n % 2 else 2),
        )
        for n, case in enumerate(cases)
    )
    return worker


def _reset():
    Notification.objects.all().delete()
    Assessment.objects.update(overdue_notified_at=None)


def test_bench_overdue_job_first_run_5000_cases(benchmark, caseload):
    """The run that finds CASES/2 overdue assessments and notifies each caseworker once."""
    sent = benchmark.pedantic(services.reassessments_overdue_notify, setup=_reset, rounds=3, iterations=1)
    assert sent == CASES // 2 and Notification.objects.count() == CASES // 2


def test_bench_overdue_job_steady_state_5000_cases(benchmark, caseload):
    """Every later hourly run: everything overdue is already notified, nothing to do."""
    services.reassessments_overdue_notify()
    sent = benchmark(services.reassessments_overdue_notify)
    assert sent == 0 and Notification.objects.count() == CASES // 2


def test_bench_case_risk_section(benchmark, make_user, open_case):
    """A case with 30 assessments and 12 incidents by two recorded men: the case page's risk part."""
    from tests.helpers import incident_data
    from tests.risk.helpers import assess

    from qorgau.cases.services import incident_add

    worker = make_user(Role.CASEWORKER)
    case = open_case(worker)
    for n in range(30):
        assess(worker, case, yes=n % 20)
    for n in range(12):
        who = ("current_partner", {"family_name": "Жандосов" if n % 2 else "Серіков", "given_name": "Ерлан"})
        day = timezone.localdate() - timedelta(days=20 * n + 3)
        incident_add(
            actor=worker, case=case, perpetrator=who, fields=incident_data(occurred_on=day, reported_on=day)
        )
    access = case_access(worker, case)
    summary = benchmark(lambda: selectors.case_risk_get(actor=worker, case=case, access=access))
    assert len(summary.history) == 30 and summary.proposal.check.codes
