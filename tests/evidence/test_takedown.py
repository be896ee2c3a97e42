"""Takedown, preservation and account-data requests to platforms: recorded on an item, shown on
the case page and the locker, in the API; every write audited; bad input refused clearly and
nothing changed."""

import datetime

import pytest
from django.utils import timezone

from qorgau.core.models import AuditEvent
from qorgau.evidence import services
from qorgau.evidence.models import TakedownRequest

TODAY = timezone.localdate()


@pytest.fixture
def message(worker, case):
    return services.evidence_message_add(actor=worker, case=case, section="legal", text="Threat on Telegram")


def payload(evidence, **changes):
    return {
        "item": str(evidence.pk),
        "platform": "telegram",
        "ask": "takedown",
        "sent_on": (TODAY - datetime.timedelta(days=3)).isoformat(),
        "reference": "TG-55120",
        "status": "sent",
        **changes,
    }


def test_a_request_is_recorded_shown_on_the_case_page_and_audited(worker, case, message, login_client):
    client = login_client(worker)
    response = client.post(f"/evidence/{case.pk}/takedowns/", payload(message), follow=True)
    assert "The request to the platform was recorded." in response.content.decode()
    request = TakedownRequest.objects.get()
    assert (request.platform, request.ask, request.status, request.reference) == (
        "telegram",
        "takedown",
        "sent",
        "TG-55120",
    )
    assert AuditEvent.objects.filter(action="evidence.takedown_add", case_id=case.pk).exists()
    answered = (TODAY - datetime.timedelta(days=1)).isoformat()
    client.post(f"/evidence/{case.pk}/takedowns/{request.pk}/", {"status": "done", "response_on": answered})
    request.refresh_from_db()
    assert request.status == "done" and request.response_on.isoformat() == answered
    assert AuditEvent.objects.filter(action="evidence.takedown_update", case_id=case.pk).exists()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Requests to platforms" in page and "Take the content down" in page and "Done" in page


def test_the_api_lists_adds_and_updates_requests(worker, case, message, api_client):
    client = api_client(worker)
    created = client.post(
        f"/api/v1/cases/{case.pk}/evidence/takedowns/", payload(message, ask="preservation"), format="json"
    )
    assert created.status_code == 201, created.content
    takedown_id = created.json()["id"]
    listed = client.get(f"/api/v1/cases/{case.pk}/evidence/takedowns/").json()
    assert [t["ask"] for t in listed] == ["preservation"] and listed[0]["reference"] == "TG-55120"
    patched = client.patch(
        f"/api/v1/cases/{case.pk}/evidence/takedowns/{takedown_id}/",
        {"status": "acknowledged", "response_on": TODAY.isoformat()},
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["status"] == "acknowledged"


@pytest.mark.parametrize(
    "changes,field,message_text",
    [
        ({"platform": "myspace"}, "platform", "Select a valid choice"),
        ({"ask": "delete_him"}, "ask", "Select a valid choice"),
        ({"status": "lost"}, "status", "Select a valid choice"),
        ({"sent_on": "not a date"}, "sent_on", "Enter a valid date"),
        (
            {"sent_on": (TODAY + datetime.timedelta(days=2)).isoformat()},
            "sent_on",
            "This date is in the future.",
        ),
        (
            {"status": "done", "response_on": (TODAY - datetime.timedelta(days=5)).isoformat()},
            "response_on",
            "The response cannot come before the request was sent.",
        ),
        (
            {"status": "sent", "response_on": TODAY.isoformat()},
            "response_on",
            "A request with a response is no longer only sent",
        ),
        ({"item": "00000000-0000-0000-0000-000000000000"}, "item", "Choose an item of this case's evidence."),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_stored(
    worker, case, message, api_client, changes, field, message_text
):
    response = api_client(worker).post(
        f"/api/v1/cases/{case.pk}/evidence/takedowns/", payload(message, **changes), format="json"
    )
    assert response.status_code == 400, response.content
    assert message_text in str(response.json())
    assert field in str(response.json())
    assert not TakedownRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="evidence.takedown_add").exists()


def test_a_response_before_the_request_is_refused_on_update_and_nothing_changes(
    worker, case, message, api_client
):
    takedown = services.takedown_add(
        actor=worker, case=case, item_id=message.pk, platform="instagram", ask="takedown", sent_on=TODAY
    )
    response = api_client(worker).patch(
        f"/api/v1/cases/{case.pk}/evidence/takedowns/{takedown.pk}/",
        {"status": "refused", "response_on": (TODAY - datetime.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "The response cannot come before the request was sent." in str(response.json())
    takedown.refresh_from_db()
    assert takedown.status == "sent" and takedown.response_on is None


def test_the_screen_refuses_an_unknown_platform_in_words(worker, case, message, login_client):
    response = login_client(worker).post(
        f"/evidence/{case.pk}/takedowns/", payload(message, platform="myspace"), follow=True
    )
    assert "The request to the platform was not recorded" in response.content.decode()
    assert not TakedownRequest.objects.exists()
