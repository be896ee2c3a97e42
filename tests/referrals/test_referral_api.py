"""Referrals in the API: create, steps, errors in the documented format, no access is 404."""

import pytest

from qorgau.referrals.models import CasePlan


@pytest.fixture
def worker_api(api_client, pathway):
    return api_client(pathway["worker"])


def test_send_accept_and_record_a_service_through_the_api(pathway, worker_api, api_client):
    created = worker_api.post(
        "/api/v1/referrals/",
        {
            "case": str(pathway["case"].pk),
            "service": "police_report",
            "to_agency": pathway["police"].pk,
            "note": "Please call her",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    referral_id = created.json()["id"]
    officer = api_client(pathway["officer"])
    assert officer.get("/api/v1/referrals/?direction=incoming").json()[0]["id"] == referral_id
    accepted = officer.post(
        f"/api/v1/referrals/{referral_id}/actions/", {"action": "accept", "version": 1}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert officer.get(f"/api/v1/cases/{pathway['case'].pk}/").status_code == 200
    logged = officer.post(
        f"/api/v1/cases/{pathway['case'].pk}/services/",
        {
            "service": "police_report",
            "delivered_on": "2026-01-05",
            "note": "Statement taken",
            "referral": referral_id,
        },
        format="json",
    )
    assert logged.status_code == 201
    timeline = worker_api.get(f"/api/v1/cases/{pathway['case'].pk}/timeline/").json()
    assert {"referral_accept", "service_delivered", "referral_start"} <= {e["kind"] for e in timeline}


def test_illegal_step_is_400_naming_the_action(pathway, send, api_client):
    referral = send()
    officer = api_client(pathway["officer"])
    response = officer.post(
        f"/api/v1/referrals/{referral.pk}/actions/",
        {"action": "complete", "outcome": "x" * 9, "version": 1},
        format="json",
    )
    assert response.status_code == 400 and "action" in response.json()["error"]["fields"]


def test_stale_version_is_409(pathway, send, api_client):
    referral = send()
    officer = api_client(pathway["officer"])
    officer.post(
        f"/api/v1/referrals/{referral.pk}/actions/", {"action": "accept", "version": 1}, format="json"
    )
    stale = officer.post(
        f"/api/v1/referrals/{referral.pk}/actions/", {"action": "start", "version": 1}, format="json"
    )
    assert stale.status_code == 409


def test_without_consent_is_400_and_nothing_is_sent(pathway, worker_api, make_agency):
    shelter = make_agency("shelter")
    response = worker_api.post(
        "/api/v1/referrals/",
        {"case": str(pathway["case"].pk), "service": "shelter", "to_agency": shelter.pk},
        format="json",
    )
    assert response.status_code == 400 and "to_agency" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"service": "teleportation"}, "service"),
        ({"to_agency": 999999}, "to_agency"),
        ({"note": "x" * 2001}, "note"),
        ({"sections": ["secrets"]}, "sections"),
    ],
)
def test_bad_input_is_400(pathway, worker_api, body, field):
    payload = {
        "case": str(pathway["case"].pk),
        "service": "police_report",
        "to_agency": pathway["police"].pk,
        **body,
    }
    response = worker_api.post("/api/v1/referrals/", payload, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]


def test_strangers_get_404(pathway, send, api_client, make_user):
    referral = send()
    stranger = api_client(make_user("police_officer"))
    assert stranger.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    assert (
        stranger.post(
            f"/api/v1/referrals/{referral.pk}/actions/", {"action": "accept"}, format="json"
        ).status_code
        == 404
    )
    assert (
        stranger.post(
            "/api/v1/referrals/",
            {"case": str(pathway["case"].pk), "service": "police_report", "to_agency": pathway["police"].pk},
            format="json",
        ).status_code
        == 404
    )


def test_plan_wellbeing_and_closure_through_the_api(pathway, worker_api, api_client):
    case_id = pathway["case"].pk
    added = worker_api.post(
        f"/api/v1/cases/{case_id}/plan/",
        {
            "goal": "Housing",
            "action": "Apply",
            "agency": pathway["centre"].pk,
            "due_on": "2026-12-31",
            "version": 0,
        },
        format="json",
    )
    assert added.status_code == 201
    plan = worker_api.get(f"/api/v1/cases/{case_id}/plan/").json()
    submitted = worker_api.post(
        f"/api/v1/cases/{case_id}/plan/decision/", {"version": plan["version"]}, format="json"
    )
    assert submitted.json()["status"] == "submitted"
    approved = api_client(pathway["supervisor"]).post(
        f"/api/v1/cases/{case_id}/plan/decision/",
        {"version": submitted.json()["version"], "approve": True},
        format="json",
    )
    assert approved.json()["status"] == "approved"
    bad = worker_api.post(
        f"/api/v1/cases/{case_id}/wellbeing/",
        {"moment": "intake", "rated_on": "2026-01-01", "safety": 42, "wellbeing": 3},
        format="json",
    )
    assert bad.status_code == 400 and "safety" in bad.json()["error"]["fields"]
    closure = worker_api.post(
        f"/api/v1/cases/{case_id}/closure/", {"reason": "survivor_choice"}, format="json"
    )
    assert closure.status_code == 201
    decided = api_client(pathway["supervisor"]).post(
        f"/api/v1/cases/{case_id}/closure/{closure.json()['id']}/decision/", {"approve": True}, format="json"
    )
    assert decided.json()["status"] == "approved"
    reopened = worker_api.post(
        f"/api/v1/cases/{case_id}/reopen/", {"reason": "A new incident"}, format="json"
    )
    assert reopened.json()["status"] == "reopened"


def test_approving_a_case_without_a_plan_is_400_not_a_crash(pathway, api_client):
    """Found by tests/fuzz: a supervisor's approval before any plan existed was a 500."""
    url = f"/api/v1/cases/{pathway['case'].pk}/plan/decision/"
    response = api_client(pathway["supervisor"]).post(url, {"version": 0, "approve": True}, format="json")
    assert response.status_code == 400, response.content
    assert "plan" in response.json()["error"]["fields"]
    assert not CasePlan.objects.filter(case=pathway["case"]).exists()
    # A caseworker may not approve, plan or not: 403, as before.
    assert (
        api_client(pathway["worker"]).post(url, {"version": 0, "approve": True}, format="json").status_code
        == 403
    )
