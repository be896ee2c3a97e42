"""The directory in the REST API: catalogue, search, capacity; in the schema; no shelter address."""

import pytest

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.directory.models import AgencyProfile, AgencyService, CapacityUpdate

SECRET_ADDRESS = "Hidden lane 5"


@pytest.fixture
def shelter(make_agency):
    agency = make_agency(kind=Agency.Kind.SHELTER, region="71", name="API Shelter")
    AgencyProfile(
        agency=agency,
        open_24_7=True,
        address=SECRET_ADDRESS,
        address_confidential=True,
        accepts_children=True,
        beds_total=6,
        beds_free=2,
    ).save()
    AgencyService.objects.create(agency=agency, service_id="shelter")
    return agency


def test_catalogue_lists_services_with_deadlines(api_client, make_user):
    body = api_client(make_user(Role.CASEWORKER)).get("/api/v1/services/").json()
    shelter = next(s for s in body if s["code"] == "shelter")
    assert shelter["urgent_deadline_hours"] == 4 and shelter["shares_sections"] == ["general", "safety"]
    assert shelter["name_kk"] and shelter["description_ru"]


def test_catalogue_needs_authentication(api_client, db):
    assert api_client().get("/api/v1/services/").json()["error"]["code"] == "not_authenticated"


def test_search_for_case_roles_without_shelter_address(api_client, make_user, shelter):
    response = api_client(make_user(Role.CASEWORKER)).get(
        "/api/v1/directory/", {"region": "71", "service": "shelter", "free_beds": "true"}
    )
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["name"] == "API Shelter" and result["beds_free"] == 2 and result["address"] == ""
    assert SECRET_ADDRESS not in response.content.decode()


def test_search_refused_to_roles_without_cases(api_client, make_user, shelter):
    response = api_client(make_user(Role.ANALYST)).get("/api/v1/directory/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_search_bad_filters_are_400_with_fields(api_client, make_user):
    response = api_client(make_user(Role.CASEWORKER)).get(
        "/api/v1/directory/", {"region": "99", "service": "x"}
    )
    body = response.json()["error"]
    assert (
        response.status_code == 400
        and body["code"] == "invalid"
        and {"region", "service"} <= set(body["fields"])
    )


def test_capacity_update_through_the_api(api_client, make_user, shelter):
    c = api_client(make_user(Role.SHELTER_STAFF, agency=shelter))
    ok = c.post(f"/api/v1/directory/{shelter.pk}/capacity/", {"beds_free": 5}, format="json")
    assert ok.status_code == 201 and ok.json()["beds_total"] == 6 and ok.json()["beds_free"] == 5
    bad = c.post(f"/api/v1/directory/{shelter.pk}/capacity/", {"beds_free": 7}, format="json")
    assert bad.status_code == 400 and "beds_free" in bad.json()["error"]["fields"]
    junk = c.post(f"/api/v1/directory/{shelter.pk}/capacity/", {"beds_free": "many"}, format="json")
    assert junk.status_code == 400
    assert CapacityUpdate.objects.count() == 1
    missing = c.post("/api/v1/directory/999999/capacity/", {"beds_free": 1}, format="json")
    assert missing.status_code == 404


def test_capacity_update_refused_to_other_staff(api_client, make_user, shelter):
    c = api_client(make_user(Role.CASEWORKER))
    response = c.post(f"/api/v1/directory/{shelter.pk}/capacity/", {"beds_free": 1}, format="json")
    assert response.status_code == 403 and not CapacityUpdate.objects.exists()


def test_directory_endpoints_are_in_the_schema(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/services/", "/api/v1/directory/", "/api/v1/directory/{agency_id}/capacity/"):
        assert path in schema
