"""A second incident by the same man on her case names the case's own record of him: no second,
empty perpetrator ("— —"), so the orders, the signal and the risk history stay on one person."""

import pytest
from tests.helpers import incident_data

from qorgau.cases import services as case_services
from qorgau.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_user, open_case):
    worker = make_user("caseworker", username="p.worker")
    return worker, open_case(worker)  # the husband: Жандосов Ерлан, current partner


def _again(worker, case, perpetrator):
    return case_services.incident_add(
        actor=worker, case=case, fields=incident_data(), perpetrator=perpetrator
    )


def _perpetrators(case):
    return list(Person.objects.filter(case=case, role=Person.Role.PERPETRATOR))


@pytest.mark.parametrize(
    "identity",
    [
        {"family_name": "Жандосов", "given_name": "Ерлан", "sex": "M"},
        {"family_name": "ZHANDOSOV", "given_name": "ERLAN", "sex": "M"},  # passport Latin
        {},  # nothing said of him: the case's one current partner
    ],
)
def test_a_second_incident_by_the_same_husband_names_him_again(case, identity):
    worker, case = case
    (husband,) = _perpetrators(case)
    incident = _again(worker, case, ("current_partner", identity))
    assert _perpetrators(case) == [husband]
    assert list(incident.perpetrator_links.values_list("person", flat=True)) == [husband.pk]


def test_what_the_second_incident_adds_fills_what_was_missing(case):
    worker, case = case
    (husband,) = _perpetrators(case)
    _again(
        worker,
        case,
        ("current_partner", {"family_name": "Жандосов", "given_name": "Ерлан", "iin": "850304300019"}),
    )
    husband.refresh_from_db()
    assert _perpetrators(case) == [husband] and husband.iin == "850304300019"


@pytest.mark.parametrize(
    ("relationship", "identity"),
    [
        ("current_partner", {"family_name": "Жандосов", "given_name": "Серік"}),  # another man
        ("in_law", {}),  # nothing said, and not the husband's relationship
    ],
)
def test_another_man_is_another_person(case, relationship, identity):
    worker, case = case
    assert len(_perpetrators(case)) == 1
    _again(worker, case, (relationship, identity))
    assert len(_perpetrators(case)) == 2


def test_a_different_iin_is_another_man_even_with_the_same_name(case):
    worker, case = case
    _again(
        worker,
        case,
        ("current_partner", {"family_name": "Жандосов", "given_name": "Ерлан", "iin": "850304300019"}),
    )
    _again(
        worker,
        case,
        ("current_partner", {"family_name": "Жандосов", "given_name": "Ерлан", "iin": "850304300029"}),
    )
    assert len(_perpetrators(case)) == 2
