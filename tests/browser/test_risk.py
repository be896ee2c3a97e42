"""A caseworker assesses a case that comes out high, reads why, refers it; the region's coordinator
puts it on a conference agenda. Then the pages' accessibility."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect
from tests.browser.test_intake_wizard import sign_in

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.risk.loader import get_instrument
from qorgau.risk.models import ConferenceReferral


def answer(page, yes: int):
    for n, item in enumerate(get_instrument("checklist-24").items):
        page.locator(f"[name=a_{item.id}][value={'yes' if n < yes else 'no'}]").check()


def test_high_risk_assessment_explained_referred_and_put_on_an_agenda(
    page, make_user, make_agency, open_case
):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre B")
    police = make_agency(Agency.Kind.POLICE, name="Police B")
    worker = make_user(Role.CASEWORKER, agency=centre, username="risk.browser.worker")
    coordinator = make_user(Role.CONFERENCE_COORDINATOR, agency=police, username="risk.browser.coordinator")
    case = open_case(worker)

    sign_in(page, worker)
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("#risk")).to_contain_text("No risk assessment yet")
    page.get_by_role("link", name="Assess the risk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk assessment")
    answer(page, yes=15)
    page.get_by_role("button", name="Check the result").click()
    expect(page.locator(".risk-result h2")).to_contain_text("High risk")
    expect(page.locator("[name=a_injury][value=yes]")).to_be_checked()  # nothing lost by checking
    page.get_by_role("button", name="Save the assessment").click()

    expect(page).to_have_url(re.compile(r"/risk/cases/[0-9a-f-]{36}/assessments/[0-9a-f-]{36}/$"))
    expect(page.locator(".risk-result")).to_contain_text("Yes answers: 15 of 24 (14 or more): High risk")
    expect(page.locator(".risk-result")).to_contain_text("15 questions answered yes")
    proposal = page.locator("#conference")
    expect(proposal).to_contain_text("Proposed for the multi-agency risk conference")
    expect(proposal).to_contain_text("High risk by the instrument")
    proposal.get_by_role("button", name="Refer to the risk conference").click()
    expect(page.locator(".messages")).to_contain_text("The case was referred to the risk conference")
    expect(page.locator("#risk")).to_contain_text("waiting for an agenda")
    page.locator(".usermenu").get_by_role("button", name="Sign out").click()

    sign_in(page, coordinator)
    expect(page.locator("main")).to_contain_text("1 referred case waits for an agenda.")
    page.get_by_role("link", name="Schedule a conference").first.click()
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.locator("[name=scheduled_for]").fill(when)
    page.locator("[name=place]").fill("Akimat, room 4")
    page.get_by_label("Police B").check()
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("The conference was scheduled.")
    page.get_by_role("button", name=f"Put {case.number} on this agenda").click()
    expect(page.locator(".messages")).to_contain_text(f"Case {case.number} is on the agenda.")
    agenda = page.locator("#agenda")
    expect(agenda).to_contain_text(case.number)
    expect(agenda).to_contain_text("High risk by the instrument")
    expect(page.locator("main")).not_to_contain_text("Жандосова")  # her name never reaches the conference
    referral = ConferenceReferral.objects.get(case=case)
    assert referral.status == "listed" and referral.conference.agencies.filter(pk=centre.pk).exists()


def test_risk_pages_have_no_serious_accessibility_problems(axe_page, make_user, open_case):
    from tests.browser.conftest import run_axe
    from tests.risk.helpers import assess

    from qorgau.risk import services
    from qorgau.risk.safety_plan import SafetyPlan

    worker = make_user(Role.CASEWORKER, username="risk.axe.worker")
    coordinator = make_user(Role.CONFERENCE_COORDINATOR, username="risk.axe.coordinator")
    case = open_case(worker)
    assessment = assess(worker, case, yes=15)
    services.safety_plan_save(
        actor=worker, case=case, expected_version=0, plan=SafetyPlan(code_word="Жұлдыз")
    )
    referral = services.conference_refer(actor=worker, case=case, basis="consent")
    conference = services.conference_create(
        actor=coordinator,
        scheduled_for=timezone.now() + timedelta(days=1),
        place="Room 1",
        agencies=[coordinator.agency],
    )
    services.agenda_add(actor=coordinator, conference=conference, referral_id=referral.pk)
    page = axe_page
    sign_in(page, worker)
    for url in (
        f"/cases/{case.pk}/",
        f"/risk/cases/{case.pk}/assessments/new/",
        f"/risk/cases/{case.pk}/assessments/{assessment.pk}/",
        f"/risk/cases/{case.pk}/safety-plan/",
        "/risk/conferences/",
        f"/risk/conferences/{conference.pk}/",
        f"/risk/agenda/{referral.pk}/",
        "/dashboard/",
    ):
        page.goto(url)
        problems = run_axe(page)
        assert problems == [], (url, [(p["id"], [n["html"] for n in p["nodes"]]) for p in problems])
    page.locator(".usermenu").get_by_role("button", name="Sign out").click()
    sign_in(page, coordinator)
    for url in (
        "/risk/conferences/new/",
        f"/risk/conferences/{conference.pk}/",
        f"/risk/agenda/{referral.pk}/",
    ):
        page.goto(url)
        problems = run_axe(page)
        assert problems == [], (url, [(p["id"], [n["html"] for n in p["nodes"]]) for p in problems])


def test_the_risk_form_counts_answers_and_has_a_box_for_her_words(page, make_user, make_agency, open_case):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre Progress")
    worker = make_user(Role.CASEWORKER, agency=centre, username="risk.browser.progress")
    case = open_case(worker, incident={"weapon": "knife", "injuries": "none"})
    sign_in(page, worker)
    page.goto(f"/risk/cases/{case.pk}/assessments/new/")
    progress = page.locator("[data-risk-progress-text]")
    expect(progress).to_have_text("1 of 24 answered")  # the knife recorded in the incident
    expect(page.locator("[name=a_weapons][value=yes]")).to_be_checked()
    expect(page.locator(".prefilled")).to_contain_text("Pre-filled from the incident of")
    page.locator("[name=a_injury][value=no]").check()
    page.locator("[name=a_frightened][value=yes]").check()
    expect(progress).to_have_text("3 of 24 answered")
    page.get_by_label("Note in her own words what she is afraid of.").fill("Что он вернётся ночью")
    page.get_by_role("button", name="Save a draft").click()
    expect(page.locator(".messages")).to_contain_text("The draft was saved")
    expect(page.get_by_label("Note in her own words what she is afraid of.")).to_have_value(
        "Что он вернётся ночью"
    )
    expect(progress).to_have_text("3 of 24 answered")
