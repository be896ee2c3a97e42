"""At the scene: an officer anywhere in the country types his IIN (or names and birth date) and a
reason, and sees the orders that bind him — conditions, state, end, her first name, the unit's
duty phone — and nothing else of the cases; every look-up is audited with its reason and count."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from tests.helpers import SURVIVOR_NAME
from tests.protection.conftest import issue, serve

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.core.iin import make_iin
from qorgau.core.models import AuditEvent
from qorgau.people.services import person_reindex
from qorgau.protection import scene

pytestmark = pytest.mark.django_db

URL = reverse("protection:scene_lookup")


def _iin(born=date(1985, 3, 4), serial=1):
    for n in range(serial, serial + 50):
        if iin := make_iin(born, "M", n):
            return iin
    raise AssertionError


@pytest.fixture
def bound(pw):
    """His IIN and birth date on file; an order served on him, in force, 150 m; the unit's phone."""
    person = pw["perpetrator"]
    person.iin = _iin()
    person.birth_date = date(1985, 3, 4)
    person.save()
    person_reindex(person)
    pw["police"].duty_phone = "+77000009101"
    pw["police"].save()
    order = serve(
        pw,
        issue(
            pw,
            number="PO-SCENE-1",
            conditions=["no_contact", "no_approach"],
            approach_metres=150,
            issued_at=timezone.now() - timedelta(days=1),
        ),
    )
    return {"iin": person.iin, "order": order}


