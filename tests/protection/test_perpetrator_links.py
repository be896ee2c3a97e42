"""Perpetrators known across cases: the same man (exact IIN or phone) named in another case is a
count for police and prosecutors, "known elsewhere" for caseworkers, nothing for the rest; never
a word of the other case."""

from datetime import date

import pytest
from tests.protection.conftest import issue, serve

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases.policies import case_access
from qorgau.core.iin import make_iin
from qorgau.core.models import AuditEvent
from qorgau.protection import selectors

pytestmark = pytest.mark.django_db


def _iin(serial=1):
    for n in range(serial, serial + 50):
        if iin := make_iin(date(1985, 3, 4), "M", n):
            return iin
    raise AssertionError


@pytest.fixture
def repeat(pw, make_user, make_agency, open_case):
    """The same husband (same IIN) named in a case of another region, with an order there."""
    iin = _iin()
    person = pw["perpetrator"]
    person.iin = iin
    person.save()
    from qorgau.people.services import person_reindex

    person_reindex(person)
    far_centre = make_agency(Agency.Kind.CRISIS_CENTRE, region="75", name="Centre far")
    far_worker = make_user(Role.CASEWORKER, agency=far_centre)
    other = open_case(
        far_worker,
        survivor={"iin": "", "family_name": "Secret-other-survivor"},
        perpetrator=(
            "former_partner",
            {"family_name": "Жандосов", "given_name": "Ерлан", "sex": "M", "iin": iin},
        ),
    )
    return {"other_case": other, "iin": iin}


def test_links_find_the_other_case_by_exact_iin(pw, repeat):
    links = selectors.perpetrator_links(pw["perpetrator"])
    assert links.other_case_ids == {repeat["other_case"].pk} and links.active_orders == 0
    serve(pw, issue(pw))
    assert selectors.perpetrator_links(pw["perpetrator"]).active_orders == 1


def test_no_identifier_no_link(pw, make_user, make_agency, open_case):
    far = make_user(Role.CASEWORKER, agency=make_agency(region="75"))
    open_case(far)  # another "Жандосов Ерлан", with no IIN or phone: not the same man by this rule
    assert selectors.perpetrator_links(pw["perpetrator"]).other_case_ids == frozenset()


@pytest.mark.parametrize(
    "who,level,count",
    [("officer", "full", 1), ("prosecutor", "full", 1), ("worker", "known", None), ("doctor", None, None)],
)
def test_the_signal_shows_only_what_the_role_may_know(pw, repeat, who, level, count, api_client):
    actor, case = pw[who], pw["case"]
    signals = selectors.perpetrator_signals(actor=actor, case=case, access=case_access(actor, case))
    if level is None:
        assert signals == []
    else:
        [signal] = signals
        assert signal.level == level and signal.other_cases == count and signal.known_elsewhere
        assert AuditEvent.objects.filter(
            action="perpetrator_link.view", case_id=case.pk, actor_id=actor.pk
        ).exists()
    answer = api_client(actor).get(f"/api/v1/cases/{case.pk}/perpetrator-links/")
    assert answer.status_code == 200
    body = answer.content.decode()
    assert str(repeat["other_case"].pk) not in body and repeat["other_case"].number not in body
    assert "Secret-other-survivor" not in body


def test_the_case_page_says_known_elsewhere_to_the_caseworker(pw, repeat, login_client):
    page = login_client(pw["worker"]).get(f"/cases/{pw['case'].pk}/").content.decode()
    assert "prior incidents known elsewhere" in page
    assert repeat["other_case"].number not in page
    page = login_client(pw["officer"]).get(f"/cases/{pw['case'].pk}/").content.decode()
    assert "is named in 1 other case in the country" in page


# --- Identity matching, the risk pre-fill and access requests from the signal -------------------


