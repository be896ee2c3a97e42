"""Staff pages on a phone (390×844): the header keeps "Sign out" on screen, and one long
unbroken string (a pasted link) does not widen the page."""

import pytest
from tests.browser.steps import sign_in

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases import services

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE)
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def _page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_the_header_fits_a_phone_and_sign_out_stays_on_screen(phone_page, make_user, make_agency):
    agency = make_agency(
        Agency.Kind.CRISIS_CENTRE, name="Centre with a rather long official name for a phone"
    )
    worker = make_user(Role.CASEWORKER, agency=agency, username="caseworker.with.a.long.name")
    sign_in(phone_page, worker)
    sign_out = phone_page.get_by_role("button", name="Sign out")
    box = sign_out.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert _page_width(phone_page) <= PHONE["width"]


def test_a_long_unbroken_string_does_not_widen_the_case_page(phone_page, make_user, make_agency, open_case):
    worker = make_user(Role.CASEWORKER, agency=make_agency(Agency.Kind.CRISIS_CENTRE), username="cw.long")
    case = open_case(worker)
    pasted = "https://example.invalid/" + "a" * 3000
    services.note_add(actor=worker, case=case, section="general", body=f"She sent this link: {pasted}")
    sign_in(phone_page, worker)
    phone_page.goto(f"/cases/{case.pk}/")
    phone_page.get_by_text("She sent this link").wait_for()
    assert _page_width(phone_page) <= PHONE["width"]
