"""The intake wizard: three screens from first contact to an open case with consent."""

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.helpers import SURVIVOR_IIN

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case, Consent, IntakeDraft, Note
from qorgau.people.models import Person

STEP1 = {
    "entry_point": "crisis_centre",
    "priority": "high",
    "given_name": "Айгүл",
    "family_name": "Жандосова",
    "patronymic": "",
    "other_names": "Zhandosova",
    "sex": "F",
    "birth_date": "1990-01-01",
    "birth_year": "",
    "iin": SURVIVOR_IIN,
    "phone": "8 700 000 01 01",
    "address": "",
    "region": "71",
    "disability": "none",
    "citizenship": "KZ",
    "preferred_language": "kk",
    "contact_channel": "sms",
    "contact_times": "10:00-12:00",
}


def step2(**overrides):
    today = timezone.localdate()
    data = {
        "occurred_on": (today - timedelta(days=1)).isoformat(),
        "occurred_at_time": "21:30",
        "reported_on": "",
        "region": "71",
        "settlement": "Астана",
        "place": "home",
        "q_penetration": "no",
        "q_sexual_contact": "no",
        "q_physical_assault": "yes",
        "harmful_practice": "none",
        "children_present": "yes",
        "weapon": "knife",
        "injuries": "minor",
        "perpetrator_relationship": "current_partner",
        "perpetrator_given_name": "Ерлан",
        "perpetrator_family_name": "Жандосов",
        "perpetrator_sex": "M",
        "account": "Ол мені ас үйде ұрды.",
    }
    data.update(overrides)
    return data


STEP3 = {
    "statistics": "on",
    "referral_kinds": ["police", "psychological"],
    "share_sections": ["general", "legal"],
    "contact": "on",
    "method": "written",
    "given_by": "survivor",
}


@pytest.fixture
def worker(make_user, login_client):
    user = make_user(Role.CASEWORKER)
    login_client(user)
    return user


def run_wizard(client, one=STEP1, two=None, three=STEP3):
    response = client.post("/cases/new/", one)
    assert response.status_code == 302, response.content.decode()[:3000]
    step2_url = response["Location"]
    response = client.post(step2_url, two or step2())
    assert response.status_code == 302, response.content.decode()[:3000]
    step3_url = response["Location"]
    return client.post(step3_url, three), step2_url, step3_url


def test_three_screens_open_a_case_with_consent(client, worker):
    response, _s2, _s3 = run_wizard(client)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.holding_agency == worker.agency and case.assigned_to == worker and case.priority == "high"
    survivor = case.people.get(role="survivor")
    assert (
        survivor.iin == SURVIVOR_IIN and survivor.phones == ["+77000000101"] and survivor.birth_year == 1990
    )
    incident = case.incidents.get()
    assert (
        incident.gbv_type == "physical_assault"
        and incident.contexts == ["ipv"]
        and incident.delay_band == "0-3d"
    )
    assert Note.objects.get(case=case, is_account=True).body == "Ол мені ас үйде ұрды."
    purposes = sorted((c.purpose, c.recipient_kind) for c in case.consents.all())
    assert purposes == [
        ("contact", "police"),
        ("contact", "psychological"),
        ("referral", "police"),
        ("referral", "psychological"),
        ("share", "police"),
        ("share", "psychological"),
        ("statistics", ""),
    ]
    assert not IntakeDraft.objects.exists()  # the draft is gone once the case is open
    page = client.get(response["Location"]).content.decode()
    assert "Жандосова" in page and case.number in page


def test_answers_survive_going_back(client, worker):
    response = client.post("/cases/new/", STEP1)
    draft = IntakeDraft.objects.get()
    assert draft.owner == worker
    page = client.get(response["Location"].replace("/2/", "/1/")).content.decode()
    assert 'value="Айгүл"' in page


