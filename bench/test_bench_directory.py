"""How fast the directory answers at national scale: ~200 crisis and family support centres plus
shelters and other services, about 400 agencies with profiles in 20 regions."""

import pytest

from qorgau.accounts.models import Agency
from qorgau.core.models import Region
from qorgau.directory.models import AgencyProfile, AgencyService, ServiceType
from qorgau.directory.selectors import directory_search, public_directory

KINDS = [
    Agency.Kind.CRISIS_CENTRE,
    Agency.Kind.FAMILY_SUPPORT_CENTRE,
    Agency.Kind.SHELTER,
    Agency.Kind.HEALTH,
]


@pytest.fixture
def national(db):
    services = list(ServiceType.objects.all())
    for region in Region.objects.all():
        for n in range(20):
            kind = KINDS[n % len(KINDS)]
            name = f"Bench {kind} {region.code}-{n}"
            agency = Agency.objects.create(kind=kind, region=region, name_kk=name, name_ru=name, name_en=name)
            AgencyProfile(
                agency=agency,
                open_24_7=True,
                address=f"Street {n}",
                address_confidential=kind == "shelter",
                accepts_children=n % 2 == 0,
                beds_total=10,
                beds_free=n % 4,
            ).save()
            AgencyService.objects.bulk_create(
                [AgencyService(agency=agency, service=s) for s in services if kind in s.provider_kinds]
            )


def test_bench_staff_search_region_free_beds_children(benchmark, national, make_user):
    actor = make_user("caseworker")
    result = benchmark(
        lambda: directory_search(
            actor=actor, region="71", service="shelter", free_beds=True, accepts_children=True
        )
    )
    assert result and all(e.beds_free > 0 and e.accepts_children for e in result)


def test_bench_public_region_listing(benchmark, national):
    result = benchmark(lambda: public_directory(region="71"))
    assert len(result) == 20 and all(e.address == "" for e in result if e.kind == "shelter")
