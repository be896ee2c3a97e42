"""Regression tests for what the review of the one door found (issue 17) and for two findings of
the security test (issue 18): each reproduces the fault as it was and fails on the code before
the fix."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests.helpers import SURVIVOR_NAME, incident_data

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases import services as case_services
from qorgau.cases.models import AccessRequest, IntakeDraft, Note
from qorgau.core.models import AuditEvent
from qorgau.directory.models import ServiceType
from qorgau.referrals import services as referral_services
from qorgau.referrals.models import CasePlan, PlanAction, Referral

pytestmark = pytest.mark.django_db

REFERRAL_NOTE = "Needs a lawyer for the divorce; Secret-referral-note-42"


@pytest.fixture
def centre(make_agency):
    return make_agency(Agency.Kind.CRISIS_CENTRE, name="Door Centre")


@pytest.fixture
def worker(make_user, centre):
    return make_user(Role.CASEWORKER, agency=centre, username="door.worker")


def signed_in(login_client, user):
    return login_client(user, Client(HTTP_ACCEPT_LANGUAGE="en"))


# --- Her account arrives with the incident, through the API too ---------------------------------


def test_api_incident_keeps_her_account_in_the_same_call(worker, open_case, api_client):
    case = open_case(worker)
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    data = {
        "occurred_on": day,
        "reported_on": day,
        "region": "71",
        "place": "home",
        "q_physical_assault": True,
        "harmful_practice": "none",
        "weapon": "none",
        "injuries": "none",
        "perpetrator_relationship": "current_partner",
        "perpetrator_sex": "M",
        "account": "He came back and broke the door.",
    }
    before = Note.objects.filter(case=case, is_account=True).count()
    response = api_client(worker).post(f"/api/v1/cases/{case.pk}/incidents/", data, format="json")
    assert response.status_code == 201, response.content
    accounts = [n.body for n in Note.objects.filter(case=case, is_account=True)]
    assert len(accounts) == before + 1 and "He came back and broke the door." in accounts


def test_an_incident_refused_keeps_no_account_either(worker, open_case):
    from django.core.exceptions import ValidationError

    case = open_case(worker)
    fields = incident_data(occurred_on=timezone.localdate() + timedelta(days=3))
    before = Note.objects.count()
    with pytest.raises(ValidationError):
        case_services.incident_add(actor=worker, case=case, fields=fields, account="Her words")
    assert Note.objects.count() == before


# --- The referral outlives her consent (issue 18) -----------------------------------------------


@pytest.fixture
def referred(make_user, make_agency, worker, open_case, api_client):
    """Her case referred to legal aid with her consent, and accepted there."""
    lawyers = make_agency(Agency.Kind.LEGAL_AID, name="Door Legal Aid")
    lawyer = make_user(Role.LAWYER, agency=lawyers, username="door.lawyer")
    case = open_case(
        worker,
        consents=[
            {
                "purpose": "referral",
                "recipient_kind": "legal_aid",
                "method": "written",
                "given_by": "survivor",
            },
            {
                "purpose": "share",
                "recipient_kind": "legal_aid",
                "sections": ["general", "legal"],
                "method": "written",
                "given_by": "survivor",
            },
        ],
    )
    referral = referral_services.referral_send(
        actor=worker,
        case=case,
        service=ServiceType.objects.get(code="legal_aid"),
        to_agency=lawyers,
        note=REFERRAL_NOTE,
    )
    accepted = api_client(lawyer).post(
        f"/api/v1/referrals/{referral.pk}/actions/", {"action": "accept", "version": 1}, format="json"
    )
    assert accepted.status_code == 200
    return {"case": case, "referral": referral, "lawyer": lawyer}


def _withdraw_referral_consent(api_client, worker, case):
    consent = case.consents.get(purpose="referral")
    response = api_client(worker).post(f"/api/v1/cases/{case.pk}/consents/{consent.pk}/withdraw/")
    assert response.status_code == 200


def test_after_withdrawal_the_receiving_agency_reads_no_referral_text(
    referred, worker, api_client, login_client
):
    case, referral, lawyer = referred["case"], referred["referral"], referred["lawyer"]
    api = api_client(lawyer)
    assert api.get(f"/api/v1/referrals/{referral.pk}/").json()["note"] == REFERRAL_NOTE  # with consent
    _withdraw_referral_consent(api_client, worker, case)
    body = api.get(f"/api/v1/referrals/{referral.pk}/")
    assert body.status_code == 200 and body.json()["note"] is None  # the record, not her words
    page = signed_in(login_client, lawyer).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Secret-referral-note-42" not in page and SURVIVOR_NAME[0] not in page
    assert "Secret-referral-note-42" not in str(api.get("/api/v1/referrals/").json())


def test_after_withdrawal_the_receiving_agency_cannot_complete_the_referral(referred, worker, api_client):
    case, referral, lawyer = referred["case"], referred["referral"], referred["lawyer"]
    _withdraw_referral_consent(api_client, worker, case)
    response = api_client(lawyer).post(
        f"/api/v1/referrals/{referral.pk}/actions/",
        {"action": "complete", "outcome": "Divorce papers filed.", "version": 2},
        format="json",
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED and not referral.outcome
    # The holder can still end it: the withdrawal is hers, the referral is the centre's.
    ended = api_client(worker).post(
        f"/api/v1/referrals/{referral.pk}/actions/",
        {"action": "withdraw", "reason": "She withdrew her consent", "version": 2},
        format="json",
    )
    assert ended.status_code == 200 and ended.json()["status"] == "withdrawn"


# --- Reads that create or decrypt leave a trace, and only reads ---------------------------------


def test_reading_the_plan_through_the_api_creates_nothing_and_is_audited(worker, open_case, api_client):
    case = open_case(worker)
    response = api_client(worker).get(f"/api/v1/cases/{case.pk}/plan/")
    assert response.status_code == 200 and response.json()["version"] == 0
    assert not CasePlan.objects.filter(case=case).exists()
    assert AuditEvent.objects.filter(case_id=case.pk, action="case.plan").exists()


@pytest.mark.parametrize(
    "how,purpose",
    [("dashboard", "dashboard"), ("list", "list"), ("search", "search"), ("api", "list")],
)
def test_every_case_shown_with_her_name_is_in_her_access_log(
    worker, open_case, login_client, api_client, how, purpose
):
    cases = [open_case(worker), open_case(worker)]
    client = signed_in(login_client, worker)
    if how == "dashboard":
        response = client.get("/dashboard/")
    elif how == "list":
        response = client.get("/cases/")
    elif how == "search":
        response = client.post("/cases/", {"q": SURVIVOR_NAME[0]})
    else:
        response = api_client(worker).get("/api/v1/cases/")
    assert response.status_code == 200 and SURVIVOR_NAME[0] in response.content.decode()
    for case in cases:
        event = AuditEvent.objects.filter(case_id=case.pk, action="case.listed").latest("seq")
        assert event.purpose == purpose and event.actor_id == worker.pk


def test_a_denied_contact_request_read_is_audited_and_a_404(make_user, make_agency, login_client):
    from qorgau.core.models import Region
    from qorgau.portal.services import contact_request_submit

    item = contact_request_submit(
        region=Region.objects.get(code="71"), help_needed=["talk"], channel="call", contact="+77000000111"
    )
    elsewhere = make_user(Role.CASEWORKER, agency=make_agency(Agency.Kind.CRISIS_CENTRE, region="75"))
    response = signed_in(login_client, elsewhere).get(f"/contact-requests/{item.pk}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="contact_request.view_denied", object_id=str(item.pk), actor_id=elsewhere.pk
    ).exists()


# --- Intake drafts ----------------------------------------------------------------------------------


def test_intake_drafts_are_purged_after_24_hours_and_saves_are_audited(worker, login_client):
    import time_machine
    from tests.cases.test_intake import STEP1

    from qorgau.cases.tasks import purge_intake_drafts

    client = signed_in(login_client, worker)
    response = client.post("/cases/new/", STEP1)
    draft = IntakeDraft.objects.get(owner=worker)
    assert response.status_code in (200, 302)
    assert AuditEvent.objects.filter(action="intake_draft.save", object_id=str(draft.pk)).exists()
    assert purge_intake_drafts.call_local() == 0  # young: kept
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert purge_intake_drafts.call_local() == 1
        assert purge_intake_drafts.call_local() == 0  # idempotent
    assert not IntakeDraft.objects.filter(pk=draft.pk).exists()


# --- 404, never 403 or 400, for what the actor may not see ------------------------------------------


def test_another_agencys_supervisor_gets_a_404_for_an_access_request(
    make_user, make_agency, worker, open_case, login_client
):
    case = open_case(worker)
    other = make_agency(Agency.Kind.POLICE)
    request = AccessRequest.objects.create(
        case=case, requested_by=worker, requesting_agency=other, reason="testing the answer"
    )
    outsider = make_user(Role.SUPERVISOR, agency=other)
    url = f"/cases/access-requests/{request.pk}/answer/"
    assert signed_in(login_client, outsider).post(url, {"status": "answered"}).status_code == 404
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.OPEN


def test_an_access_request_is_answered_once(make_user, make_agency, worker, open_case, login_client):
    case = open_case(worker)
    supervisor = make_user(Role.SUPERVISOR, agency=worker.agency)
    request = AccessRequest.objects.create(
        case=case, requested_by=worker, requesting_agency=make_agency(), reason="testing the answer"
    )
    client = signed_in(login_client, supervisor)
    url = f"/cases/access-requests/{request.pk}/answer/"
    client.post(url, {"status": "answered"})
    first = AccessRequest.objects.get(pk=request.pk)
    client.post(url, {"status": "declined"})  # a second decision is refused
    request.refresh_from_db()
    assert (request.status, request.answered_at) == ("answered", first.answered_at)


def test_a_coordinator_cannot_learn_of_another_regions_referral(
    make_user, make_agency, open_case, api_client
):
    from tests.risk.helpers import assess

    from qorgau.risk import services as risk_services

    almaty = make_agency(Agency.Kind.CRISIS_CENTRE, region="75")
    almaty_worker = make_user(Role.CASEWORKER, agency=almaty)
    case = open_case(almaty_worker)
    assess(almaty_worker, case, yes=16)
    elsewhere = risk_services.conference_refer(actor=almaty_worker, case=case, basis="consent")
    coordinator = make_user(Role.CONFERENCE_COORDINATOR, agency=make_agency(Agency.Kind.POLICE, region="71"))
    conference = risk_services.conference_create(
        actor=coordinator,
        scheduled_for=timezone.now() + timedelta(days=2),
        place="Room 1",
        agencies=[coordinator.agency],
    )
    api = api_client(coordinator)
    url = f"/api/v1/risk/conferences/{conference.pk}/agenda/"
    real = api.post(url, {"referral": str(elsewhere.pk)}, format="json")
    random = api.post(url, {"referral": "00000000-0000-4000-8000-000000000000"}, format="json")
    assert real.status_code == random.status_code == 404
    assert real.json() == random.json()


# --- Versions are required, and decisions are taken once ---------------------------------------------


def test_a_referral_step_without_a_version_is_refused(referred, api_client):
    referral, lawyer = referred["referral"], referred["lawyer"]
    response = api_client(lawyer).post(
        f"/api/v1/referrals/{referral.pk}/actions/", {"action": "start"}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()["error"]["fields"]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_a_plan_action_without_the_plans_version_is_refused(worker, open_case, api_client):
    case = open_case(worker)
    payload = {"goal": "Housing", "action": "Apply", "agency": worker.agency_id, "due_on": "2030-01-01"}
    response = api_client(worker).post(f"/api/v1/cases/{case.pk}/plan/", payload, format="json")
    assert response.status_code == 400 and "version" in response.json()["error"]["fields"]
    assert not CasePlan.objects.filter(case=case).exists()
    stale = api_client(worker).post(
        f"/api/v1/cases/{case.pk}/plan/", {**payload, "version": 3}, format="json"
    )
    assert stale.status_code == 409


def test_a_plan_actions_status_needs_its_version(worker, open_case, login_client):
    """The status form had no version at all: two people changing it at once overwrote each other."""
    case = open_case(worker)
    signed_in(login_client, worker).post(
        f"/cases/{case.pk}/plan/actions/",
        {"goal": "g", "action": "a", "agency": worker.agency_id, "due_on": "2030-01-01", "version": 0},
    )
    item = PlanAction.objects.get(plan__case=case)
    client = signed_in(login_client, worker)
    url = f"/cases/{case.pk}/plan/actions/{item.pk}/"
    client.post(url, {"status": "done"})  # no version: refused
    assert PlanAction.objects.get(pk=item.pk).status == "open"
    client.post(url, {"status": "done", "version": 1})
    client.post(url, {"status": "dropped", "version": 1})  # stale: refused
    assert PlanAction.objects.get(pk=item.pk).status == "done"


def test_a_conference_edit_without_a_version_changes_nothing(make_user, make_agency, login_client):
    from qorgau.risk import services as risk_services
    from qorgau.risk.models import Conference

    police = make_agency(Agency.Kind.POLICE)
    coordinator = make_user(Role.CONFERENCE_COORDINATOR, agency=police)
    conference = risk_services.conference_create(
        actor=coordinator, scheduled_for=timezone.now() + timedelta(days=2), place="Room 1", agencies=[police]
    )
    client = signed_in(login_client, coordinator)
    when = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/risk/conferences/{conference.pk}/edit/",
        {"scheduled_for": when, "place": "Room 9", "agencies": [police.pk]},
    )
    assert response.status_code == 400
    assert Conference.objects.get(pk=conference.pk).place == "Room 1"
