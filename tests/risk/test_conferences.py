"""The risk conference: schedule, agenda, what participants of other agencies see, contributions as
recorded sharing decisions, the action plan and its follow-up, her view, minutes."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from tests.helpers import SURVIVOR_IIN, SURVIVOR_NAME
from tests.risk.helpers import assess

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases import services as case_services
from qorgau.cases.models import CaseEvent
from qorgau.core.models import AuditEvent
from qorgau.notifications.models import Notification
from qorgau.risk import policies, selectors, services
from qorgau.risk.models import Conference, ConferenceAction, ConferenceReferral
from qorgau.risk.safety_plan import SafetyPlan as PlanDocument

SECRETS = (
    SURVIVOR_NAME[1],
    SURVIVOR_NAME[0],
    SURVIVOR_IIN,
    "7000000101",
    "Жандосов",
    "Ол үйде ұрды",
    "psych-note-secret",
    "He keeps a hunting rifle",
    "Қызғалдақ",
    "Has the abuser strangled",
)


@pytest.fixture
def conference_world(risk_world):
    w = risk_world
    case = w["case"]
    case_services.note_add(actor=w["worker"], case=case, section="psychological", body="psych-note-secret")
    assess(w["worker"], case, yes=15, judgement_level=4, reason="He keeps a hunting rifle at home.")
    services.safety_plan_save(
        actor=w["worker"], case=case, expected_version=0, plan=PlanDocument(code_word="Қызғалдақ")
    )
    referral = services.conference_refer(actor=w["worker"], case=case, basis="consent")
    conference = services.conference_create(
        actor=w["coordinator"],
        scheduled_for=timezone.now() + timedelta(days=3),
        place="Akimat, room 4",
        agencies=[w["police"], w["health"]],
    )
    referral = services.agenda_add(actor=w["coordinator"], conference=conference, referral_id=referral.pk)
    return {**w, "referral": referral, "conference": conference}


def signed_in(login_client, user):
    return login_client(user, Client(HTTP_ACCEPT_LANGUAGE="en"))


def test_the_coordinator_schedules_a_conference_and_puts_a_case_on_its_agenda(
    risk_world, client, login_client
):
    w = risk_world
    assess(w["worker"], w["case"], yes=14)
    referral = services.conference_refer(actor=w["worker"], case=w["case"], basis="consent")
    login_client(w["coordinator"])
    listing = client.get("/risk/conferences/").content.decode()
    assert "Cases waiting for an agenda" in listing and w["case"].number in listing
    bad = client.post(
        "/risk/conferences/new/",
        {"scheduled_for": "2020-01-01T10:00", "place": "Room 1", "agencies": [w["health"].pk]},
    )
    assert bad.status_code == 400 and "Choose a date and time in the future." in bad.content.decode()
    none = client.post("/risk/conferences/new/", {"scheduled_for": "2099-01-01T10:00", "place": "Room 1"})
    assert none.status_code == 400 and "This field is required." in none.content.decode()
    assert not Conference.objects.exists()
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    created = client.post(
        "/risk/conferences/new/",
        {"scheduled_for": when, "place": "Room 1", "agencies": [w["health"].pk, w["police"].pk]},
    )
    conference = Conference.objects.get()
    assert created["Location"] == f"/risk/conferences/{conference.pk}/" and conference.region_id == "71"
    page = client.get(created["Location"]).content.decode()
    assert f"Put {w['case'].number} on this agenda" in page
    client.post(f"/risk/conferences/{conference.pk}/agenda/", {"referral": str(referral.pk)})
    referral.refresh_from_db()
    assert referral.status == "listed" and referral.conference == conference
    assert w["centre"] in conference.agencies.all()  # the referring agency takes part
    note = Notification.objects.get(kind="risk_conference_listed")
    assert note.user == w["worker"] and note.params["number"] == w["case"].number
    event = CaseEvent.objects.get(case=w["case"], kind="conference_listed")
    assert event.section == "safety" and event.params == {
        "date": timezone.localdate(conference.scheduled_for).isoformat()
    }


def test_a_participant_of_another_agency_sees_only_the_minimum_and_the_contributions(
    conference_world, login_client, api
):
    w = conference_world
    services.contribution_add(
        actor=w["officer"], referral=w["referral"], body="Two call-outs to the flat in May."
    )
    client = signed_in(login_client, w["doctor"])
    response = client.get(f"/risk/agenda/{w['referral'].pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert w["case"].number in body and "Extreme" in body and "High risk by the instrument" in body
    assert "Professional judgement" in body  # the criterion's name, not its words
    assert "Two call-outs to the flat in May." in body and "Police R" in body
    for secret in SECRETS:
        assert secret not in body, secret
    assert f"/cases/{w['case'].pk}/" not in body  # no way into the case file
    data = api(w["doctor"]).get(f"/api/v1/risk/agenda/{w['referral'].pk}/").json()
    assert data["case_id"] is None and data["level"] == "extreme"
    assert [c["code"] for c in data["criteria"]] == ["high_risk", "judgement"]
    for secret in SECRETS:
        assert secret not in json.dumps(data, ensure_ascii=False), secret
    audit = AuditEvent.objects.filter(action="conference.item_view", actor_id=w["doctor"].pk).first()
    assert audit.case_id == w["case"].pk  # her caseworker can show her who looked


def test_the_agency_holding_the_case_may_open_it_from_the_agenda(conference_world):
    w = conference_world
    view = policies.agenda_item_view(w["worker"], w["referral"])
    assert view.case_id == w["case"].pk and view.may_record_view
    outsider_view = policies.agenda_item_view(w["doctor"], w["referral"])
    assert (
        outsider_view.case_id is None and not outsider_view.may_record_view and outsider_view.may_contribute
    )


@pytest.mark.parametrize("who", ["stranger", "other_region_coordinator", "admin_of_participant", "analyst"])
def test_those_outside_the_conference_see_nothing(
    conference_world, make_user, make_agency, login_client, api, who
):
    w = conference_world
    actor = {
        "stranger": lambda: make_user(
            Role.POLICE_OFFICER, agency=make_agency(Agency.Kind.POLICE, name="Police X")
        ),
        "other_region_coordinator": lambda: make_user(
            Role.CONFERENCE_COORDINATOR, agency=make_agency(Agency.Kind.POLICE, region="75")
        ),
        "admin_of_participant": lambda: make_user(Role.AGENCY_ADMIN, agency=w["health"]),
        "analyst": lambda: make_user(Role.ANALYST),
    }[who]()
    client = signed_in(login_client, actor)
    for url in (f"/risk/agenda/{w['referral'].pk}/", f"/risk/conferences/{w['conference'].pk}/"):
        response = client.get(url)
        assert response.status_code == 404
        assert w["case"].number not in response.content.decode()
    posted = client.post(f"/risk/agenda/{w['referral'].pk}/contributions/", {"body": "x", "share": "on"})
    assert posted.status_code == 404
    listing = client.get("/risk/conferences/")
    assert w["case"].number not in listing.content.decode()
    data = api(actor).get(f"/api/v1/risk/agenda/{w['referral'].pk}/")
    assert data.status_code == 404
    assert AuditEvent.objects.filter(action="conference.item_view_denied", actor_id=actor.pk).exists()


def test_a_shared_agency_without_the_safety_section_does_not_see_the_referral(conference_world, make_agency):
    from tests.risk.test_assessments import _share

    w = conference_world
    _share(w, ["general"])  # the police see the case, not its safety section
    outsider_conference = Conference.objects.create(
        region_id="71", scheduled_for=timezone.now(), created_by=w["coordinator"]
    )
    ConferenceReferral.objects.filter(pk=w["referral"].pk).update(conference=outsider_conference)
    w["referral"].refresh_from_db()
    assert policies.agenda_item_view(w["officer"], w["referral"]) is None


def test_a_contribution_is_a_recorded_sharing_decision_for_that_case_only(
    conference_world, open_case, login_client
):
    w = conference_world
    other_case = open_case(w["worker"])
    assess(w["worker"], other_case, yes=16)
    other = services.conference_refer(actor=w["worker"], case=other_case, basis="consent")
    services.agenda_add(actor=w["coordinator"], conference=w["conference"], referral_id=other.pk)
    doctor = signed_in(login_client, w["doctor"])
    url = f"/risk/agenda/{w['referral'].pk}/contributions/"
    unconfirmed = doctor.post(url, {"body": "Treated a broken wrist on 2 May."})
    assert unconfirmed.status_code == 400 and "Confirm the decision to share" in unconfirmed.content.decode()
    assert doctor.post(url, {"body": "Treated a broken wrist on 2 May.", "share": "on"}).status_code == 302
    audit = AuditEvent.objects.get(action="conference.share")
    assert audit.case_id == w["case"].pk
    assert audit.detail["shared_with"] == sorted([w["police"].pk, w["health"].pk, w["centre"].pk])
    officer = signed_in(login_client, w["officer"])
    assert "broken wrist" in officer.get(f"/risk/agenda/{w['referral'].pk}/").content.decode()
    assert "broken wrist" not in officer.get(f"/risk/agenda/{other.pk}/").content.decode()
    holder = signed_in(login_client, w["worker"])
    timeline = holder.get(f"/cases/{w['case'].pk}/").content.decode()
    assert "Hospital R shared what it knows at the risk conference" in timeline


def test_the_action_plan_is_followed_up_until_every_action_is_done(conference_world, login_client):
    w = conference_world
    coordinator = signed_in(login_client, w["coordinator"])
    url = f"/risk/agenda/{w['referral'].pk}/actions/"
    past = coordinator.post(
        url,
        {
            "description": "Visit",
            "owner_agency": w["health"].pk,
            "due_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert past.status_code == 400 and "The due date cannot be in the past." in past.content.decode()
    outsider = Agency.objects.create(
        kind="shelter", region_id="71", name_kk="S", name_ru="S", name_en="Shelter S"
    )
    wrong = coordinator.post(
        url, {"description": "Bed", "owner_agency": outsider.pk, "due_on": timezone.localdate().isoformat()}
    )
    assert wrong.status_code == 400 and not ConferenceAction.objects.exists()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert (
        coordinator.post(
            url, {"description": "Forensic record of injuries", "owner_agency": w["health"].pk, "due_on": due}
        ).status_code
        == 302
    )
    action = ConferenceAction.objects.get()
    assert [
        r.pk for r, _open, _late in selectors.conference_referral_list_follow_up(actor=w["coordinator"])
    ] == [w["referral"].pk]
    doctor_dash = signed_in(login_client, w["doctor"]).get("/dashboard/").content.decode()
    assert "Risk conference actions for your agency" in doctor_dash and "Forensic record" in doctor_dash
    officer = signed_in(login_client, w["officer"])
    denied = officer.post(f"{url}{action.pk}/", {"status": "done", "version": action.version})
    assert denied.status_code == 403
    doctor = signed_in(login_client, w["doctor"])
    doctor.post(f"{url}{action.pk}/", {"status": "in_progress", "version": 1})
    stale = doctor.post(f"{url}{action.pk}/", {"status": "done", "version": 1}, follow=True)
    assert "Someone else changed this record" in stale.content.decode()
    doctor.post(f"{url}{action.pk}/", {"status": "done", "version": 2})
    action.refresh_from_db()
    assert action.status == "done" and action.done_at is not None
    assert selectors.conference_referral_list_follow_up(actor=w["coordinator"]) == []
    assert CaseEvent.objects.filter(case=w["case"], kind="conference_action_done").exists()


def test_her_view_is_recorded_by_her_advocate(conference_world, login_client):
    w = conference_world
    url = f"/risk/agenda/{w['referral'].pk}/her-view/"
    officer = signed_in(login_client, w["officer"])
    assert officer.post(url, {"text": "x", "version": 2}).status_code == 403
    worker = signed_in(login_client, w["worker"])
    version = ConferenceReferral.objects.get(pk=w["referral"].pk).version
    assert (
        worker.post(url, {"text": "She wants him kept away from the school.", "version": version}).status_code
        == 302
    )
    stale = worker.post(url, {"text": "She wants to move to her sister.", "version": version})
    body = stale.content.decode()
    assert stale.status_code == 409 and "She wants to move to her sister." in body
    assert "Saved now:" in body and "kept away from the school" in body
    doctor_page = (
        signed_in(login_client, w["doctor"]).get(f"/risk/agenda/{w['referral'].pk}/").content.decode()
    )
    assert "kept away from the school" in doctor_page
    with pytest.raises(PermissionDenied):
        services.survivor_view_record(actor=w["doctor"], referral=w["referral"], text="x", expected_version=9)


def test_minutes_are_the_coordinators_and_holding_marks_the_cases_heard(conference_world, login_client):
    w = conference_world
    url = f"/risk/agenda/{w['referral'].pk}/minutes/"
    version = ConferenceReferral.objects.get(pk=w["referral"].pk).version
    assert (
        signed_in(login_client, w["doctor"]).post(url, {"text": "x", "version": version}).status_code == 403
    )
    coordinator = signed_in(login_client, w["coordinator"])
    assert (
        coordinator.post(url, {"text": "Agreed: police visit weekly.", "version": version}).status_code == 302
    )
    held = coordinator.post(f"/risk/conferences/{w['conference'].pk}/held/", follow=True)
    assert "has not taken place yet" in held.content.decode()
    Conference.objects.filter(pk=w["conference"].pk).update(scheduled_for=timezone.now() - timedelta(hours=1))
    coordinator.post(f"/risk/conferences/{w['conference'].pk}/held/")
    referral = ConferenceReferral.objects.get(pk=w["referral"].pk)
    assert referral.status == "heard" and referral.minutes == "Agreed: police visit weekly."
    assert CaseEvent.objects.filter(case=w["case"], kind="conference_heard").exists()


def test_the_conference_through_the_api(risk_world, api):
    w = risk_world
    assess(w["worker"], w["case"], yes=14)
    worker_api, coordinator_api, doctor_api = api(w["worker"]), api(w["coordinator"]), api(w["doctor"])
    refer = worker_api.post(
        f"/api/v1/cases/{w['case'].pk}/risk/conference-referral/", {"basis": "consent"}, format="json"
    )
    assert refer.status_code == 201
    referral_id = refer.json()["id"]
    bad = coordinator_api.post("/api/v1/risk/conferences/", {"scheduled_for": "yesterday"}, format="json")
    assert bad.status_code == 400 and {"scheduled_for", "agencies"} <= set(bad.json()["error"]["fields"])
    created = coordinator_api.post(
        "/api/v1/risk/conferences/",
        {
            "scheduled_for": (timezone.now() + timedelta(days=1))
            .isoformat(timespec="minutes")
            .replace("+05:00", ""),
            "place": "Room 2",
            "agencies": [w["health"].pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    conference_id = created.json()["id"]
    assert (
        doctor_api.post(
            f"/api/v1/risk/conferences/{conference_id}/agenda/", {"referral": referral_id}, format="json"
        ).status_code
        == 403
    )
    listed = coordinator_api.post(
        f"/api/v1/risk/conferences/{conference_id}/agenda/", {"referral": referral_id}, format="json"
    )
    assert listed.status_code == 201 and listed.json()["status"] == "listed"
    shared = doctor_api.post(
        f"/api/v1/risk/agenda/{referral_id}/contributions/",
        {"body": "Seen in A&E twice.", "share": True},
        format="json",
    )
    assert shared.status_code == 201
    action = coordinator_api.post(
        f"/api/v1/risk/agenda/{referral_id}/actions/",
        {
            "description": "Medical report",
            "owner_agency": w["health"].pk,
            "due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
        format="json",
    )
    assert action.status_code == 201
    done = doctor_api.patch(
        f"/api/v1/risk/agenda/{referral_id}/actions/{action.json()['id']}/",
        {"status": "done", "version": 1},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    detail = doctor_api.get(f"/api/v1/risk/conferences/{conference_id}/").json()
    assert [item["number"] for item in detail["agenda"]] == [w["case"].number]
    assert detail["agenda"][0]["contributions"] == []  # the list holds the minimum; the item has the rest


def test_the_coordinator_sees_a_waiting_referral_as_its_minimum(risk_world, login_client, api):
    w = risk_world
    assess(w["worker"], w["case"], yes=12, judgement_level=3, reason="He keeps a hunting rifle at home.")
    referral = services.conference_refer(actor=w["worker"], case=w["case"], basis="consent")
    body = signed_in(login_client, w["coordinator"]).get(f"/risk/agenda/{referral.pk}/").content.decode()
    assert (
        w["case"].number in body and "Professional judgement" in body and "Waiting for a conference" in body
    )
    for secret in SECRETS:
        assert secret not in body, secret
    assert "Share with the participants" not in body  # nothing to share before it is listed
    data = api(w["coordinator"]).get(f"/api/v1/risk/agenda/{referral.pk}/").json()
    assert data["conference"] is None and data["status"] == "waiting" and data["case_id"] is None
    assert signed_in(login_client, w["officer"]).get(f"/risk/agenda/{referral.pk}/").status_code == 404


def test_her_view_and_minutes_through_the_api(conference_world, api):
    w = conference_world
    item = f"/api/v1/risk/agenda/{w['referral'].pk}"
    version = ConferenceReferral.objects.get(pk=w["referral"].pk).version
    assert (
        api(w["doctor"])
        .put(f"{item}/survivor-view/", {"text": "x", "version": version}, format="json")
        .status_code
        == 403
    )
    saved = api(w["worker"]).put(
        f"{item}/survivor-view/", {"text": "She wants him kept away.", "version": version}, format="json"
    )
    assert saved.status_code == 200
    stale = api(w["worker"]).put(
        f"{item}/survivor-view/", {"text": "Other", "version": version}, format="json"
    )
    assert stale.status_code == 409
    version = ConferenceReferral.objects.get(pk=w["referral"].pk).version
    assert (
        api(w["worker"]).put(f"{item}/minutes/", {"text": "x", "version": version}, format="json").status_code
        == 403
    )
    minutes = api(w["coordinator"]).put(
        f"{item}/minutes/", {"text": "Police visit weekly.", "version": version}, format="json"
    )
    assert minutes.status_code == 200
    bad = api(w["coordinator"]).put(f"{item}/minutes/", {"text": "", "version": "x"}, format="json")
    assert bad.status_code == 400 and {"text", "version"} <= set(bad.json()["error"]["fields"])
    referral = ConferenceReferral.objects.get(pk=w["referral"].pk)
    assert referral.survivor_view == "She wants him kept away." and referral.minutes == "Police visit weekly."


def test_a_new_action_notifies_the_owner_agency_once(conference_world, make_user):
    from qorgau.accounts.roles import Role
    from qorgau.notifications.models import Notification

    w = conference_world
    chief = make_user(Role.SUPERVISOR, agency=w["health"], username="health.chief")
    action = services.action_add(
        actor=w["coordinator"],
        referral=w["referral"],
        description="Medical report",
        owner_agency=w["health"],
        due_on=timezone.localdate() + timedelta(days=5),
    )
    [note] = Notification.objects.filter(kind="risk_conference_action")
    assert note.user == chief and note.dedupe_key == f"conf-action:{action.pk}"
    assert note.params["number"] == w["case"].number and "Medical" not in str(note.params)
