"""The demo world fills the directory and the inbox, and building it twice changes nothing."""

from django.core.management import call_command

from qorgau.directory.models import AgencyProfile, CapacityUpdate
from qorgau.portal.models import ContactRequest


def test_demo_data_fills_three_regions_with_some_stale_figures(db):
    call_command("demo-data", without=["stats"])
    counts = (AgencyProfile.objects.count(), CapacityUpdate.objects.count(), ContactRequest.objects.count())
    call_command("demo-data", without=["stats"])
    assert (
        AgencyProfile.objects.count(),
        CapacityUpdate.objects.count(),
        ContactRequest.objects.count(),
    ) == counts
    assert set(AgencyProfile.objects.values_list("agency__region_id", flat=True)) >= {"71", "75", "35"}
    reporting = [p for p in AgencyProfile.objects.select_related("agency") if p.beds_total is not None]
    assert any(p.capacity_stale for p in reporting) and any(not p.capacity_stale for p in reporting)
    assert all(p.address_confidential for p in AgencyProfile.objects.filter(agency__kind="shelter"))
    assert (
        ContactRequest.objects.filter(status="taken").exists()
        and ContactRequest.objects.filter(status="new").exists()
    )