@pytest.fixture
def namesake_with_birth(pw, make_user, make_agency, open_case):
    """No IIN, no phone: the same man recorded in another region by full name and birth date
    (another script, a missing patronymic) — the identity model takes him for the same."""
    person = pw["perpetrator"]
    person.birth_date = date(1983, 5, 17)
    person.patronymic = "Серікұлы"
    person.save()
    from qorgau.people.services import person_reindex

    person_reindex(person)
    far_worker = make_user(Role.CASEWORKER, agency=make_agency(Agency.Kind.CRISIS_CENTRE, region="75"))
    return open_case(
        far_worker,
        survivor={"iin": "", "family_name": "Secret-other-survivor"},
        perpetrator=(
            "former_partner",
            {"family_name": "Zhandosov", "given_name": "Erlan", "sex": "M", "birth_date": date(1983, 5, 17)},
        ),
    )


def test_links_use_the_identity_model_beyond_exact_identifiers(pw, namesake_with_birth):
    links = selectors.perpetrator_links(pw["perpetrator"])
    assert links.other_case_ids == {namesake_with_birth.pk}


def test_a_different_birth_date_is_not_the_same_man(pw, make_user, make_agency, open_case):
    person = pw["perpetrator"]
    person.birth_date = date(1983, 5, 17)
    person.save()
    far_worker = make_user(Role.CASEWORKER, agency=make_agency(region="75"))
    open_case(
        far_worker,
        perpetrator=(
            "former_partner",
            {"family_name": "Жандосов", "given_name": "Ерлан", "sex": "M", "birth_date": date(1961, 1, 2)},
        ),
    )
    assert selectors.perpetrator_links(person).other_case_ids == frozenset()


def _assess_page(login_client, actor, case):
    return (
        login_client(actor)
        .get(f"/risk/cases/{case.pk}/assessments/new/?instrument=checklist-24")
        .content.decode()
    )


def test_known_elsewhere_pre_fills_the_prior_violence_question_marked(pw, repeat, login_client):
    page = _assess_page(login_client, pw["worker"], pw["case"])
    assert 'name="a_hurt_others" value="yes" required id="id_a_hurt_others_0" checked' in page
    assert "Pre-filled: prior incidents by him are known elsewhere in Qorgau." in page
    assert repeat["other_case"].number not in page and "Secret-other-survivor" not in page
    assert AuditEvent.objects.filter(
        action="perpetrator_link.view", purpose="risk_prefill", case_id=pw["case"].pk
    ).exists()


def test_nothing_known_elsewhere_nothing_pre_filled(pw, login_client):
    page = _assess_page(login_client, pw["worker"], pw["case"])
    assert 'name="a_hurt_others" value="yes" required id="id_a_hurt_others_0" checked' not in page
    assert "known elsewhere in Qorgau" not in page


def test_the_pre_filled_answer_can_be_changed(pw, repeat, login_client):
    from qorgau.risk.loader import get_instrument
    from qorgau.risk.models import Assessment

    client = login_client(pw["worker"])
    instrument = get_instrument("checklist-24")
    data = {"instrument": "checklist-24", "save": "1", **{f"a_{item.id}": "no" for item in instrument.items}}
    response = client.post(f"/risk/cases/{pw['case'].pk}/assessments/new/?instrument=checklist-24", data)
    assert response.status_code in (200, 302)
    assessment = Assessment.objects.filter(case=pw["case"]).latest("assessed_at")
    assert assessment.answers["hurt_others"] == "no"


def test_police_may_ask_for_access_from_the_signal(pw, repeat, login_client):
    from qorgau.cases.models import AccessRequest

    client = login_client(pw["officer"])
    page = client.get(f"/cases/{pw['case'].pk}/").content.decode()
    assert "Ask for access to the other cases" in page
    assert str(repeat["other_case"].pk) not in page and repeat["other_case"].number not in page
    [signal] = selectors.perpetrator_signals(
        actor=pw["officer"], case=pw["case"], access=case_access(pw["officer"], pw["case"])
    )
    [token] = signal.tokens
    response = client.post(
        "/cases/access-requests/new/",
        {
            "token": token,
            "reason": "He is bound by our order; checking his record",
            "back": f"/cases/{pw['case'].pk}/",
        },
    )
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    assert request.case_id == repeat["other_case"].pk and request.requested_by_id == pw["officer"].pk
    # The caseworker's signal offers no such path.
    page = login_client(pw["worker"]).get(f"/cases/{pw['case'].pk}/").content.decode()
    assert "Ask for access to the other cases" not in page
