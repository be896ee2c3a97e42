"""What a caseworker sees when a form on the case page is refused, and whom a picker offers
(issue #16)."""

from playwright.sync_api import expect
from tests.browser.steps import sign_in

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role

TYPED = "Она продиктовала длинное заявление, синтетический текст 4410"


def test_a_refused_consent_keeps_what_was_typed_with_the_error_beside_it(
    page, make_user, make_agency, open_case
):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre Browser")
    worker = make_user(Role.CASEWORKER, agency=centre, username="browser.keeper")
    case = open_case(worker)
    sign_in(page, worker)
    page.goto(f"/cases/{case.pk}/")
    consent = page.locator("#consent")
    consent.locator("summary").click()
    consent.locator("[name=purpose]").select_option("referral")
    consent.locator("[name=given_by]").select_option("guardian")
    consent.locator("[name=guardian_name]").fill("Гүлнар Апасы")
    consent.locator("[name=best_interest_reason]").fill(TYPED)
    consent.get_by_role("button", name="Record consent").click()
    consent = page.locator("#consent")
    expect(consent.locator("[name=guardian_name]")).to_be_visible()  # the form is open again
    expect(consent.locator("[name=guardian_name]")).to_have_value("Гүлнар Апасы")
    expect(consent.locator("[name=best_interest_reason]")).to_have_value(TYPED)
    expect(consent.locator(".has-error")).to_contain_text(
        "Choose one receiving agency or one type of agency."
    )


def test_a_note_refused_by_the_server_keeps_the_note(page, make_user, make_agency, open_case):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre Notes")
    worker = make_user(Role.CASEWORKER, agency=centre, username="browser.notes")
    case = open_case(worker)
    sign_in(page, worker)
    page.goto(f"/cases/{case.pk}/")
    page.locator("#note-body").fill(TYPED)
    # The section is no longer one she may write in (as if the page were stale): the server refuses.
    page.locator("#note-section").evaluate("s => { s.options[0].value = 'gone'; s.value = 'gone'; }")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#note-body")).to_have_value(TYPED)
    expect(page.locator("#note-section-error")).to_contain_text("Select a valid choice")


def test_the_referral_picker_offers_her_region_first_and_only_providers(
    page, make_user, make_agency, open_case
):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre Picker")
    make_agency(Agency.Kind.POLICE, region="75", name="Aaa Police Elsewhere")
    make_agency(Agency.Kind.POLICE, region="71", name="Zzz Police Astana")
    make_agency(Agency.Kind.REGIONAL_AKIMAT, region="71", name="Akimat Astana")
    make_agency(Agency.Kind.OPERATOR, region="71", name="Operator Astana")
    worker = make_user(Role.CASEWORKER, agency=centre, username="browser.picker")
    case = open_case(
        worker,
        consents=[
            {"purpose": "referral", "recipient_kind": "police", "method": "written", "given_by": "survivor"}
        ],
    )
    sign_in(page, worker)
    page.goto(f"/referrals/new/?case={case.pk}&service=police_report")
    picker = page.locator("[name=to_agency]")
    labels = picker.locator("option").all_inner_texts()
    assert [label.split(" — ")[0] for label in labels if label != "—"] == [
        "Zzz Police Astana",
        "Aaa Police Elsewhere",
    ]
    expect(picker.locator("optgroup").first).to_have_attribute("label", "In her region")


def test_the_agency_picker_has_a_search(page, make_user, make_agency, open_case):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre Search")
    make_agency(Agency.Kind.POLICE, region="75", name="Police Elsewhere")
    make_agency(Agency.Kind.POLICE, region="71", name="Police Astana")
    worker = make_user(Role.CASEWORKER, agency=centre, username="browser.search")
    case = open_case(worker)
    sign_in(page, worker)
    page.goto(f"/referrals/new/?case={case.pk}&service=police_report")
    page.get_by_role("searchbox", name="Search by name or region").fill("elsewhere")
    visible = page.locator("[name=to_agency] option:not([hidden])").all_inner_texts()
    assert [v for v in visible if v != "—"] == [next(v for v in visible if v.startswith("Police Elsewhere"))]
    assert (
        page.locator("[name=to_agency]")
        .evaluate("s => s.selectedOptions[0].textContent")
        .startswith("Police Elsewhere")
    )
