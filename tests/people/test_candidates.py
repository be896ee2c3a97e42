"""Candidates at intake, and the identity check that used to be an oracle (issue 18): a search
needs an open intake or a stated purpose, is limited per user, reveals what the case policy
allows, answers the API with known / not known only, and lands on the matched cases' logs."""

from datetime import date

import pytest
from django.test import override_settings
from tests.helpers import SURVIVOR_IIN, SURVIVOR_PHONE

from qorgau.accounts.roles import Role
from qorgau.core.audit import AuditEvent
from qorgau.core.iin import make_iin
from qorgau.people import matching, selectors
from qorgau.people.policies import SearchLimited

LIVE = "/cases/intake/check-identity/"
CHECK = "/api/v1/people/identity-check/"
BORN = date(1990, 3, 11)
HER = {"birth_date": BORN, "iin": "", "phones": [], "other_names": []}


@pytest.fixture
def holder(make_user):
    return make_user(Role.CASEWORKER)


@pytest.fixture
def outsider(make_user):
    return make_user(Role.CASEWORKER)


# --- The oracle attack, step by step ---------------------------------------------------------------


def test_live_check_without_an_open_intake_is_refused(holder, outsider, open_case, client, login_client):
    open_case(holder)
    login_client(outsider)
    response = client.post(LIVE, {"iin": SURVIVOR_IIN})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="person.matched").exists()


def test_api_check_needs_a_stated_purpose(holder, outsider, open_case, api_client):
    open_case(holder)
    api = api_client(outsider)
    assert api.post(CHECK, {"iin": SURVIVOR_IIN}, format="json").status_code == 403
    assert api.post(CHECK, {"iin": SURVIVOR_IIN, "purpose": "curiosity"}, format="json").status_code == 403
    assert api.post(CHECK, {"iin": SURVIVOR_IIN, "draft_id": "not-a-draft"}, format="json").status_code == 403


def test_api_check_answers_known_or_not_known_and_nothing_about_perpetrators(
    holder, outsider, open_case, api_client
):
    perpetrator_iin = make_iin(date(1985, 6, 1), "M", 77)
    open_case(
        holder,
        perpetrator=(
            "current_partner",
            {"family_name": "Жандосов", "given_name": "Ерлан", "sex": "M", "iin": perpetrator_iin},
        ),
    )
    api = api_client(outsider)
    answer = api.post(CHECK, {"iin": SURVIVOR_IIN, "purpose": "referral"}, format="json")
    assert answer.status_code == 200 and answer.json() == {"known": True}
    answer = api.post(CHECK, {"iin": perpetrator_iin, "purpose": "referral"}, format="json")
    assert answer.json() == {"known": False}
    answer = api.post(CHECK, {"phone": "8 700 000 09 09", "purpose": "referral"}, format="json")
    assert answer.json() == {"known": False}


@override_settings(QORGAU_IDENTITY_SEARCH_LIMIT=3)
def test_searches_are_limited_per_user(holder, outsider, open_case, api_client, client, login_client):
    open_case(holder)
    api = api_client(outsider)
    for _ in range(3):
        assert api.post(CHECK, {"iin": SURVIVOR_IIN, "purpose": "referral"}, format="json").status_code == 200
    refused = api.post(CHECK, {"iin": SURVIVOR_IIN, "purpose": "referral"}, format="json")
    assert refused.status_code == 429
    # The same limit holds on the intake page (per user, whatever the door).
    login_client(outsider)
    client.get("/cases/new/")
    page = client.post(LIVE, {"iin": SURVIVOR_IIN}, headers={"HX-Request": "true"})
    assert "many searches in a short time" in page.content.decode()
    # Another user is not affected.
    assert (
        api_client(holder)
        .post(CHECK, {"iin": SURVIVOR_IIN, "purpose": "referral"}, format="json")
        .status_code
        == 200
    )


def test_each_match_lands_on_the_matched_cases_access_log(holder, outsider, open_case, api_client):
    case = open_case(holder)
    api_client(outsider).post(CHECK, {"phone": SURVIVOR_PHONE, "purpose": "referral"}, format="json")
    logged = AuditEvent.objects.filter(action="person.matched", case_id=case.pk)
    assert [e.actor_username for e in logged] == [outsider.username]
    events = api_client(holder).get(f"/api/v1/cases/{case.pk}/access-log/").json()
    assert any(e["action"] == "person.matched" and e["who"] == outsider.username for e in events)


# --- What the candidates show -------------------------------------------------------------------------


def _typed(**fields):
    base = {"given_name": "Aigul", "family_name": "Zhandosova", "birth_date": "1990-11-03", "sex": "F"}
    return {**base, **fields}


