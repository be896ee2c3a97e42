"""The re-assessment panel's count of her open cases that have no assessment yet."""

from tests.risk.helpers import assess

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case
from qorgau.risk.selectors import reassessment_list_due


def test_counts_open_cases_without_a_current_assessment(make_user, make_agency, open_case):
    agency = make_agency()
    worker = make_user(Role.CASEWORKER, agency=agency)
    colleague = make_user(Role.CASEWORKER, agency=agency)
    assessed, first, _second = (open_case(worker) for _ in range(3))
    assess(worker, assessed, yes=3)
    assess(worker, assessed, yes=5)  # a re-assessment: still one current one
    closed = open_case(worker)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    open_case(colleague)  # not hers

    _items, unassessed = reassessment_list_due(actor=worker)
    assert unassessed == 2
    assess(worker, first)
    assert reassessment_list_due(actor=worker)[1] == 1
