"""Registering and editing events through the pages: drafts, formsets, bad input, conflicts."""

import pytest
from django.urls import reverse

from qorgau.campaigns.models import Event, Partner, Speaker
from qorgau.core.models import AuditEvent

S = Event.Status
CREATE = reverse("campaigns:event_create")


def _formset(prefix, rows, total=3):
    data = {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def form_data(world, **overrides):
    data = {
        "campaign": world["campaign"].pk,
        "kind": "round_table",
        "title": "Әкелер мектебі: қамқор әке",
        "description": "Open discussion",
        "starts_at": "2026-11-26T10:00",
        "ends_at": "2026-11-26T12:30",
        "region": "71",
        "venue": "Demo street 1",
        "online_url": "",
        "moderator": "Гаухар Нұрланқызы Ысқақова",
        "target_groups": ["fathers", "parents"],
        "languages": ["kk"],
        "is_public": "on",
        "contact_name": "Contact Person",
        "contact_phone": "8 700 000 12 34",
        "contact_email": "contact@example.invalid",
    }
    data.update(_formset("partners", [{"name": "Demo Foundation", "kind": "ngo"}]))
    data.update(
        _formset(
            "speakers",
            [
                {
                    "name": "Әсемгүл Жандосқызы Нұрланова",
                    "affiliation": "NGO",
                    "report_title": "Fathers",
                    "show_publicly": "on",
                },
                {"name": "Ержан Қайратұлы Оспанбеков", "report_title": "Police view"},
            ],
        )
    )
    data.update(overrides)
    return data


def test_organiser_registers_an_event_as_a_draft(world, client, login_client):
    login_client(world["organiser"])
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, form_data(world))
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "campaigns:event_detail", args=[event.pk]
    )
    assert event.status == S.DRAFT and event.organiser == world["agencies"]["ngo_astana"]
    assert event.contact_phone == "+77000001234"  # stored in one form whatever was typed
    assert event.target_groups == ["fathers", "parents"] and event.languages == ["kk"]
    assert list(Partner.objects.values_list("name", "kind")) == [("Demo Foundation", "ngo")]
    speakers = list(Speaker.objects.values_list("name", "show_publicly"))
    assert speakers == [("Әсемгүл Жандосқызы Нұрланова", True), ("Ержан Қайратұлы Оспанбеков", False)]
    assert AuditEvent.objects.filter(action="event.create", object_id=str(event.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Submit for approval" in page and "Әкелер мектебі" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2026-11-26T09:00"}, "ends_at", "cannot end before it starts"),
        (
            {"starts_at": "2026-11-20T10:00", "ends_at": "2026-11-20T12:00"},
            "starts_at",
            "within the campaign",
        ),
        ({"venue": "", "online_url": ""}, "venue", "venue, an online link, or both"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "https://"),
        ({"contact_phone": "call me maybe"}, "contact_phone", "not a valid phone number"),
        ({"contact_email": "not-an-email"}, "contact_email", "valid email"),
        ({"languages": []}, "languages", "required"),
        ({"starts_at": "tomorrow"}, "starts_at", "valid date"),
        ({"title": ""}, "title", "required"),
        ({"region": "99"}, "region", "valid choice"),
        ({"target_groups": ["martians"]}, "target_groups", "valid choice"),
        ({"partners-0-kind": ""}, "kind", "Choose the kind"),
        ({"speakers-0-name": "", "speakers-0-report_title": "Orphan report"}, None, "name of every speaker"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, client, login_client, overrides, field, message):
    login_client(world["organiser"])
    response = client.post(CREATE, form_data(world, **overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message.lower() in page.lower()
    assert "Constraint" not in page  # one clear message, not the database's
    if field:
        assert f'id="id_{field}' in page or f'-{field}"' in page
    assert not Event.objects.exists() and not Partner.objects.exists()


def test_editing_a_draft_replaces_partners_and_speakers(world, client, login_client, make_event):
    event = make_event(partners=[{"name": "Old partner", "kind": "state"}])
    login_client(world["colleague"])
    url = reverse("campaigns:event_edit", args=[event.pk])
    page = client.get(url).content.decode()
    assert "Old partner" in page and 'name="campaign"' in page  # a draft may still change campaign
    data = form_data(world, version=event.version, title="Renamed")
    data.update(_formset("partners", [{"name": "New partner", "kind": "international"}]))
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed" and event.version == 2
    assert list(event.partners.values_list("name", flat=True)) == ["New partner"]


def test_a_draft_moves_to_another_running_campaign_but_not_to_one_that_is_over(
    world, client, login_client, make_event
):
    from datetime import date

    from qorgau.campaigns.models import Campaign

    event = make_event()
    other = Campaign.objects.create(
        code="OTHER-2026",
        name_kk="Басқа",
        name_ru="Другая",
        name_en="Other",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 12, 31),
        issuer=world["agencies"]["commission"],
        created_by=world["national"],
    )
    over = Campaign.objects.create(
        code="OVER-2025",
        name_kk="Өткен",
        name_ru="Прошедшая",
        name_en="Over",
        starts_on=date(2025, 11, 1),
        ends_on=date(2025, 12, 10),
        issuer=world["agencies"]["commission"],
        created_by=world["national"],
    )
    login_client(world["organiser"])
    url = reverse("campaigns:event_edit", args=[event.pk])
    refused = client.post(url, {**form_data(world, version=event.version), "campaign": over.pk})
    assert refused.status_code == 400
    event.refresh_from_db()
    assert event.campaign_id == world["campaign"].pk and event.version == 1
    assert (
        client.post(url, {**form_data(world, version=event.version), "campaign": other.pk}).status_code == 302
    )
    event.refresh_from_db()
    assert event.campaign_id == other.pk


def test_the_api_moves_only_a_draft_to_another_campaign(world, api_client, make_event):
    from datetime import date

    from qorgau.campaigns.models import Campaign

    other = Campaign.objects.create(
        code="OTHER-2026",
        name_kk="Басқа",
        name_ru="Другая",
        name_en="Other",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 12, 31),
        issuer=world["agencies"]["commission"],
        created_by=world["national"],
    )
    draft, submitted = make_event(), make_event(status=S.SUBMITTED)
    api = api_client(world["organiser"])
    moved = api.patch(
        f"/api/v1/events/{draft.pk}/", {"campaign": other.pk, "version": draft.version}, format="json"
    )
    assert moved.status_code == 200, moved.content
    draft.refresh_from_db()
    assert draft.campaign_id == other.pk
    kept = api.patch(f"/api/v1/events/{submitted.pk}/", {"campaign": other.pk}, format="json")
    assert kept.status_code in (400, 403)
    submitted.refresh_from_db()
    assert submitted.campaign_id == world["campaign"].pk


