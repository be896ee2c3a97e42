"""Forms sent by htmx show their errors: a 400 answer is swapped in like a success (htmx's
default drops 4xx answers, so a shelter's wrong bed figure used to vanish without a word)."""

from playwright.sync_api import expect
from tests.browser.steps import sign_in

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.directory.models import AgencyProfile


def test_a_wrong_bed_figure_shows_its_error_in_place(page, make_user, make_agency):
    shelter = make_agency(Agency.Kind.SHELTER, name="Htmx Shelter")
    AgencyProfile.objects.create(agency=shelter, beds_total=10, beds_free=4)
    staff = make_user(Role.SHELTER_STAFF, agency=shelter, username="shelter.htmx")
    sign_in(page, staff)
    page.goto("/directory/capacity/")
    card = page.locator("#capacity-card")
    card.get_by_label("Free beds now").fill("25")  # more than the 10 beds there are
    with page.expect_response(
        lambda r: r.url.endswith("/directory/capacity/") and r.request.method == "POST"
    ) as sent:
        card.get_by_role("button", name="Update").click()
    assert sent.value.status == 400
    expect(page.locator("#capacity-card")).to_contain_text(
        "There cannot be more free beds than beds in total"
    )
    assert AgencyProfile.objects.get(agency=shelter).beds_free == 4
