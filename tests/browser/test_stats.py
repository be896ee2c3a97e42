"""The analyst reads the national dashboard: filters, charts drawn (strict CSP), every chart's
numbers as a table, suppressed figures marked; then the pages' accessibility (axe)."""

from playwright.sync_api import expect
from tests.browser.test_intake_wizard import sign_in

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.stats.refresh import rebuild
from qorgau.stats.tasks import prepare_default_views


def _world(make_user, make_agency, open_case):
    from datetime import timedelta

    from django.utils import timezone

    from qorgau.core.models import Region

    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre S1")
    worker = make_user(Role.CASEWORKER, agency=centre, username="stats.browser.worker")
    day = timezone.localdate().replace(day=1) - timedelta(days=10)  # last month
    consent = {"purpose": "statistics", "method": "written", "given_by": "survivor"}
    for n, region in enumerate(["71"] * 6 + ["62"] * 2):
        open_case(
            worker,
            consents=[consent],
            survivor={"iin": "", "phones": [f"+7700000{n:04d}"]},
            incident={"occurred_on": day, "reported_on": day, "region": Region.objects.get(code=region)},
        )
    rebuild()
    import time

    started = time.perf_counter()
    prepare_default_views()  # as the worker does after each rebuild
    print(f"prepared in {time.perf_counter() - started:.1f} s")
    commission = make_agency(Agency.Kind.NATIONAL_COMMISSION, name="Commission B")
    return make_user(Role.ANALYST, agency=commission, username="stats.browser.analyst")


def test_the_analyst_filters_the_dashboard_and_reads_charts_and_tables(
    page, make_user, make_agency, open_case
):
    analyst = _world(make_user, make_agency, open_case)
    sign_in(page, analyst)
    page.get_by_role("link", name="Statistics").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National statistics: incidents")
    expect(page.locator("canvas[data-chart=region]")).to_be_visible()
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 3")
    table = page.get_by_role("table", name="Incidents by region")
    expect(table.get_by_role("row")).to_have_count(1 + 20 + 1)  # head, regions, total
    # Ulytau has two: suppressed, marked as such, never as 0.
    expect(page.locator(".suppressed").first).to_be_attached()
    expect(page.locator(".suppressed .visually-hidden").first).to_have_text("suppressed")

    page.set_default_timeout(90000)  # a new filter is suppressed on first request
    page.get_by_label("Region", exact=True).select_option("71")
    page.get_by_label("Type of violence", exact=True).select_option("physical_assault")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(__import__("re").compile(r"region=71"))
    expect(page.get_by_role("table", name="Incidents by region")).to_have_count(0)
    expect(page.get_by_role("table", name="Incidents by month")).to_be_visible()

    page.goto("/stats/?start=2001-13")  # typed into the address: the month field would refuse it
    expect(page.locator(".stats-filters .error")).to_contain_text("Give a month as YYYY-MM.")


def test_statistics_pages_have_no_serious_accessibility_problems(axe_page, make_user, make_agency, open_case):
    from tests.browser.conftest import run_axe

    analyst = _world(make_user, make_agency, open_case)
    page = axe_page
    page.set_default_timeout(90000)
    sign_in(page, analyst)
    for url in ("/stats/", "/stats/?region=62", "/stats/pathway/", "/stats/risk-outcomes/", "/en/open-data/"):
        page.goto(url)
        problems = run_axe(page)
        assert problems == [], (url, [(p["id"], [n["html"] for n in p["nodes"]]) for p in problems])
