"""One door, many agencies: a crisis-centre caseworker refers a survivor to a police officer and a
psychologist of other agencies; each signs in, accepts and records a service; the caseworker sees
both on the case timeline."""

from playwright.sync_api import expect
from tests.browser.steps import new_page, sign_in

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.directory.catalogue import load_services
from qorgau.directory.models import ServiceType


def test_refer_accept_and_record_across_agencies(
    page, browser, live_server, make_user, make_agency, open_case
):
    load_services(ServiceType)  # live-server tests start with empty tables
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre A")
    police = make_agency(Agency.Kind.POLICE, name="Police B")
    psych = make_agency(Agency.Kind.PSYCHOLOGICAL, name="Psychological Service C")
    worker = make_user(Role.CASEWORKER, agency=centre, username="cc.ayana")
    officer = make_user(Role.POLICE_OFFICER, agency=police, username="police.arman")
    psychologist = make_user(Role.PSYCHOLOGIST, agency=psych, username="psych.asel")
    consent = {"method": "written", "given_by": "survivor"}
    case = open_case(
        worker,
        consents=[
            {"purpose": "referral", "recipient_kind": "police", **consent},
            {"purpose": "share", "recipient_kind": "police", "sections": ["general", "legal"], **consent},
            {"purpose": "referral", "recipient_kind": "psychological", **consent},
            {"purpose": "share", "recipient_kind": "psychological", "sections": ["psychological"], **consent},
        ],
    )

    sign_in(page, worker)
    for service, agency in (("police_report", police), ("psychological", psych)):
        page.goto(f"/cases/{case.pk}/")
        page.get_by_role("link", name="Refer her to another agency").click()
        page.locator("[name=service]").select_option(service)
        page.locator("[name=to_agency]").select_option(str(agency.pk))
        page.locator("main form button.primary").click()
        expect(page.locator(".messages")).to_contain_text("The referral was sent.")
        expect(page.locator("#pathway")).to_contain_text(agency.name_en)

    for user, _service_label in ((officer, "Police report"), (psychologist, "Psychological counselling")):
        context, other = new_page(browser, live_server)
        sign_in(other, user)
        other.get_by_role("link", name="Referrals").first.click()
        other.locator("tbody a").first.click()
        expect(other.get_by_text("Accept the referral to open the shared parts of her case.")).to_be_visible()
        other.get_by_role("button", name="Accept").click()
        expect(other.locator("dl.facts")).to_contain_text("Accepted")
        other.locator("[name=note]").fill("First meeting held; statement taken.")
        other.get_by_role("button", name="Record").click()
        expect(other.locator(".messages")).to_contain_text("The service was recorded.")
        other.get_by_role("link", name=case.number).click()  # the case is open to them now
        expect(other.get_by_role("heading", level=1)).to_contain_text(case.number)
        context.close()

    page.goto(f"/cases/{case.pk}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Police B accepted the referral")
    expect(timeline).to_contain_text("Psychological Service C accepted the referral")
    expect(timeline.get_by_text("Service given")).to_have_count(2)
