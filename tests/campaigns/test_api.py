"""Campaigns, events, reports and letters in the REST API, in the API's one error format."""

import json
from datetime import date
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from qorgau.campaigns.models import Campaign, Event, Letter

S = Event.Status


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def event_body(world, **overrides):
    body = {
        "campaign": world["campaign"].pk,
        "kind": "seminar",
        "title": "API seminar",
        "starts_at": "2026-11-27T10:00:00+05:00",
        "ends_at": "2026-11-27T12:00:00+05:00",
        "region": "71",
        "venue": "Demo street 1",
        "languages": ["kk", "ru"],
        "target_groups": ["youth"],
        "partners": [{"name": "Demo Foundation", "kind": "ngo"}],
        "speakers": [{"name": "Әсемгүл Жандосқызы Нұрланова", "report_title": "Safety"}],
    }
    body.update(overrides)
    return body


def test_the_whole_path_through_the_api(world, api_client):
    org, coord = api_client(world["organiser"]), api_client(world["regional"])
    created = org.post("/api/v1/events/", event_body(world), format="json")
    assert created.status_code == 201, created.content
    event = created.json()
    assert event["status"] == "draft" and event["speakers"][0]["name"] == "Әсемгүл Жандосқызы Нұрланова"
    url = f"/api/v1/events/{event['id']}/"
    patched = org.patch(
        url, {"title": "API seminar, renamed", "version": event["version"]}, format="json"
    ).json()
    # A partial change leaves everything else as it was, the speakers and partners included.
    assert patched["title"] == "API seminar, renamed" and patched["venue"] == "Demo street 1"
    assert patched["languages"] == ["kk", "ru"] and len(patched["speakers"]) == len(patched["partners"]) == 1
    assert org.post(url + "status/", {"to": "submitted"}, format="json").json()["status"] == "submitted"
    assert coord.post(url + "status/", {"to": "approved"}, format="json").json()["status"] == "approved"
    assert coord.get("/api/v1/events/", {"status": "approved"}).json()["count"] == 1
    Event.objects.filter(pk=event["id"]).update(status=S.HELD)
    report = {
        "participants_total": 40,
        "participants": {"youth": 35},
        "key_messages": "Call 111",
        "media_links": [],
    }
    filed = org.put(url + "report/", report, format="json")
    assert filed.status_code == 200 and filed.json()["participants"] == {"youth": 35}
    assert org.get(url).json()["status"] == "reported"
    issued = coord.post(
        "/api/v1/letters/",
        {
            "event": event["id"],
            "language": "kk",
            "recipients": [{"name": "Әсемгүл Жандосқызы Нұрланова", "role": "speaker"}],
        },
        format="json",
    )
    assert issued.status_code == 201
    letter = issued.json()[0]
    assert letter["number"] == "16D-2026/00001" and letter["verification_url"].endswith(
        f"/verify/{letter['code']}"
    )
    pdf = coord.get(f"/api/v1/letters/{letter['id']}/pdf/")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert coord.get("/api/v1/letters/", {"event": event["id"]}).json()["count"] == 1
    revoked = coord.post(f"/api/v1/letters/{letter['id']}/revoke/", {"reason": "Typo"}, format="json")
    assert revoked.json()["revoked_at"]
    assert_error(coord.get(f"/api/v1/letters/{letter['id']}/pdf/"), 410, "gone")


def test_bad_event_input_is_400_with_fields_and_saves_nothing(world, api_client):
    c = api_client(world["organiser"])
    error = assert_error(
        c.post(
            "/api/v1/events/",
            event_body(world, ends_at="2026-11-27T09:00:00+05:00", kind="party"),
            format="json",
        ),
        400,
        "invalid",
    )
    assert "kind" in error["fields"]
    error = assert_error(
        c.post("/api/v1/events/", event_body(world, ends_at="2026-11-27T09:00:00+05:00"), format="json"),
        400,
        "invalid",
    )
    assert "ends_at" in error["fields"]
    error = assert_error(
        c.post(
            "/api/v1/events/",
            event_body(world, starts_at="2027-01-01T10:00:00+05:00", ends_at="2027-01-01T12:00:00+05:00"),
            format="json",
        ),
        400,
        "invalid",
    )
    assert "starts_at" in error["fields"]
    assert not Event.objects.exists()


