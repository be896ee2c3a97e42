"""The same woman across agencies for statistics, and the same perpetrator across incidents."""

from datetime import date

from qorgau.accounts.roles import Role
from qorgau.people.models import Person
from qorgau.people.selectors import find_same_person
from qorgau.stats.identity import same_survivor_groups


def survivor(case):
    return case.people.get(role=Person.Role.SURVIVOR)


def test_the_same_woman_typed_by_two_agencies_is_one_group(make_user, open_case):
    crisis = open_case(make_user(Role.CASEWORKER), survivor={"iin": "", "birth_date": date(1990, 3, 11)})
    police = open_case(
        make_user(Role.POLICE_OFFICER),
        survivor={
            "family_name": "ZHANDOSOVA",
            "given_name": "AIGUL",
            "patronymic": "",
            "other_names": [],
            "iin": "",
            "phones": [],
            "birth_date": date(1990, 11, 3),  # day and month swapped
        },
    )
    a, b = survivor(crisis).pk, survivor(police).pk
    groups = same_survivor_groups([a, b])
    assert groups[a] == groups[b]


def test_sisters_sharing_phone_surname_and_patronymic_are_two_groups(make_user, open_case):
    worker = make_user(Role.CASEWORKER)
    her = open_case(worker, survivor={"iin": "", "birth_date": date(1990, 3, 11)})
    sister = open_case(worker, survivor={"iin": "", "given_name": "Дана", "birth_date": date(1990, 3, 11)})
    a, b = survivor(her).pk, survivor(sister).pk
    groups = same_survivor_groups([a, b])
    assert groups[a] != groups[b]


def test_the_same_perpetrator_is_found_for_a_new_incident(make_user, open_case):
    case = open_case(
        make_user(Role.CASEWORKER),
        perpetrator=(
            "current_partner",
            {"family_name": "Жандосов", "given_name": "Ерлан", "sex": "M", "birth_date": date(1985, 6, 1)},
        ),
    )
    found = find_same_person(given_name="Yerlan", surname="Zhandosov", birth_date=date(1985, 6, 1), sex="M")
    assert [p.case_id for _prob, p, _r in found] == [case.pk]
    assert (
        find_same_person(given_name="Ерлан", surname="Жандосов", birth_date=date(1985, 6, 1), role="survivor")
        == []
    )
    # His brother is not him.
    assert (
        find_same_person(given_name="Нұрлан", surname="Жандосов", birth_date=date(1988, 2, 9), sex="M") == []
    )
