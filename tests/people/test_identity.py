"""Identity at intake: IIN and phone checks, blind indexes, matching across scripts."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from tests.helpers import SURVIVOR_IIN, SURVIVOR_PHONE

from qorgau.accounts.roles import Role
from qorgau.cases import selectors
from qorgau.people.models import PersonIndex
from qorgau.people.services import clean_identity


def test_valid_iin_is_kept_and_gives_the_birth_year():
    data, warnings = clean_identity({"iin": " 9001 0140 0404 ", "phones": []})
    assert data["iin"] == SURVIVOR_IIN and data["birth_year"] == 1990 and warnings == []


@pytest.mark.parametrize("bad", ["900101400405", "90010140040", "9001014004041", "9001O1400404"])
def test_invalid_iin_is_a_field_error(bad):
    with pytest.raises(ValidationError) as exc:
        clean_identity({"iin": bad})
    assert "iin" in exc.value.message_dict


def test_birth_date_or_sex_that_differs_from_the_iin_is_only_a_warning():
    _data, warnings = clean_identity({"iin": SURVIVOR_IIN, "birth_date": date(1991, 1, 1), "sex": "M"})
    assert set(warnings) == {"birth_date_mismatch", "sex_mismatch"}


@pytest.mark.parametrize("raw", ["8 700 000 01 01", "+7 (700) 000-01-01", "87000000101"])
def test_phones_are_normalised(raw):
    assert clean_identity({"phones": [raw]})[0]["phones"] == [SURVIVOR_PHONE]


@pytest.mark.parametrize("raw", ["12345", "+7 700 000 01 01 ext 5", "x" * 40])
def test_malformed_phone_is_a_field_error(raw):
    with pytest.raises(ValidationError) as exc:
        clean_identity({"phones": [raw]})
    assert "phones" in exc.value.message_dict


def test_future_birth_date_is_refused():
    with pytest.raises(ValidationError) as exc:
        clean_identity({"birth_date": date(2999, 1, 1)})
    assert "birth_date" in exc.value.message_dict


def test_blind_indexes_reveal_nothing(make_user, open_case):
    case = open_case(make_user(Role.CASEWORKER))
    digests = list(PersonIndex.objects.filter(case=case).values_list("digest", flat=True))
    assert digests and not any(SURVIVOR_IIN in d or "jandos" in d or "7000000101" in d for d in digests)


@pytest.mark.parametrize(
    "query",
    ["Жандосова", "Zhandosova", "Jandosova", "Dzhandosova", "Джандосова Айгуль", "Aigul Zhandosova", "айгүл"],
)
def test_name_search_finds_her_in_any_script(make_user, open_case, query):
    worker = make_user(Role.CASEWORKER)
    case = open_case(worker)
    found = selectors.case_list(actor=worker, q=query)
    assert [s.case.pk for s in found] == [case.pk]


def test_name_search_ranks_the_person_above_her_family(make_user, open_case):
    worker = make_user(Role.CASEWORKER)
    sister = open_case(worker, survivor={"given_name": "Дана", "iin": "", "phones": [], "other_names": []})
    herself = open_case(worker, survivor={"iin": "", "phones": []})
    found = [s.case.pk for s in selectors.case_list(actor=worker, q="Айгүл Жандосова")]
    assert found[0] == herself.pk and sister.pk in found[1:]


def test_search_by_exact_iin_and_phone(make_user, open_case):
    worker = make_user(Role.CASEWORKER)
    case = open_case(worker)
    open_case(worker, survivor={"iin": "", "phones": ["+77000000199"], "family_name": "Тұмарбекова"})
    assert [s.case.pk for s in selectors.case_list(actor=worker, q=SURVIVOR_IIN)] == [case.pk]
    assert [s.case.pk for s in selectors.case_list(actor=worker, q="8 700 000 01 01")] == [case.pk]
    assert selectors.case_list(actor=worker, q="900101400416") == []
    assert [s.case.pk for s in selectors.case_list(actor=worker, q=case.number.lower())] == [case.pk]


def test_search_never_reaches_cases_of_other_agencies(make_user, open_case):
    open_case(make_user(Role.CASEWORKER))
    outsider = make_user(Role.CASEWORKER)
    for query in (SURVIVOR_IIN, SURVIVOR_PHONE, "Жандосова", ""):
        assert selectors.case_list(actor=outsider, q=query) == []


def test_known_elsewhere_says_only_that(make_user, open_case):
    holder = make_user(Role.CASEWORKER)
    case = open_case(holder)
    outsider = make_user(Role.CASEWORKER)
    from qorgau.people import matching
    from qorgau.people.selectors import candidate_search

    [match] = candidate_search(actor=outsider, query=matching.Record(iin=SURVIVOR_IIN), purpose="referral")
    assert match.case is None and match.person is None and match.token and case.number not in match.token
    assert selectors.match_token_case(actor=outsider, token=match.token) == case
    other_user = make_user(Role.CASEWORKER)
    from django.http import Http404

    with pytest.raises(Http404):  # the token is bound to the person it was shown to
        selectors.match_token_case(actor=other_user, token=match.token)
    [own] = candidate_search(
        actor=holder, query=matching.Record(phones=("87000000101",), given_name="Aigul"), purpose="referral"
    )
    assert own.case == case