def test_own_agency_sees_the_candidate_with_reasons(holder, open_case, client, login_client):
    case = open_case(holder, survivor=HER)
    login_client(holder)
    client.get("/cases/new/")
    # Passport Latin, a typo in the given name, the day and month swapped.
    page = client.post(LIVE, _typed(given_name="Aigyl")).content.decode()
    assert case.number in page and "Жандосова" in page
    assert "birth date with day and month swapped" in page and "given name one letter apart" in page


def test_other_agency_sees_only_known_elsewhere(holder, outsider, open_case, client, login_client):
    case = open_case(holder, survivor=HER)
    login_client(outsider)
    client.get("/cases/new/")
    page = client.post(LIVE, _typed()).content.decode()
    assert "Known to another agency" in page
    assert case.number not in page and "Жандосова" not in page and "swapped" not in page
    assert AuditEvent.objects.filter(action="person.matched", case_id=case.pk).count() == 1


def test_sister_is_not_a_candidate(holder, open_case):
    sister = open_case(holder, survivor={**HER, "given_name": "Дана", "birth_date": date(1994, 7, 2)})
    query = matching.Record(given_name="Айгүл", surname="Жандосова", birth_date=BORN, sex="F")
    found = selectors.candidate_search(actor=holder, query=query, purpose="referral")
    assert sister.pk not in [c.case.pk for c in found if c.case]


def test_mistyped_iin_still_finds_her(holder, open_case):
    case = open_case(holder)
    typo = SURVIVOR_IIN[:4] + SURVIVOR_IIN[5] + SURVIVOR_IIN[4] + SURVIVOR_IIN[6:]
    if typo == SURVIVOR_IIN:
        typo = SURVIVOR_IIN[:8] + SURVIVOR_IIN[9] + SURVIVOR_IIN[8] + SURVIVOR_IIN[10:]
    query = matching.Record(iin=typo, surname="Жандосова", given_name="Айгүл")
    found = selectors.candidate_search(actor=holder, query=query, purpose="referral")
    assert [c.case.pk for c in found] == [case.pk]


def test_limit_raises_for_direct_callers(holder):
    with override_settings(QORGAU_IDENTITY_SEARCH_LIMIT=0), pytest.raises(SearchLimited):
        selectors.candidate_search(actor=holder, query=matching.Record(iin=SURVIVOR_IIN), purpose="referral")


def test_men_sharing_the_phone_she_gives_do_not_crowd_her_out_of_the_shortlist(
    holder, open_case, monkeypatch
):
    """Only the best few persons are opened and scored. Men of other cases who share the household
    phone she gives rank above her name and birth date, but they are not who is searched for: the
    places go to survivors (the role is applied before the shortlist is cut)."""
    monkeypatch.setattr(selectors, "SHORTLIST", 2)
    shared = "+77000000177"
    for n in range(3):
        open_case(
            holder,
            survivor={**HER, "family_name": "Тұмарбекова", "given_name": "Дана", "birth_date": date(1970 + n, 1, 5)},
            perpetrator=("current_partner", {"family_name": "Серікбаев", "given_name": "Ерлан", "sex": "M", "phones": [shared]}),
        )  # fmt: skip
    herself = open_case(holder, survivor=HER)
    query = matching.Record(
        given_name="Айгүл", surname="Жандосова", birth_date=BORN, sex="F", phones=(shared,)
    )
    found = selectors.candidate_search(actor=holder, query=query, purpose="referral")
    assert [c.case.pk for c in found] == [herself.pk]


@pytest.mark.parametrize(
    "typed",
    [
        {"surname": "ZHANDOSOVA", "given_name": "AIGUL"},  # passport Latin, names only
        {"surname": "Айгүл", "given_name": "Жандосова"},  # the name order swapped
        {"surname": "Жандосова", "given_name": "Айгүн", "birth_date": date(1990, 11, 3)},  # typo, day/month
        {"surname": "Жандасова", "given_name": "Айгүл", "birth_date": BORN},  # a typo in the surname
    ],
    ids=["latin", "swapped", "given-typo-date-swapped", "surname-typo"],
)
def test_her_names_reach_the_shortlist_by_pairs_without_a_number(holder, open_case, typed):
    """The shortlist never looks up one name alone (a common given name is held by tens of
    thousands): two of her name parts, or one with her birth date, must bring her (ADR 0011)."""
    case = open_case(holder, survivor=HER)
    her = case.people.get(role="survivor")
    query = matching.Record(sex="F", **typed)
    assert her.pk in selectors._shortlist(selectors.query_digests(query), ("survivor",))