def test_illegal_transition_and_foreign_events(world, api_client, make_event):
    event = make_event()
    org = api_client(world["organiser"])
    error = assert_error(
        org.post(f"/api/v1/events/{event.pk}/status/", {"to": "held"}, format="json"), 400, "invalid"
    )
    assert "status" in error["fields"]
    submitted = make_event(status=S.SUBMITTED)
    url = f"/api/v1/events/{submitted.pk}/status/"
    assert "fields" not in assert_error(org.post(url, {"to": "approved"}, format="json"), 403, "forbidden")
    assert_error(api_client(world["almaty_organiser"]).get(f"/api/v1/events/{event.pk}/"), 404, "not_found")
    assert_error(api_client(world["sysadmin"]).get("/api/v1/events/"), 403, "forbidden")
    stale = org.patch(f"/api/v1/events/{event.pk}/", {"title": "x", "version": 7}, format="json")
    assert_error(stale, 409, "conflict")


def test_bad_report_numbers_and_links(world, api_client, make_event):
    event = make_event(status=S.HELD)
    c = api_client(world["organiser"])
    url = f"/api/v1/events/{event.pk}/report/"
    bad = {
        "participants_total": -1,
        "participants": {"youth": "lots"},
        "key_messages": "x",
        "media_links": ["javascript:x"],
    }
    error = assert_error(c.put(url, bad, format="json"), 400, "invalid")
    assert {"participants_total", "participants"} <= set(error["fields"])
    error = assert_error(
        c.put(
            url, {"participants_total": 5, "participants": {"youth": 9}, "key_messages": "x"}, format="json"
        ),
        400,
        "invalid",
    )
    assert "participants_total" in error["fields"]
    error = assert_error(
        c.put(
            url, {"participants_total": 5, "key_messages": "x", "media_links": ["not a url"]}, format="json"
        ),
        400,
        "invalid",
    )
    assert "media_links" in error["fields"]
    assert_error(c.get(url), 404, "not_found")
    event.refresh_from_db()
    assert event.status == S.HELD