def test_draft_is_encrypted_and_private(client, worker, make_user, login_client):
    from django.db import connection

    client.post("/cases/new/", STEP1)
    draft = IntakeDraft.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM cases_intakedraft")
        stored = cursor.fetchone()[0]
    assert SURVIVOR_IIN not in stored and "Айгүл" not in stored
    other = make_user(Role.CASEWORKER, agency=worker.agency)
    login_client(other)
    assert client.get(f"/cases/intake/{draft.pk}/1/").status_code == 404


def test_draft_expires_after_a_day(client, worker):
    import time_machine

    response = client.post("/cases/new/", STEP1)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        client.force_login(worker)  # a fresh sign-in the next day
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=worker).persistent_id
        session.save()
        assert client.get(response["Location"]).status_code == 404


@pytest.mark.parametrize(
    "field,value",
    [
        ("iin", "900101400405"),  # bad check digit
        ("phone", "12345"),  # malformed phone
        ("birth_date", "2999-01-01"),  # future
        ("entry_point", "carrier_pigeon"),  # unknown enum value
        ("given_name", "x" * 101),  # oversized
        ("region", "99"),  # unknown region
    ],
)
def test_bad_input_on_step_one_names_the_field_and_saves_nothing(client, worker, field, value):
    response = client.post("/cases/new/", {**STEP1, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not IntakeDraft.objects.exists()


@pytest.mark.parametrize(
    "override,field",
    [
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"reported_on": "2000-01-01"}, "reported_on"),
        ({"weapon": "bazooka"}, "weapon"),
        ({"account": "x" * 20001}, "account"),
        ({"q_penetration": "maybe"}, "q_penetration"),
    ],
)
def test_bad_input_on_step_two_names_the_field(client, worker, override, field):
    response = client.post("/cases/new/", STEP1)
    response = client.post(response["Location"], step2(**override))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert Case.objects.count() == 0


def test_iin_error_is_shown_on_the_survivor_step_in_the_users_language(client, worker):
    worker.language = "ru"
    worker.save()
    page = client.post("/cases/new/", {**STEP1, "iin": "900101400405"})
    assert page.status_code == 200
    assert "Этот ИИН недействителен" in page.content.decode()
    assert Case.objects.count() == 0 and Person.objects.count() == 0 and not IntakeDraft.objects.exists()