@pytest.fixture
def client(client):
    """The test client; `client.force_login(user)` also verifies her second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    plain = client.force_login

    def force_login(user, backend="django.contrib.auth.backends.ModelBackend"):
        plain(user, backend=backend)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
        session.save()

    client.force_login = force_login
    return client


def _post(client, user, **data):
    client.force_login(user)
    return client.post(URL, {"reason": "call_out", **data})


def test_officer_of_another_region_sees_conditions_first_name_and_duty_phone(client, pw, bound):
    response = _post(client, pw["stranger"], iin=bound["iin"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "PO-SCENE-1" in html
    assert "No contact with her" in html and "150 m" in html
    assert "Keep away from her workplace." in html
    assert SURVIVOR_NAME[1] in html  # her first name
    assert "District police, unit 3" in html and "tel:+77000009101" in html
    # Nothing else of the case: not her family name, address, phone, the case number or his name.
    for secret in (SURVIVOR_NAME[0], "Сарыарқа", pw["case"].number, str(pw["case"].pk), "Жандосов"):
        assert secret not in html
    # Not his case: no way into it, only the phone.
    assert "#breach" not in html


def test_by_name_and_birth_date_in_another_script(client, pw, bound):
    response = _post(
        client, pw["stranger"], family_name="Zhandosov", given_name="Erlan", birth_date="1985-03-04"
    )
    assert "PO-SCENE-1" in response.content.decode()
    # A wrong birth date, or only the family name in common, finds nothing.
    for data in (
        {"family_name": "Жандосов", "given_name": "Ерлан", "birth_date": "1985-03-05"},
        {"family_name": "Жандосов", "given_name": "Серік", "birth_date": "1985-03-04"},
    ):
        html = _post(client, pw["stranger"], **data).content.decode()
        assert "PO-SCENE-1" not in html and "No order in force or issued" in html


def test_the_issuing_officer_gets_the_way_to_record_a_breach(client, pw, bound):
    html = _post(client, pw["officer"], iin=bound["iin"]).content.decode()
    assert reverse("protection:order", args=[pw["case"].pk, bound["order"].pk]) + "#breach" in html


def test_expired_and_ended_orders_are_not_shown(client, pw, bound):
    from qorgau.protection import services

    services.protective_order_end(
        actor=pw["officer"],
        case=pw["case"],
        order_id=bound["order"].pk,
        expected_version=bound["order"].version,
        reason="Court took over",
    )
    html = _post(client, pw["stranger"], iin=bound["iin"]).content.decode()
    assert "PO-SCENE-1" not in html


def test_every_look_up_is_audited_with_reason_and_count_and_in_the_cases_log(client, pw, bound):
    _post(client, pw["stranger"], iin=bound["iin"], reason="other", reason_text="Neighbour called")
    event = AuditEvent.objects.get(action="scene.lookup")
    assert event.actor_id == pw["stranger"].pk and event.purpose == "other"
    assert event.detail == {"reason": "other", "by": "iin", "found": 1, "reason_text": "Neighbour called"}
    assert bound["iin"] not in str(event.detail)
    assert AuditEvent.objects.filter(action="scene.matched", case_id=pw["case"].pk).count() == 1
    _post(client, pw["stranger"], iin=_iin(serial=60))
    assert AuditEvent.objects.filter(action="scene.lookup").latest("seq").detail["found"] == 0


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.PROSECUTOR, Role.LAWYER, Role.SUPERVISOR])
def test_only_police_officers_may_look_up(client, pw, bound, make_user, role):
    user = make_user(role, agency=pw["police"] if role == Role.PROSECUTOR else pw["centre"])
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"reason": "call_out", "iin": bound["iin"]}).status_code == 403
    assert not AuditEvent.objects.filter(action="scene.lookup").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"iin": "12345"}, "An IIN is exactly 12 digits."),
        ({"iin": "850304300011"}, "This IIN is not valid"),
        (
            {"family_name": "Жандосов", "given_name": "Ерлан", "birth_date": "2999-01-01"},
            "cannot be in the future",
        ),
        ({}, "Enter his IIN, or his family name, given name and birth date."),
        ({"family_name": "Жандосов"}, "Needed when there is no IIN."),
        ({"iin": "", "birth_date": "not a date"}, "Enter a valid date."),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_not_counted(client, pw, data, message):
    response = _post(client, pw["stranger"], **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action="scene.lookup").exists()


def test_a_reason_is_required_and_other_needs_words(client, pw, bound):
    client.force_login(pw["stranger"])
    response = client.post(URL, {"iin": bound["iin"]})
    assert response.status_code == 400 and "Choose the reason for the look-up." in response.content.decode()
    response = client.post(URL, {"iin": bound["iin"], "reason": "other"})
    assert response.status_code == 400 and "Say in a few words" in response.content.decode()
    response = client.post(URL, {"iin": bound["iin"], "reason": "curiosity"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="scene.lookup").exists()


def test_errors_are_translated(client, pw):
    pw["stranger"].language = "kk"
    pw["stranger"].save()
    client.force_login(pw["stranger"])
    response = client.post(URL, {"iin": "12345"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Іздеу себебін таңдаңыз." in html  # "Choose the reason for the look-up."
    assert "An IIN is exactly 12 digits." not in html and "Choose the reason" not in html


@override_settings(QORGAU_SCENE_LOOKUP_LIMIT=2)
def test_each_officer_has_a_limit(client, pw, bound, make_user):
    from django.core.cache import cache

    cache.clear()
    for _n in range(2):
        assert _post(client, pw["stranger"], iin=bound["iin"]).status_code == 200
    response = _post(client, pw["stranger"], iin=bound["iin"])
    assert response.status_code == 429 and "used up your look-ups" in response.content.decode()
    assert AuditEvent.objects.filter(action="scene.lookup_limited").count() == 1
    # Another officer still has hers.
    assert _post(client, pw["colleague"], iin=bound["iin"]).status_code == 200


def test_a_second_source_plugs_in(pw, bound):
    """Court requirements will register the same way; a source sees the matched people."""
    seen = []

    def fake(actor, person_ids, now):
        seen.append(list(person_ids))
        return []

    scene.register_source("test_fake", fake)
    try:
        result = scene.scene_lookup(actor=pw["stranger"], reason="patrol", iin=bound["iin"])
    finally:
        scene._SOURCES.pop("test_fake")
    assert seen == [[pw["perpetrator"].pk]] and result.found == 1


def test_the_same_man_in_two_regions_shows_both_orders(pw, bound, make_user, make_agency, open_case):
    far_centre = make_agency(Agency.Kind.CRISIS_CENTRE, region="75", name="Centre far")
    far_police = Agency.objects.get(name_en="Police far")
    far_worker = make_user(Role.CASEWORKER, agency=far_centre)
    other = open_case(
        far_worker,
        survivor={"iin": "", "given_name": "Гүлназ", "family_name": "Secret-other-survivor"},
        perpetrator=(
            "former_partner",
            {"family_name": "Жандосов", "given_name": "Ерлан", "sex": "M", "iin": bound["iin"]},
        ),
    )
    from tests.protection.conftest import share_by_referral

    from qorgau.protection import services

    share_by_referral(other, far_police, ["general", "legal", "safety"], far_worker)
    order = services.protective_order_create(
        actor=pw["stranger"],
        case=other,
        person_id=other.people.get(role="perpetrator").pk,
        number="PO-FAR-9",
        issuing_unit="Far unit",
        conditions=["no_weapons"],
        conditions_text="",
        issue=True,
        issued_at=None,
        starts_at=None,
    )
    services.protective_order_serve(
        actor=pw["stranger"], case=other, order_id=order.pk, expected_version=order.version,
        served_at=timezone.now(), served_how="at_station",
    )  # fmt: skip
    result = scene.scene_lookup(actor=pw["colleague"], reason="call_out", iin=bound["iin"])
    assert sorted(i.number for i in result.items) == ["PO-FAR-9", "PO-SCENE-1"]
    assert {i.protected_first_name for i in result.items} == {SURVIVOR_NAME[1], "Гүлназ"}


def test_the_api_answers_what_the_screen_shows(pw, bound, api_client):
    api = api_client(pw["stranger"])
    answer = api.post("/api/v1/scene/lookup/", {"iin": bound["iin"], "reason": "patrol"}, format="json")
    assert answer.status_code == 200
    body = answer.json()
    assert body["found"] == 1
    [item] = body["items"]
    assert item["number"] == "PO-SCENE-1" and item["duty_phone"] == "+77000009101"
    assert item["protected_first_name"] == SURVIVOR_NAME[1]
    text = answer.content.decode()
    assert str(pw["case"].pk) not in text and pw["case"].number not in text and SURVIVOR_NAME[0] not in text
    bad = api.post("/api/v1/scene/lookup/", {"iin": "12", "reason": "patrol"}, format="json")
    assert bad.status_code == 400 and "iin" in bad.content.decode()
    refused = api_client(pw["worker"]).post(
        "/api/v1/scene/lookup/", {"iin": bound["iin"], "reason": "patrol"}, format="json"
    )
    assert refused.status_code == 403


def test_court_requirements_in_force_show_beside_the_orders_and_ended_ones_do_not(client, pw, bound):
    from qorgau.protection import requirement_services

    def record(court, decision_on, months=6):
        return requirement_services.requirement_create(
            actor=pw["prosecutor"],
            case=pw["case"],
            person_id=pw["perpetrator"].pk,
            court=court,
            decision_on=decision_on,
            months=months,
            conditions=["no_alcohol", "home_at_night"],
            conditions_text="Report to the district unit every Monday.",
            monitoring_agency=pw["police"],
        )

    record("Court of the scene district", timezone.localdate() - timedelta(days=3))
    record("Court of an old decision", timezone.localdate() - timedelta(days=400), months=3)
    html = _post(client, pw["stranger"], iin=bound["iin"]).content.decode()
    assert "PO-SCENE-1" in html  # the order is still there
    assert "Court requirements" in html and "Court of the scene district" in html
    assert "No alcohol or drugs" in html and "Stay home at night" in html
    assert "Report to the district unit every Monday." in html
    assert html.count("tel:+77000009101") == 2  # the monitoring unit's duty phone
    assert "Court of an old decision" not in html  # ended months ago
    for secret in (SURVIVOR_NAME[0], pw["case"].number, "Жандосов"):
        assert secret not in html
