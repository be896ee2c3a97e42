"""The one door: what directory declares (tests/doors.py)."""

from tests.doors import Route, case_staff, signed_in, staff

REFERENCE_MODELS = {
    "directory.ServiceType": "the service catalogue (directory/data/services.yaml): reference data",
}

ALLOWED = {
    "qorgau/directory/templates/directory/search.html::page.paginator.count": "the number of agencies "
    "found in the public directory search (directory.selectors.directory_search); no survivor data",
}


ORDER = 60


def build(world):
    from qorgau.directory.models import AgencyProfile

    AgencyProfile.objects.create(agency=world.agencies["own"], public_phone="+77000000150")
    world.ids["code"] = "legal_aid"


ROUTES = {
    "directory:search": Route(read=case_staff()),
    "directory:agency": Route(read=case_staff()),
    "directory:profile_edit": Route(read=staff("agency_admin"), write=staff("agency_admin")),
    "directory:capacity": Route(
        read=staff("shelter_staff", "supervisor", at=("own",)),
        write=staff("shelter_staff", "supervisor", at=("own",)),
    ),
    "directory:catalogue": Route(read=staff("system_admin")),
    "directory:catalogue_edit": Route(read=staff("system_admin"), write=staff("system_admin")),
    "api:services": Route(read=signed_in),
    "api:directory": Route(read=case_staff()),
    "api:capacity": Route(write=staff("shelter_staff", "supervisor", at=("own",))),
}
