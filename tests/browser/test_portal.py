"""The public portal in a real browser: quick exit, keyboard, the private self-check, a contact
request reaching the right regional inbox, accessibility (axe-core) and page weight."""

import re

import pytest
from playwright.sync_api import expect
from tests.helpers import PASSWORD, totp_now

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role

NEUTRAL = "https://neutral.test/weather"
START = "https://start.test/"
PAGES = [
    "",
    "help/?region=71",
    "services/",
    "rights/",
    "safety-plan/",
    "self-check/",
    "contact/",
    "contact/sent/",
]
MAX_BYTES = 100 * 1024


@pytest.fixture(autouse=True)
def _catalogue_and_exit(transactional_db, settings):
    """Live-server tests empty the tables between tests: load the catalogue again."""
    from qorgau.directory.models import ServiceType
    from qorgau.directory.services import services_load

    if not ServiceType.objects.exists():
        services_load()
    settings.QORGAU_QUICK_EXIT_URL = NEUTRAL


@pytest.fixture
def shelter(make_agency):
    from qorgau.directory.models import AgencyProfile, AgencyService

    agency = make_agency(kind=Agency.Kind.SHELTER, region="71", name="Browser Shelter")
    AgencyProfile(
        agency=agency,
        public_phone="+77000000160",
        open_24_7=True,
        address="Never shown 1",
        address_confidential=True,
        accepts_children=True,
        boys_max_age=10,
    ).save()
    AgencyService.objects.create(agency=agency, service_id="shelter")
    return agency


def _route_outside(page):
    """No internet here: answer the neutral site and the page we came from ourselves."""
    page.context.route(
        re.compile(r"https://(neutral|start)\.test/.*"),
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><title>Weather</title><p>Sunny</p>"
        ),
    )


@pytest.mark.parametrize("how", ["button", "escape"])
def test_quick_exit_replaces_the_page_and_leaves_no_history_entry(page, live_server, how):
    _route_outside(page)
    page.goto(START)
    page.goto(f"{live_server.url}/en/self-check/")
    before = page.evaluate("history.length")
    if how == "button":
        page.get_by_role("link", name="Quick exit").click()
    else:
        page.get_by_text("Someone controls my money").click()  # focus inside the page first
        page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    assert page.evaluate("history.length") == before  # replaced, not added
    page.go_back()
    expect(page).to_have_url(START)  # "Back" skips the portal page


def test_quick_exit_is_the_first_stop_of_the_keyboard(page, live_server):
    page.goto(f"{live_server.url}/kk/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"


@pytest.mark.parametrize("javascript", [True, False])
def test_self_check_sends_nothing_and_shows_advice_by_urgency(browser, live_server, javascript):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    page.goto("/en/self-check/")
    page.wait_for_load_state("networkidle")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    urgent = page.get_by_role("heading", name="You may be in danger now")
    soon = page.get_by_role("heading", name="What you describe is not normal")
    expect(urgent).to_be_hidden()
    expect(soon).to_be_hidden()
    page.get_by_label("Someone controls my money, my phone, or whom I may see.").check()
    expect(soon).to_be_visible()
    expect(urgent).to_be_hidden()
    page.get_by_label("He has threatened to kill me or my children.").check()
    expect(urgent).to_be_visible()
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)
    assert requests == [], f"the self-check sent {requests}"
    assert page.locator("form").count() == 0
    context.close()


def test_contact_request_reaches_only_the_right_regional_inbox(
    browser, page, live_server, make_user, make_agency
):
    page.goto("/en/contact/")
    page.get_by_label("Where are you?").select_option("71")
    page.get_by_label("Someone to talk to").check()
    page.get_by_label("A text message (SMS)").check()
    page.get_by_label("Phone number or e-mail").fill("+7 700 000 02 34")
    page.get_by_label("Evening (17–21)").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your request has been received")
    assert "0234" not in page.content()

    astana = make_user(
        Role.CASEWORKER, agency=make_agency(kind=Agency.Kind.CRISIS_CENTRE, region="71"), username="cw71"
    )
    almaty = make_user(
        Role.CASEWORKER, agency=make_agency(kind=Agency.Kind.CRISIS_CENTRE, region="75"), username="cw75"
    )
    for user, sees in ((astana, True), (almaty, False)):
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        staff = context.new_page()
        staff.goto("/accounts/sign-in/")
        staff.get_by_label("Username").fill(user.username)
        staff.get_by_label("Password").fill(PASSWORD)
        staff.get_by_role("button", name="Continue").click()
        staff.get_by_label("Code from your authenticator app").fill(totp_now(user))
        staff.get_by_role("button", name="Sign in").click()
        expect(staff).to_have_url(re.compile(r"/dashboard/$"))
        staff.get_by_role("link", name="Contact requests").first.click()
        rows = staff.locator("tbody tr a")
        if sees:
            expect(rows).to_have_count(1)
            rows.first.click()
            expect(staff.get_by_text("+77000000234")).to_be_visible()
            staff.get_by_role("button", name="Take").click()
            expect(staff.get_by_text("The request is yours")).to_be_visible()
            # ...and the intake starts with what she wrote, so she is not asked again.
            expect(staff.locator("[name=phone]")).to_have_value("+77000000234")
            expect(staff.locator("[name=entry_point]")).to_have_value("self_referral")
        else:
            expect(rows).to_have_count(0)
            expect(staff.get_by_text("No requests are waiting.")).to_be_visible()
        context.close()


def test_the_contact_keyboard_follows_the_chosen_channel(page, live_server, db):
    page.goto("/en/contact/")
    contact = page.get_by_label("Phone number or e-mail")
    assert contact.get_attribute("inputmode") is None  # no choice yet: the ordinary keyboard
    page.get_by_label("E-mail", exact=True).check()
    assert contact.get_attribute("inputmode") == "email"
    page.get_by_label("A phone call").check()
    assert contact.get_attribute("inputmode") == "tel"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_portal_page_passes_axe(axe_page, live_server, shelter, lang):
    for path in PAGES:
        axe_page.goto(f"/{lang}/{path}")
        violations = run_axe(axe_page)
        assert violations == [], f"/{lang}/{path}: {[(v['id'], v['help']) for v in violations]}"
    # The contact form with its errors shown, too.
    axe_page.goto(f"/{lang}/contact/")
    axe_page.locator("button[type=submit]").click()
    assert axe_page.locator(".errorlist").count() > 0
    assert run_axe(axe_page) == []


def _first_visit(browser, live_server, path) -> tuple[int, list[str]]:
    """Bytes of every response body of one page load with an empty cache, and foreign URLs."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(path)
    page.wait_for_load_state("networkidle")
    total = sum(len(r.body()) for r in responses if r.status != 302)
    outside = [r.url for r in responses if not r.url.startswith(live_server.url)]
    context.close()
    return total, outside


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_portal_page_weighs_under_100_kb_on_a_first_visit(browser, live_server, shelter, lang):
    for path in PAGES:
        total, outside = _first_visit(browser, live_server, f"/{lang}/{path}")
        assert outside == [], f"/{lang}/{path} loaded from elsewhere: {outside}"
        assert total <= MAX_BYTES, f"/{lang}/{path} weighs {total} bytes"


def run_axe(page):
    from tests.browser.conftest import run_axe as run

    return run(page)
