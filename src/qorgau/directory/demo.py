"""Demo directory: public profiles, services and bed capacity for the demo regions' agencies.

Some bed figures are deliberately old, so the "out of date" marking can be seen.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qorgau.core.demo import DEMO_REGIONS
from qorgau.directory.models import (
    CONFIDENTIAL_ADDRESS_KINDS,
    AgencyProfile,
    AgencyService,
    CapacityUpdate,
    ServiceType,
)

# slug -> (hours, 24/7, languages, accepts children, boys up to, disabilities, step-free)
PROFILES = {
    "cc": ("", True, ["kk", "ru"], True, 14, True, True),
    "fsc": ("дс–жм / пн–пт 09:00–18:00", False, ["kk", "ru"], True, None, True, True),
    "police": ("", True, ["kk", "ru"], True, None, True, True),
    "hospital": ("", True, ["kk", "ru", "en"], True, None, True, True),
    "legal": ("дс–жм / пн–пт 09:00–18:00", False, ["kk", "ru", "en"], False, None, True, False),
    "psych": ("дс–сн / пн–сб 09:00–19:00", False, ["kk", "ru", "sign"], True, None, True, False),
    "shelter": ("", True, ["kk", "ru"], True, 12, False, True),
    "social": ("дс–жм / пн–пт 09:00–18:00", False, ["kk", "ru"], True, None, True, True),
    "school": ("дс–сн / пн–сб 08:00–18:00", False, ["kk", "ru"], True, None, False, False),
    "ngo": ("дс–жм / пн–пт 10:00–19:00", False, ["kk", "ru", "en"], True, 10, True, False),
}
# Bed figures: region slug -> {agency slug: (total, free, hours since the last update)}
BEDS = {
    "astana": {"shelter": (24, 5, 2), "cc": (8, 1, 5)},
    "almaty": {"shelter": (30, 0, 3), "cc": (10, 4, 30)},  # the crisis centre's figure is stale
    "karaganda": {"shelter": (16, 6, 50), "cc": (6, 2, 1)},  # the shelter's figure is stale
}


@transaction.atomic
def build(out, world: dict) -> dict:
    agencies, users = world["agencies"], world["users"]
    catalogue = list(ServiceType.objects.filter(is_active=True))
    now = timezone.now()
    profiles = 0
    for n, region in enumerate(DEMO_REGIONS[c] for c in sorted(DEMO_REGIONS)):
        r = region["slug"]
        for i, (slug, (hours, always, langs, children, boys, disab, step)) in enumerate(PROFILES.items()):
            agency = agencies[f"{slug}.{r}"]
            profile, created = AgencyProfile.objects.get_or_create(agency=agency)
            if created:
                profile.public_phone = f"+77000000{n}{i:02d}"[:12]
                profile.hours, profile.open_24_7, profile.languages = hours, always, langs
                profile.accepts_children, profile.boys_max_age = children, boys
                profile.accepts_disabilities, profile.accessible = disab, step
                profile.address = f"{region['kk']} қ., Демо көшесі, {10 + i}"  # an invented street
                profile.address_confidential = agency.kind in CONFIDENTIAL_ADDRESS_KINDS
                profile.save()
                AgencyService.objects.bulk_create(
                    [
                        AgencyService(agency=agency, service=s)
                        for s in catalogue
                        if agency.kind in s.provider_kinds
                    ],
                    ignore_conflicts=True,
                )
            profiles += 1
        for slug, (total, free, hours_ago) in BEDS[r].items():
            agency = agencies[f"{slug}.{r}"]
            if CapacityUpdate.objects.filter(agency=agency).exists():
                continue
            by = users[f"shelter.{r}"] if slug == "shelter" else users[f"supervisor.{r}"]
            at = now - timedelta(hours=hours_ago)
            CapacityUpdate.objects.create(
                agency=agency,
                at=at - timedelta(days=1),
                by=by,
                beds_total=total,
                beds_free=min(total, free + 2),
            )
            CapacityUpdate.objects.create(agency=agency, at=at, by=by, beds_total=total, beds_free=free)
            AgencyProfile.objects.filter(agency=agency).update(
                beds_total=total, beds_free=free, capacity_updated_at=at
            )
    out.write(f"directory profiles: {profiles}, services: {len(catalogue)}")
    return {}
