"""The demo campaigns build from the demo world, the same way every time, and tell a coherent story."""

from io import StringIO

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from qorgau.accounts import demo as accounts_demo
from qorgau.campaigns import demo
from qorgau.campaigns.models import Campaign, Event, Letter


@pytest.fixture
def built(db):
    world = accounts_demo.build(StringIO(), {})
    out = StringIO()
    result = demo.build(out, world)
    return world, result, out.getvalue()


def test_the_2026_sixteen_days_reach_five_regions(built):
    campaign = Campaign.objects.get(code="16D-2026")
    assert (campaign.starts_on.isoformat(), campaign.ends_on.isoformat()) == ("2026-11-25", "2026-12-10")
    assert campaign.previous.code == "16D-2025"  # the 2026 edition follows 2025's
    public = campaign.events.filter(
        status__in=[Event.Status.APPROVED, Event.Status.HELD, Event.Status.REPORTED]
    )
    assert public.values("region").distinct().count() >= 5
    assert campaign.events.filter(status=Event.Status.SUBMITTED).exists()  # work for the coordinators


def test_reported_events_and_letters_exist_and_nothing_is_reported_before_it_happened(built):
    reported = Event.objects.filter(status=Event.Status.REPORTED)
    assert reported.count() >= 5 and all(e.report.participants_total > 0 for e in reported)
    assert all(e.ends_at < timezone.now() for e in reported)
    assert Letter.objects.filter(revoked_at__isnull=True).count() >= 20
    assert Letter.objects.filter(revoked_at__isnull=False).count() == 1


def test_demo_letters_verify_publicly(built):
    _world, _result, output = built
    code = output.rsplit("/verify/", 1)[1].strip()
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/verify/{code}").content.decode()
    assert "This letter of gratitude is genuine" in page


def test_approvals_follow_the_rules(built):
    for event in Event.objects.exclude(approved_by=None):
        assert event.approved_by != event.created_by  # four eyes
        approver = event.approved_by
        assert approver.agency.kind == "national_commission" or approver.agency.region_id == event.region_id


def test_building_again_changes_nothing(built):
    counts = (Campaign.objects.count(), Event.objects.count(), Letter.objects.count())
    codes = set(Letter.objects.values_list("code", flat=True))
    world = accounts_demo.build(StringIO(), {})
    demo.build(StringIO(), world)
    assert (Campaign.objects.count(), Event.objects.count(), Letter.objects.count()) == counts
    assert set(Letter.objects.values_list("code", flat=True)) == codes


def test_the_current_edition_reports_what_has_already_happened(db):
    """Built during the campaign, its past events are reported (with letters); future ones are not."""
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 4, 9, 0))):
        world = accounts_demo.build(StringIO(), {})
        demo.build(StringIO(), world)
        campaign = Campaign.objects.get(code="16D-2026")
        reported = campaign.events.filter(status=Event.Status.REPORTED)
        assert reported.count() >= 3 and all(e.ends_at < timezone.now() for e in reported)
        assert Letter.objects.filter(event__campaign=campaign).exists()
        assert campaign.events.filter(status=Event.Status.APPROVED, starts_at__gt=timezone.now()).exists()
