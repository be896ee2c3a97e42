"""In a real browser: an organiser registers an event, a regional coordinator approves it, and it
appears on the public calendar in Kazakh. The page fixture fails the test on any CSP violation."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect
from tests.browser.conftest import run_axe
from tests.helpers import PASSWORD, totp_now

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.campaigns.models import Campaign

TITLE = "Әкелер мектебі: қамқор әке болу"


def sign_in(page, user):
    page.goto("/accounts/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(totp_now(user))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))


def test_register_approve_and_publish_in_kazakh(page, make_agency, make_user):
    today = timezone.localdate()
    commission = make_agency(Agency.Kind.NATIONAL_COMMISSION, "71", "Commission")
    Campaign.objects.create(
        code="16D-TEST",
        name_kk="Зорлық-зомбылыққа қарсы 16 күн",
        name_ru="16 дней против насилия",
        name_en="16 Days against violence",
        starts_on=today,
        ends_on=today + timedelta(days=30),
        issuer=commission,
    )
    organiser = make_user(
        Role.CASEWORKER, agency=make_agency(Agency.Kind.NGO, "71", "Astana NGO"), username="org.browser"
    )
    coordinator = make_user(
        Role.CAMPAIGN_COORDINATOR,
        agency=make_agency(Agency.Kind.REGIONAL_AKIMAT, "71", "Astana Akimat"),
        username="akimat.browser",
    )
    day = (today + timedelta(days=2)).isoformat()

    sign_in(page, organiser)
    page.get_by_role("link", name="Events").first.click()
    page.get_by_role("link", name="Register an event").click()
    page.get_by_label("Campaign").select_option(label="16 Days against violence")
    page.get_by_label("Type").select_option("lecture")
    page.get_by_label("Title:", exact=True).fill(TITLE)
    page.get_by_label("Starts").fill(f"{day}T10:00")
    page.get_by_label("Ends").fill(f"{day}T12:00")
    page.get_by_label("Region").select_option("71")
    page.get_by_label("Venue").fill("Demo street 1, hall 2")
    page.get_by_role("checkbox", name="Kazakh").check()
    page.get_by_role("checkbox", name="Fathers").check()
    page.get_by_label("Speaker's name").first.fill("Әсемгүл Жандосқызы Нұрланова")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Submitted for approval", exact=True)).to_be_visible()
    sign_out(page)

    page.goto("/kk/calendar/")
    expect(page.get_by_text(TITLE)).to_have_count(0)  # nothing public before approval

    sign_in(page, coordinator)
    page.get_by_role("link", name="1 event awaits your approval").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved", exact=True)).to_be_visible()
    sign_out(page)

    page.goto("/kk/calendar/")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Алдын алу іс-шараларының күнтізбесі")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Дәріс", exact=False).first).to_be_visible()  # "Lecture" in Kazakh
    expect(page.get_by_text("Әсемгүл Жандосқызы Нұрланова")).to_have_count(0)  # she did not agree
    expect(page.get_by_text("Demo street 1, hall 2")).to_be_visible()


def test_dashboard_draws_charts_within_the_csp_and_is_accessible(axe_page, make_agency, make_user):
    page = axe_page
    today = timezone.localdate()
    commission = make_agency(Agency.Kind.NATIONAL_COMMISSION, "71", "Commission")
    campaign = Campaign.objects.create(
        code="16D-TEST",
        name_kk="16 күн",
        name_ru="16 дней",
        name_en="16 Days",
        starts_on=today,
        ends_on=today + timedelta(days=15),
        issuer=commission,
    )
    coordinator = make_user(Role.CAMPAIGN_COORDINATOR, agency=commission, username="national.browser")
    sign_in(page, coordinator)
    page.goto(f"/campaigns/{campaign.pk}/dashboard/")
    expect(page.locator("canvas[data-chart='by_region']")).to_be_visible()
    # Chart.js drew: the tables of the same numbers folded away, still there for screen readers.
    expect(page.locator("details[data-chart-table]").first).not_to_have_attribute("open", "")
    assert page.evaluate("() => Object.keys(window.Chart.instances).length") == 4
    assert run_axe(page) == []
    page.goto("/ru/calendar/")
    assert run_axe(page) == []
