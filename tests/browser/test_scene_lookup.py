"""An officer at a door, on a phone (390×844): she looks the man up by his IIN with a reason, sees
the order that binds him — conditions, end, her first name, the duty phone to call — and records
the breach from there. The look-up works with JavaScript off too."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.browser.steps import sign_in
from tests.protection.conftest import share_by_referral

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.core.iin import make_iin
from qorgau.people.services import person_reindex
from qorgau.protection import services
from qorgau.protection.models import Violation

PHONE = {"width": 390, "height": 844}


def _phone(browser, live_server, *, javascript=True):
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15000)
    return context, context.new_page()


@pytest.fixture
def scene(make_user, make_agency, open_case):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre S")
    police = make_agency(Agency.Kind.POLICE, name="Police S")
    police.duty_phone = "+77000009103"
    police.save()
    worker = make_user(Role.CASEWORKER, agency=centre, username="s.worker")
    officer = make_user(Role.POLICE_OFFICER, agency=police, username="s.officer")
    case = open_case(worker)
    share_by_referral(case, police, ["general", "legal", "safety"], worker)
    person = case.people.get(role="perpetrator")
    person.iin = next(i for n in range(1, 50) if (i := make_iin(date(1984, 6, 7), "M", n)))
    person.save()
    person_reindex(person)
    order = services.protective_order_create(
        actor=officer,
        case=case,
        person_id=person.pk,
        number="PO-DOOR-5",
        issuing_unit="District police, unit 5",
        conditions=["no_approach", "no_calls"],
        approach_metres=300,
        conditions_text="",
        issue=True,
        issued_at=timezone.now() - timedelta(days=3),
        starts_at=None,
    )
    services.protective_order_serve(
        actor=officer,
        case=case,
        order_id=order.pk,
        expected_version=order.version,
        served_at=timezone.now() - timedelta(days=2),
        served_how="in_person",
    )
    return {"officer": officer, "iin": person.iin, "order": order}


def _look_up(page, iin):
    page.goto("/protection/scene/")
    page.get_by_label("IIN").fill(iin)
    page.get_by_label("Called to a domestic incident").check()
    page.get_by_role("button", name="Look up").click()


def test_an_officer_looks_him_up_and_records_the_breach(browser, live_server, scene):
    context, page = _phone(browser, live_server)
    try:
        sign_in(page, scene["officer"])
        _look_up(page, scene["iin"])
        card = page.locator("article.scene-item")
        expect(card).to_have_count(1)
        expect(card).to_contain_text("PO-DOOR-5")
        expect(card).to_contain_text("No approach within a distance: 300 m")
        expect(card).to_contain_text("No calls or messages")
        expect(card).to_contain_text("Айгүл")  # her first name, nothing more of her
        expect(card).not_to_contain_text("Жандосова")
        call = card.get_by_role("link", name="Call the duty unit: +7 700 000 9103")
        expect(call).to_have_attribute("href", "tel:+77000009103")
        # One column on the phone, and fingers-sized targets.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        box = call.bounding_box()
        assert box and box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"], box

        card.get_by_role("link", name="Record a breach").click()
        form = page.locator("form[action$='/violations/']")
        moment = timezone.localtime() - timedelta(minutes=20)
        form.get_by_label("When it happened").fill(moment.strftime("%Y-%m-%dT%H:%M"))
        form.get_by_label("What happened").fill("He stood at her door at night.")
        form.get_by_label("Who reported it").select_option("police")
        form.get_by_role("button", name="Record the breach").click()
        expect(page.get_by_text("He stood at her door at night.")).to_be_visible()
        assert Violation.objects.filter(order=scene["order"], reported_by="police").count() == 1
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_the_look_up_works_without_javascript_and_says_what_is_wrong(browser, live_server, scene):
    context, page = _phone(browser, live_server, javascript=False)
    try:
        sign_in(page, scene["officer"])
        page.goto("/protection/scene/")
        page.get_by_label("IIN").fill("1234")
        page.get_by_role("button", name="Look up").click()
        expect(page.get_by_text("An IIN is exactly 12 digits.")).to_be_visible()
        expect(page.get_by_text("Choose the reason for the look-up.")).to_be_visible()
        _look_up(page, scene["iin"])
        expect(page.locator("article.scene-item")).to_contain_text("PO-DOOR-5")
    finally:
        context.close()
