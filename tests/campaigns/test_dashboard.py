"""The campaign dashboard: the numbers, who sees which region, the chart data and the XLSX export."""

import json
import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from tests.campaigns.conftest import at

from qorgau.campaigns import services
from qorgau.campaigns.models import Campaign, Event
from qorgau.core.models import AuditEvent

S = Event.Status


@pytest.fixture
def filled(world, make_event):
    def reported(by, region, kind, total, groups, partners=(), day=26):
        event = make_event(
            by=by,
            status=S.HELD,
            region_id=region,
            kind=kind,
            partners=list(partners),
            starts_at=at(day, 10),
            ends_at=at(day, 12),
        )
        services.report_file(
            actor=by, event=event, participants_total=total, participants=groups, key_messages="x"
        )
        return event

    org, almaty = world["organiser"], world["almaty_organiser"]
    reported(
        org,
        "71",
        "round_table",
        100,
        {"women": 60, "men": 40},
        [{"name": "UN Demo", "kind": "international"}],
    )
    reported(org, "71", "lecture", 30, {"youth": 30}, [{"name": "un  demo", "kind": "international"}], day=27)
    reported(
        almaty,
        "75",
        "flash_mob",
        250,
        {"youth": 200, "women": 150},
        [{"name": '=HYPERLINK("http://x")', "kind": "ngo"}],
    )
    make_event(
        by=almaty,
        status=S.APPROVED,
        region_id="75",
        kind="seminar",
        starts_at=at(1, 10, 12),
        ends_at=at(1, 12, 12),
    )
    make_event(status=S.SUBMITTED)  # awaiting approval: not counted as an event, shown as pending
    make_event()  # a draft: not counted at all
    make_event(status=S.CANCELLED)


def test_national_dashboard_counts_the_country(world, filled, client, login_client):
    login_client(world["national"])
    response = client.get(reverse("campaigns:campaign_dashboard", args=[world["campaign"].pk]))
    assert response.status_code == 200
    ctx = response.context
    assert ctx["events_total"] == 4 and ctx["events_reported"] == 3 and ctx["events_pending"] == 1
    assert ctx["regions_covered"] == 2 and ctx["participants_total"] == 380
    by_region = dict(ctx["by_region"])
    assert by_region["Astana"] == 2 and by_region["Almaty"] == 2 and by_region["Abai Region"] == 0
    assert dict(ctx["by_kind"])["Flash mob"] == 1
    assert dict(ctx["by_group"])["Young people and students"] == 230 and dict(ctx["by_group"])["Women"] == 210
    by_day = dict(ctx["by_day"])
    assert len(ctx["by_day"]) == 16 and by_day["26.11"] == 2 and by_day["01.12"] == 1 and by_day["25.11"] == 0
    assert ctx["partners_total"] == 2  # "UN Demo" and "un  demo" are one organisation
    html = response.content.decode()
    data = json.loads(
        re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html).group(1)
    )
    assert data["by_kind"]["values"][data["by_kind"]["labels"].index("Flash mob")] == 1
    assert "chart.umd.min.js" in html and "<table>" in html  # the chart, and the same numbers as a table


def test_regional_dashboard_counts_its_region_only(world, filled, client, login_client):
    login_client(world["regional_almaty"])
    ctx = client.get(reverse("campaigns:campaign_dashboard", args=[world["campaign"].pk])).context
    assert ctx["events_total"] == 2 and ctx["participants_total"] == 250
    assert [name for name, _n in ctx["by_region"]] == ["Almaty"]


@pytest.mark.parametrize("who", ["organiser", "analyst", "sysadmin"])
def test_only_coordinators_see_the_dashboard(world, filled, client, login_client, who):
    login_client(world[who])
    assert client.get(reverse("campaigns:campaign_dashboard", args=[world["campaign"].pk])).status_code == 403
    assert (
        client.get(reverse("campaigns:campaign_dashboard_xlsx", args=[world["campaign"].pk])).status_code
        == 403
    )


def test_xlsx_export_has_the_same_numbers_and_no_formulas(world, filled, client, login_client):
    login_client(world["national"])
    response = client.get(reverse("campaigns:campaign_dashboard_xlsx", args=[world["campaign"].pk]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith(
        '16D-2026-dashboard.xlsx"'
    )
    book = load_workbook(BytesIO(response.content))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Events"] == 4 and summary["Participants reached"] == 380
    regions = {row[0]: row[1] for row in book["By region"].iter_rows(min_row=2, values_only=True)}
    assert regions["Almaty"] == 2 and isinstance(regions["Astana"], int)
    partners = list(book["Partners"].iter_rows(min_row=2))
    injected = next(row for row in partners if "HYPERLINK" in str(row[0].value))
    assert injected[0].data_type == "s"  # kept as text, never run as a formula
    assert AuditEvent.objects.filter(action="campaign.export").count() == 1


def test_copy_for_next_year_in_one_action(world, client, login_client):
    campaign = world["campaign"]
    campaign.coordinators.set([world["national"], world["regional"]])
    login_client(world["national"])
    response = client.post(reverse("campaigns:campaign_copy", args=[campaign.pk]))
    nxt = campaign.next_edition
    assert response.status_code == 302 and response["Location"] == reverse(
        "campaigns:campaign_edit", args=[nxt.pk]
    )
    assert (nxt.code, nxt.name_en, nxt.name_kk) == (
        "16D-2027",
        "16 Days 2027",
        "Зорлық-зомбылыққа қарсы 16 күн 2027",
    )
    assert (nxt.starts_on.isoformat(), nxt.ends_on.isoformat()) == ("2027-11-25", "2027-12-10")
    assert set(nxt.coordinators.all()) == {world["national"], world["regional"]}
    assert not nxt.events.exists()
    edit = client.get(response["Location"]).content.decode()
    assert 'value="16D-2027"' in edit and "Test regional" in edit  # coordinators to tick
    client.post(reverse("campaigns:campaign_copy", args=[campaign.pk]))  # twice: refused, no third
    assert Campaign.objects.count() == 2


def test_campaign_form_validates(world, client, login_client):
    login_client(world["national"])
    data = {
        "code": "bad code",
        "name_kk": "А",
        "name_ru": "Б",
        "name_en": "",
        "starts_on": "2027-03-10",
        "ends_on": "2027-03-01",
    }
    response = client.post(reverse("campaigns:campaign_create"), data)
    assert response.status_code == 400 and "capital Latin letters" in response.content.decode()
    data["code"] = "SPRING-2027"
    response = client.post(reverse("campaigns:campaign_create"), data)
    assert response.status_code == 400 and "cannot be before the first day" in response.content.decode()
    data["ends_on"] = "2027-03-31"
    assert client.post(reverse("campaigns:campaign_create"), data).status_code == 302
    assert Campaign.objects.filter(code="SPRING-2027").exists()
