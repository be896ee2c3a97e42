"""Risk work saved by two people at the same moment (PostgreSQL, two real connections)."""

import pytest
from tests.postgres.test_concurrency import run_together
from tests.risk.helpers import assess

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case
from qorgau.core.errors import Conflict
from qorgau.risk import services
from qorgau.risk.models import Assessment, SafetyPlan
from qorgau.risk.safety_plan import SafetyPlan as PlanDocument

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_first_safety_plans_at_once_one_saves_one_gets_a_conflict(make_user, open_case):
    worker = make_user(Role.CASEWORKER)
    colleague = make_user(Role.SUPERVISOR, agency=worker.agency)
    case = open_case(worker)

    def save(actor, word):
        return lambda: services.safety_plan_save(
            actor=actor,
            case=Case.objects.get(pk=case.pk),
            expected_version=0,
            plan=PlanDocument(code_word=word),
        )

    results = run_together(save(worker, "Қызғалдақ"), save(colleague, "Жұлдыз"))
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    saved = next(r for r in results if isinstance(r, SafetyPlan))
    plan = SafetyPlan.objects.get(case=case)
    assert plan.version == 1 and plan.content["code_word"] == saved.content["code_word"]


def test_assessments_at_once_leave_exactly_one_current(make_user, open_case):
    worker = make_user(Role.CASEWORKER)
    colleague = make_user(Role.CASEWORKER, agency=worker.agency)
    case = open_case(worker)

    def one(actor, yes):
        return lambda: assess(actor, Case.objects.get(pk=case.pk), yes=yes).level

    assert sorted(run_together(one(worker, 3), one(colleague, 15), one(worker, 11))) == [1, 2, 3]
    assert Assessment.objects.filter(case=case).count() == 3
    assert Assessment.objects.filter(case=case, is_current=True).count() == 1
