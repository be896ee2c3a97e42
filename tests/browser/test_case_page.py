"""The case page as a caseworker uses it: a table of contents to jump to each part, and the
consent and emergency forms fetched only when she opens them (the page no longer carries their
hundreds of agency options for every reader)."""

from playwright.sync_api import expect
from tests.browser.steps import sign_in

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role


def test_the_consent_form_arrives_when_opened_and_records_consent(page, make_user, make_agency, open_case):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Browser Centre")
    make_agency(Agency.Kind.POLICE, name="Browser Police")
    lead = make_user(Role.CASEWORKER, Role.SUPERVISOR, agency=centre, username="case.page.lead")
    case = open_case(lead)
    sign_in(page, lead)
    page.goto(f"/cases/{case.pk}/")
    assert page.locator("#consent select").count() == 0  # not rendered until asked for
    assert page.locator("#sharing select").count() == 0
    with page.expect_response(lambda r: r.url.endswith(f"/cases/{case.pk}/consents/form/")) as fetched:
        page.locator("#consent summary").click()
    assert fetched.value.status == 200
    form = page.locator("#consent form[action$='/consents/']")
    expect(form.locator("select").first).to_be_visible()
    page.locator("#sharing summary").click()
    expect(page.locator("#sharing form[action$='/emergency/'] select").first).to_be_visible()


def test_the_table_of_contents_jumps_to_each_part(page, make_user, make_agency, open_case):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Toc Centre")
    worker = make_user(Role.CASEWORKER, agency=centre, username="case.page.toc")
    case = open_case(worker)
    sign_in(page, worker)
    page.goto(f"/cases/{case.pk}/")
    toc = page.get_by_role("navigation", name="On this page")
    for name, anchor in (("Her details", "people"), ("Notes", "notes"), ("Timeline", "timeline")):
        link = toc.get_by_role("link", name=name)
        expect(link).to_have_attribute("href", f"#{anchor}")
    toc.get_by_role("link", name="Timeline").click()
    expect(page).to_have_url(f"{page.url.split('#')[0].rstrip('#')}#timeline")
