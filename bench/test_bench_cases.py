"""Case search and the case page over a caseload of 1,000 cases at one agency.

Run: make bench PYTEST_ARGS="-k cases"   (add TEST_DATABASE_URL=... for PostgreSQL)
"""

from datetime import date

import pytest
from tests.helpers import CASE_FIELDS

from qorgau.accounts.roles import Role
from qorgau.cases import selectors
from qorgau.cases.services import case_open
from qorgau.core.iin import make_iin

CASES = 1000
GIVEN = ["Айгүл", "Дана", "Мадина", "Гүлнар", "Сәуле", "Жанар", "Асель", "Алина"]
ROOTS = ["Көкжиек", "Тұмарбек", "Ақсайбай", "Шұғылбек", "Белесбай", "Құралай", "Жайсаңбек", "Тоғызбай"]


@pytest.fixture
def caseload(db, make_user):
    worker = make_user(Role.CASEWORKER)
    cases = []
    for i in range(CASES):
        birth = date(1970 + i % 35, 1 + i % 12, 1 + i % 28)
        iin = next(x for s in range(i * 3, i * 3 + 50) if (x := make_iin(birth, "F", s % 10000)))
        survivor = {
            "family_name": f"{ROOTS[i % 8]}ова",
            "given_name": GIVEN[(i // 8) % 8],
            "patronymic": "",
            "other_names": [],
            "sex": "F",
            "birth_date": birth,
            "birth_year": None,
            "iin": iin,
            "phones": [f"+7700000{i:04d}"],
            "address": "",
            "region": None,
            "disability": "none",
            "citizenship": "KZ",
        }
        cases.append(case_open(actor=worker, survivor=survivor, case_fields=dict(CASE_FIELDS))[0])
    return worker, cases


def test_bench_cases_search_by_iin(benchmark, caseload):
    worker, cases = caseload
    iin = cases[500].people.get(role="survivor").iin
    found = benchmark(lambda: selectors.case_list(actor=worker, q=iin))
    assert [s.case.pk for s in found] == [cases[500].pk]


def test_bench_cases_search_by_name(benchmark, caseload):
    worker, _cases = caseload
    found = benchmark(lambda: selectors.case_list(actor=worker, q="Zhanar Kokzhiekova"))
    assert found


def test_bench_cases_case_page(benchmark, caseload):
    worker, cases = caseload
    detail = benchmark(lambda: selectors.case_detail(actor=worker, case_id=cases[10].pk))
    assert detail.survivor.name
