"""A supervisor answers a closure request from "waiting for my approval": she returns it with
comments, and the caseworker reads them on the case page (issue #16)."""

from playwright.sync_api import expect
from tests.browser.steps import new_page, sign_in

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases import services

COMMENT = "Call the school's psychologist before we close: the children were not seen."


def test_a_closure_returned_from_the_dashboard_reaches_the_caseworker(
    page, browser, live_server, make_user, make_agency, open_case
):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Approvals Centre")
    worker = make_user(Role.CASEWORKER, agency=centre, username="approvals.worker")
    supervisor = make_user(Role.SUPERVISOR, agency=centre, username="approvals.supervisor")
    case = open_case(worker)
    services.case_close_request(actor=worker, case=case, reason="needs_met")
    sign_in(page, supervisor)
    panel = page.locator("#approvals")
    expect(panel).to_contain_text(case.number)
    panel.get_by_text("Return with comments").click()
    panel.get_by_label("What should be done before closing").fill(COMMENT)
    panel.get_by_role("button", name="Return to the caseworker").click()
    expect(page.get_by_text("The decision was recorded.")).to_be_visible()
    expect(page.locator("#approvals")).to_have_count(0)  # nothing waits any more
    context, worker_page = new_page(browser, live_server)
    try:
        sign_in(worker_page, worker)
        worker_page.goto(f"/cases/{case.pk}/#closure")
        closure = worker_page.locator("#closure")
        expect(closure).to_contain_text("Returned with comments")
        expect(closure).to_contain_text(COMMENT)
        expect(worker_page.locator("#timeline")).to_contain_text("The closure was returned with comments")
    finally:
        context.close()