def test_a_stale_edit_is_refused_and_overwrites_nothing(world, client, login_client, make_event):
    event = make_event()
    login_client(world["organiser"])
    url = reverse("campaigns:event_edit", args=[event.pk])
    stale = form_data(world, version=event.version, title="Edited in tab one")
    assert (
        client.post(url, form_data(world, version=event.version, title="Edited in tab two")).status_code
        == 302
    )
    response = client.post(url, stale)
    assert response.status_code == 400 and "Someone else changed this record" in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Edited in tab two"


def test_submitted_events_cannot_be_edited(world, client, login_client, make_event):
    event = make_event(status=S.SUBMITTED)
    login_client(world["organiser"])
    assert client.get(reverse("campaigns:event_edit", args=[event.pk])).status_code == 403


def test_status_buttons_move_the_event(world, client, login_client, make_event):
    event = make_event()
    status_url = reverse("campaigns:event_status", args=[event.pk])
    login_client(world["organiser"])
    assert client.post(status_url, {"to": "submitted", "version": event.version}).status_code == 302
    login_client(world["regional"])
    response = client.post(status_url, {"to": "draft", "note": ""})
    assert response.status_code == 400 and "Note: Say why" in response.content.decode()
    event.refresh_from_db()
    assert event.status == S.SUBMITTED
    assert client.post(status_url, {"to": "approved"}).status_code == 302
    event.refresh_from_db()
    assert event.status == S.APPROVED and event.approved_by == world["regional"]


def test_an_illegal_move_from_the_page_is_a_clear_400(world, client, login_client, make_event):
    event = make_event()
    login_client(world["organiser"])
    response = client.post(reverse("campaigns:event_status", args=[event.pk]), {"to": "held"})
    assert response.status_code == 400 and "cannot become" in response.content.decode()
    response = client.post(reverse("campaigns:event_status", args=[event.pk]), {"to": "nonsense"})
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.status == S.DRAFT


def test_event_list_filters_and_counts_what_waits(world, client, login_client, make_event):
    make_event(status=S.SUBMITTED, title="Waiting one")
    make_event(status=S.APPROVED, title="Approved one")
    login_client(world["regional"])
    page = client.get(reverse("campaigns:event_list"), {"status": "submitted"}).content.decode()
    assert "Waiting one" in page and "Approved one" not in page
    assert "1 event awaits your approval" in page
    assert client.get(reverse("campaigns:event_list"), {"status": "bogus"}).status_code == 200


def test_home_panel_tells_what_waits(world, client, login_client, make_event):
    make_event(status=S.SUBMITTED)
    login_client(world["regional"])
    assert "1 event awaits your approval" in client.get(reverse("core:home")).content.decode()
    login_client(world["organiser"])
    make_event()
    assert "1 draft event of your agency" in client.get(reverse("core:home")).content.decode()