def test_photo_upload_checks_the_image(world, api_client, make_event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = make_event(status=S.HELD)
    c = api_client(world["organiser"])
    url = f"/api/v1/events/{event.pk}/photos/"
    fake = BytesIO(b"GIF89a not really")
    fake.name = "x.jpg"
    assert "file" in assert_error(c.post(url, {"file": fake}, format="multipart"), 400, "invalid")["fields"]
    real = BytesIO()
    Image.new("RGB", (40, 30), "red").save(real, "JPEG")
    real.seek(0)
    real.name = "ok.jpg"
    created = c.post(url, {"file": real}, format="multipart")
    assert created.status_code == 201 and created.json()["width"] == 40
    assert_error(c.post(url, {}, format="multipart"), 400, "invalid")


def test_campaigns_in_the_api(world, api_client):
    national = api_client(world["national"])
    body = {
        "code": "SPRING-2027",
        "name_kk": "Көктем",
        "name_ru": "Весна",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-31",
        "coordinators": [world["regional"].pk],
    }
    created = national.post("/api/v1/campaigns/", body, format="json")
    assert created.status_code == 201 and created.json()["coordinators"] == [world["regional"].pk]
    copy = national.post(f"/api/v1/campaigns/{created.json()['id']}/copy-next-year/")
    assert copy.status_code == 201 and copy.json()["code"] == "SPRING-2028"
    assert_error(national.post(f"/api/v1/campaigns/{created.json()['id']}/copy-next-year/"), 400, "invalid")
    error = assert_error(
        national.post(
            "/api/v1/campaigns/",
            {**body, "code": "X-1", "coordinators": [world["organiser"].pk]},
            format="json",
        ),
        400,
        "invalid",
    )
    assert "coordinators" in error["fields"]
    assert_error(
        api_client(world["regional"]).post("/api/v1/campaigns/", {**body, "code": "R-1"}, format="json"),
        403,
        "forbidden",
    )
    dashboard = national.get(f"/api/v1/campaigns/{world['campaign'].pk}/dashboard/")
    assert dashboard.status_code == 200 and dashboard.json()["events_total"] == 0


def test_letters_api_refuses_bad_requests(world, api_client, make_event):
    event = make_event(status=S.HELD)
    c = api_client(world["national"])
    error = assert_error(
        c.post("/api/v1/letters/", {"event": event.pk, "language": "kk", "recipients": []}, format="json"),
        400,
        "invalid",
    )
    assert "recipients" in error["fields"]
    error = assert_error(
        c.post(
            "/api/v1/letters/",
            {"event": event.pk, "language": "de", "recipients": [{"name": "A", "role": "speaker"}]},
            format="json",
        ),
        400,
        "invalid",
    )
    assert "language" in error["fields"]
    assert_error(c.get("/api/v1/letters/"), 400, "invalid")
    assert not Letter.objects.exists()


def test_campaign_endpoints_are_in_the_schema(client, db):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(response.content)["paths"]
    for path in (
        "/api/v1/campaigns/",
        "/api/v1/events/{event_id}/status/",
        "/api/v1/events/{event_id}/report/",
        "/api/v1/letters/",
        "/api/v1/letters/{letter_id}/pdf/",
    ):
        assert path in paths


def test_schema_generates_without_warnings(tmp_path, db):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


@pytest.mark.parametrize("path", ["/api/v1/events/", "/api/v1/campaigns/", "/api/v1/letters/?event=1"])
def test_no_token_no_data(api_client, db, path):
    assert_error(api_client().get(path), 401, "not_authenticated")


def test_ids_too_large_for_the_database_are_400_not_a_crash(world, api_client, make_event):
    """Found by tests/fuzz: a coordinator or event id past 64 bits overflowed the database driver."""
    event = make_event(status=S.HELD)
    c = api_client(world["national"])
    huge = 10**22
    body = {
        "code": "BIG-1",
        "name_kk": "Үлкен",
        "name_ru": "Большой",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-31",
        "coordinators": [world["regional"].pk, huge],
    }
    assert (
        "coordinators"
        in assert_error(c.post("/api/v1/campaigns/", body, format="json"), 400, "invalid")["fields"]
    )
    patch = c.patch(f"/api/v1/campaigns/{world['campaign'].pk}/", {"coordinators": [huge]}, format="json")
    assert "coordinators" in assert_error(patch, 400, "invalid")["fields"]
    letters = {"event": huge, "language": "kk", "recipients": [{"name": "A", "role": "speaker"}]}
    assert (
        "event" in assert_error(c.post("/api/v1/letters/", letters, format="json"), 400, "invalid")["fields"]
    )
    assert (
        not Campaign.objects.filter(code="BIG-1").exists() and not Letter.objects.filter(event=event).exists()
    )


def test_campaign_list_is_newest_first(world, api_client):
    """Counting events drops the model's ordering from the query: pages would shuffle without it."""
    Campaign.objects.create(
        code="NEW-2027",
        name_kk="Жаңа",
        name_ru="Новая",
        name_en="New",
        starts_on=date(2027, 11, 25),
        ends_on=date(2027, 12, 10),
        issuer=world["agencies"]["commission"],
        created_by=world["national"],
    )
    codes = [c["code"] for c in api_client(world["national"]).get("/api/v1/campaigns/").json()["results"]]
    assert codes == ["NEW-2027", "16D-2026"]


def test_issuing_letters_is_documented_as_a_plain_list(client, db):
    schema = json.loads(
        client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").content
    )
    issued = schema["paths"]["/api/v1/letters/"]["post"]["responses"]["201"]["content"]["application/json"][
        "schema"
    ]
    assert issued["type"] == "array"