def test_a_child_needs_guardian_consent_or_a_best_interest_decision(client, worker):
    child = {**STEP1, "birth_date": (timezone.localdate() - timedelta(days=365 * 15)).isoformat(), "iin": ""}
    response, _s2, step3 = run_wizard(client, one=child)
    assert response.status_code == 200 and "given_by" in response.context["form"].errors
    response = client.post(step3, {**STEP3, "given_by": "best_interest", "best_interest_reason": "short"})
    assert "best_interest_reason" in response.context["form"].errors
    response = client.post(step3, {**STEP3, "given_by": "guardian", "guardian_name": "Гүлжан Жандосова"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.people.filter(role="guardian").exists()
    assert set(case.consents.values_list("given_by", flat=True)) == {"guardian"}


def test_sexual_violence_shows_the_care_windows_before_consent(client, worker):
    response = client.post("/cases/new/", STEP1)
    response = client.post(response["Location"], step2(q_penetration="yes", q_physical_assault=""))
    page = client.get(response["Location"]).content.decode()
    assert "Time-critical care" in page and "HIV post-exposure prophylaxis" in page
    assert "data-countdown" in page


def test_known_person_warning_without_revealing_the_other_agency(client, worker, make_user, open_case):
    other_agency_worker = make_user(Role.CASEWORKER)
    other_case = open_case(other_agency_worker)
    response = client.post("/cases/new/", STEP1)
    page = client.get(response["Location"]).content.decode()
    assert "Known to another agency" in page
    assert other_case.number not in page and other_agency_worker.agency.name_en not in page
    token = page.split('name="token" value="')[1].split('"')[0]
    response = client.post(
        "/cases/access-requests/new/",
        {"token": token, "reason": "She is here now, bruised.", "back": response["Location"]},
    )
    assert response.status_code == 302
    request = other_case.access_requests.get()
    assert request.requesting_agency == worker.agency and request.reason == "She is here now, bruised."


def test_forged_access_request_token_is_refused(client, worker):
    response = client.post("/cases/access-requests/new/", {"token": "q1.demo1.AAAA", "reason": "x" * 20})
    assert response.status_code == 404


def test_live_identity_check_fragment(client, worker, open_case):
    case = open_case(worker)
    client.get("/cases/new/")
    fragment = client.post("/cases/intake/check-identity/", {"iin": SURVIVOR_IIN}).content.decode()
    assert case.number in fragment


def test_roles_without_case_work_cannot_start_an_intake(client, make_user, login_client):
    login_client(make_user(Role.ANALYST))
    assert client.get("/cases/new/").status_code == 403
    assert client.post("/cases/new/", STEP1).status_code == 403
    assert not IntakeDraft.objects.exists()


def test_consent_without_agencies_for_sections_is_refused(client, worker):
    response, _s2, _s3 = run_wizard(client, three={**STEP3, "referral_kinds": []})
    assert response.status_code == 200 and "share_sections" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_the_help_she_asks_for_becomes_referral_suggestions(client, worker):
    response, _s2, _s3 = run_wizard(client, three={**STEP3, "needs": ["shelter", "legal_aid"]})
    case = Case.objects.get()
    assert case.needs == ["shelter", "legal_aid"]
    page = client.get(response["Location"]).content.decode()
    assert page.count("She asked for this help") == 2


def test_unknown_need_is_a_field_error(client, worker):
    response, _s2, _s3 = run_wizard(client, three={**STEP3, "needs": ["a_unicorn"]})
    assert response.status_code == 200 and "needs" in response.context["form"].errors


def test_a_birth_year_in_the_future_is_refused_at_step_one(client, worker):
    """2099 passed step 1 and read as an unborn child two screens later."""
    response = client.post("/cases/new/", {**STEP1, "birth_date": "", "birth_year": "2099"})
    assert response.status_code == 200
    assert response.context["form"].errors["birth_year"] == [
        "The year of birth must be between 1900 and this year."
    ]
    assert not IntakeDraft.objects.exists()
    assert 'value="2099"' in response.content.decode()  # what was typed comes back


def test_a_perpetrator_birth_year_in_the_future_is_refused_at_step_two(client, worker):
    response = client.post("/cases/new/", STEP1)
    response = client.post(response["Location"], step2(perpetrator_birth_year="2099"))
    assert response.status_code == 200 and "perpetrator_birth_year" in response.context["form"].errors


@pytest.mark.parametrize(
    "override,warning",
    [
        ({"birth_date": "1991-03-04"}, "The date of birth differs from the one in the IIN."),
        ({"sex": "M"}, "The sex differs from the one in the IIN."),
    ],
)
def test_an_iin_that_disagrees_is_pointed_out_at_step_one(client, worker, override, warning):
    """Not after the case is opened: at step 1, beside the IIN, until corrected or confirmed."""
    response = client.post("/cases/new/", {**STEP1, **override})
    assert response.status_code == 200
    assert any(warning in e for e in response.context["form"].errors["iin"])
    assert not IntakeDraft.objects.exists()
    page = response.content.decode()
    assert 'type="checkbox" name="iin_confirmed"' in page
    response = client.post("/cases/new/", {**STEP1, **override, "iin_confirmed": "on"})
    assert response.status_code == 302 and IntakeDraft.objects.count() == 1


def test_an_agreeing_iin_asks_for_no_confirmation(client, worker):
    page = client.get("/cases/new/").content.decode()
    assert 'type="checkbox" name="iin_confirmed"' not in page
    assert client.post("/cases/new/", STEP1).status_code == 302
