"""The API and the screens: who sees what of an order, bad input answered 400 in her language
with nothing changed, a stale version 409, and the case page's section."""

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.protection.conftest import issue, serve

from qorgau.protection.models import ProtectiveOrder, Violation

pytestmark = pytest.mark.django_db


def _url(case, order=None, tail=""):
    base = f"/api/v1/cases/{case.pk}/protective-orders/"
    return f"{base}{order.pk}/{tail}" if order else base


def _body(pw, **overrides):
    data = {
        "person": str(pw["perpetrator"].pk),
        "number": "PO-API-1",
        "issuing_unit": "District police, unit 3",
        "conditions": ["no_contact", "no_approach"],
        "approach_metres": 100,
    }
    data.update(overrides)
    return data


def test_an_officer_issues_and_serves_through_the_api(pw, api_client):
    api = api_client(pw["officer"])
    answer = api.post(_url(pw["case"]), _body(pw), format="json")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["state"] == "issued" and data["person_name"] == "Жандосов Ерлан"
    order = ProtectiveOrder.objects.get()
    served = api.post(
        _url(pw["case"], order, "steps/"),
        {
            "action": "serve",
            "version": data["version"],
            "served_at": timezone.now().isoformat(),
            "served_how": "in_person",
        },
        format="json",
    )
    assert served.status_code == 200, served.content
    assert served.json()["state"] == "active"
    stale = api.post(
        _url(pw["case"], order, "steps/"),
        {"action": "extend", "version": data["version"], "days": 5, "reason": "Still afraid of him."},
        format="json",
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"person": "00000000-0000-0000-0000-000000000000"}, "person"),
        ({"conditions": ["teleport"]}, "conditions"),
        ({"conditions": ["no_approach"], "approach_metres": None}, "approach_metres"),
        ({"issued_at": "2099-01-01T10:00:00+05:00"}, "issued_at"),
        ({"issued_at": "yesterday"}, "issued_at"),
        ({"number": ["a", "list"]}, "number"),
    ],
)
def test_bad_input_answers_400_in_russian_and_changes_nothing(pw, api_client, overrides, field):
    api = api_client(pw["officer"])
    answer = api.post(_url(pw["case"]), _body(pw, **overrides), format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    words = " ".join(error["fields"][field]).lower()
    assert any("а" <= ch <= "я" for ch in words), words  # her language, not English
    assert not ProtectiveOrder.objects.exists()


def test_the_person_bound_is_named_only_to_those_who_see_the_legal_section(pw, api_client):
    order = serve(pw, issue(pw))
    for who, named in (("worker", True), ("officer", True), ("doctor", False)):
        answer = api_client(pw[who]).get(_url(pw["case"], order))
        assert answer.status_code == 200
        data = answer.json()
        assert (data["person_name"] is not None) is named, who
        assert ("Жандосов" in answer.content.decode()) is named, who
        assert data["conditions"] == ["no_contact", "no_calls"]
    assert api_client(pw["stranger"]).get(_url(pw["case"], order)).status_code == 404
    assert api_client(pw["stranger"]).get(_url(pw["case"])).status_code == 404


def test_a_breach_through_the_api(pw, api_client):
    order = serve(
        pw,
        issue(pw, issued_at=timezone.now() - timedelta(hours=2)),
        served_at=timezone.now() - timedelta(hours=1),
    )
    api = api_client(pw["worker"])
    bad = api.post(
        _url(pw["case"], order, "violations/"),
        {"occurred_at": "", "description": "x", "reported_by": "survivor"},
        format="json",
    )
    assert bad.status_code == 400 and "occurred_at" in bad.json()["error"]["fields"]
    answer = api.post(
        _url(pw["case"], order, "violations/"),
        {
            "occurred_at": timezone.now().isoformat(),
            "description": "He waited at the school.",
            "reported_by": "witness",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert Violation.objects.count() == 1
    assert (
        api_client(pw["doctor"])
        .post(
            _url(pw["case"], order, "violations/"),
            {"occurred_at": timezone.now().isoformat(), "description": "x", "reported_by": "witness"},
            format="json",
        )
        .status_code
        == 403
    )


def test_the_case_page_shows_the_orders_and_the_issue_button_to_the_officer(pw, login_client):
    serve(pw, issue(pw))
    page = login_client(pw["officer"]).get(f"/cases/{pw['case'].pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="protection"' in text
    assert "PO-1" in text and "Issue a protective order" in text and "In force" in text
    page = login_client(pw["worker"]).get(f"/cases/{pw['case'].pk}/")
    assert "PO-1" in page.content.decode() and "Issue a protective order" not in page.content.decode()


def test_the_officer_issues_on_the_page_and_bad_input_keeps_the_form(pw, login_client):
    client = login_client(pw["officer"])
    url = f"/protection/cases/{pw['case'].pk}/orders/new/"
    assert client.get(url).status_code == 200
    data = {
        "person": str(pw["perpetrator"].pk),
        "number": "PO-WEB",
        "issuing_unit": "Unit 5",
        "conditions": ["no_approach"],
        "issue": "on",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400 and "Give the distance in metres" in bad.content.decode()
    assert not ProtectiveOrder.objects.exists()
    good = client.post(url, {**data, "approach_metres": "300"})
    order = ProtectiveOrder.objects.get()
    assert good.status_code == 302 and good["Location"].endswith(f"/orders/{order.pk}/")
    page = client.get(good["Location"])
    assert page.status_code == 200 and "Record the service" in page.content.decode()
    served = client.post(
        f"/protection/cases/{pw['case'].pk}/orders/{order.pk}/serve/",
        {
            "version": order.version,
            "served_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "served_how": "at_station",
        },
    )
    assert served.status_code == 302
    order.refresh_from_db()
    assert order.served_at is not None and order.served_how == "at_station"


def test_the_order_form_is_not_for_a_caseworker(pw, login_client):
    answer = login_client(pw["worker"]).post(
        f"/protection/cases/{pw['case'].pk}/orders/new/", {"person": str(pw["perpetrator"].pk), "number": "X"}
    )
    assert answer.status_code == 302 and not ProtectiveOrder.objects.exists()
