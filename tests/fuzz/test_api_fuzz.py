"""A bounded fuzz test of the REST API with Schemathesis.

It loads the API's own OpenAPI schema from the app in-process (WSGI, no network), and for every
operation sends generated requests — valid and invalid bodies, parameters and ids — as a
caseworker whose agency holds a case with her consents (campaign operations as a national
campaign coordinator, who can reach them). Real ids stand in for path parameters, so the
requests reach the code behind the 404. Every answer must:

- never be a 5xx;
- if a 4xx, be the documented error format `{"error": {"code", "message", "fields"?}}`;
- conform to the documented schema (status code, content type, body) where Schemathesis can check.

Bounded and deterministic: a few examples per operation, a fixed derandomised seed, no shrinking
beyond what Hypothesis needs; the whole run takes well under two minutes on two cores.
"""

from datetime import timedelta

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks as st_checks
from tests.risk.helpers import assess

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.accounts.services import token_create
from qorgau.campaigns import services as campaign_services
from qorgau.campaigns.models import Campaign, Event
from qorgau.cases.models import CaseClosure, Consent
from qorgau.cases.services import case_close_request, person_add
from qorgau.core.models import Region
from qorgau.directory.models import ServiceType
from qorgau.referrals.services import referral_send
from qorgau.risk import services as risk_services

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10  # per operation: enough to find a crash in the parsing and validation paths
CAMPAIGN_PATHS = ("/api/v1/campaigns", "/api/v1/events", "/api/v1/letters")
CONFERENCE_PATHS = ("/api/v1/risk/conferences", "/api/v1/risk/agenda")
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The app is called as a plain WSGI app: like Django's test client, keep it from closing the
    database connection (and with it the test's transaction) at the end of each request."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(make_agency, make_user, open_case):
    """A crisis centre's case with her consents, a referral, a closure request, a perpetrator; and
    a campaign with a held event and a letter."""
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Fuzz Centre")
    police = make_agency(Agency.Kind.POLICE, name="Fuzz Police")
    shelter = make_agency(Agency.Kind.SHELTER, name="Fuzz Shelter")
    worker = make_user(Role.CASEWORKER, agency=centre, username="fuzz.worker")
    case = open_case(
        worker,
        consents=[
            {"purpose": "referral", "recipient_kind": "police", "method": "written", "given_by": "survivor"},
            {
                "purpose": "share",
                "recipient_kind": "police",
                "sections": ["general", "legal"],
                "method": "written",
                "given_by": "survivor",
            },
            {"purpose": "contact", "recipient_kind": "police", "method": "verbal", "given_by": "survivor"},
        ],
    )
    person, _warnings = person_add(
        actor=worker,
        case=case,
        role="child",
        data={"given_name": "Әлия", "family_name": "Демоқызы", "sex": "F"},
    )
    referral = referral_send(
        actor=worker, case=case, service=ServiceType.objects.get(code="police_report"), to_agency=police
    )
    closure = case_close_request(
        actor=worker, case=case, reason=CaseClosure.Reason.OTHER, note="Fuzz closure"
    )

    commission = make_agency(Agency.Kind.NATIONAL_COMMISSION, name="Fuzz Commission")
    coordinator = make_user(Role.CAMPAIGN_COORDINATOR, agency=commission, username="fuzz.coordinator")
    colleague = make_user(Role.CAMPAIGN_COORDINATOR, agency=commission, username="fuzz.coordinator2")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        code="FUZZ-1",
        name_kk="Науқан",
        name_ru="Кампания",
        name_en="Campaign",
        starts_on=today,
        ends_on=today + timedelta(days=15),
        issuer=commission,
        created_by=coordinator,
    )
    start = timezone.now() + timedelta(days=1)
    event = campaign_services.event_create(
        actor=coordinator,
        campaign=campaign,
        region=Region.objects.get(pk="71"),
        kind=Event.Kind.SEMINAR,
        title="Fuzz seminar",
        description="",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue="Hall 1",
        online_url="",
        moderator="",
        target_groups=["youth"],
        languages=["kk"],
        is_public=True,
        contact_name="Contact",
        contact_phone="+7 700 000 11 22",
        contact_email="fuzz@example.invalid",
    )
    event = campaign_services.event_transition(actor=coordinator, event=event, to=Event.Status.SUBMITTED)
    event = campaign_services.event_transition(actor=colleague, event=event, to=Event.Status.APPROVED)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        event = campaign_services.event_transition(actor=coordinator, event=event, to=Event.Status.HELD)
    letter = campaign_services.letters_issue(
        actor=coordinator, event=event, language="en", recipients=[("Dana Demo", "speaker")]
    )[0]

    # Risk: an assessment, a conference with this case on its agenda and an action on it.
    assessment = assess(worker, case, yes=15)
    marac = make_user(Role.CONFERENCE_COORDINATOR, agency=police, username="fuzz.marac")
    conference_referral = risk_services.conference_refer(actor=worker, case=case, basis="consent")
    conference = risk_services.conference_create(
        actor=marac,
        scheduled_for=timezone.now() + timedelta(days=2),
        place="Room 1",
        agencies=[police, centre],
    )
    item = risk_services.agenda_add(actor=marac, conference=conference, referral_id=conference_referral.pk)
    action = risk_services.action_add(
        actor=marac, referral=item, description="Visit", owner_agency=police, due_on=today + timedelta(days=3)
    )
    return {
        "tokens": {
            "worker": token_create(actor=worker, name="fuzz")[1],
            "coordinator": token_create(actor=coordinator, name="fuzz")[1],
            "marac": token_create(actor=marac, name="fuzz")[1],
        },
        "ids": {
            "case_id": str(case.pk),
            "consent_id": str(Consent.objects.filter(case=case).first().pk),
            "person_id": str(person.pk),
            "referral_id": str(referral.pk),
            "closure_id": str(closure.pk),
            "agency_id": shelter.pk,
            "campaign_id": campaign.pk,
            "event_id": event.pk,
            "letter_id": str(letter.pk),
            "assessment_id": str(assessment.pk),
            "conference_id": str(conference.pk),
            "item_id": str(item.pk),
            "action_id": str(action.pk),
            "instrument_id": "checklist-24",
        },
    }


def _load_schema():
    """The schema exactly as /api/v1/schema/ serves it (the view needs no database), with the app
    to call in-process."""
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    loaded = schemathesis.openapi.from_dict(response.json())
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


def assert_error_format(response, case):
    """Every client error, documented or not, has the API's one error shape."""
    if 400 <= response.status_code < 500:
        body = response.json()
        assert set(body) == {"error"}, (case.method, case.formatted_path, body)
        error = body["error"]
        assert isinstance(error.get("code"), str) and error["code"], body
        assert isinstance(error.get("message"), str) and error["message"], body
        assert set(error) <= {"code", "message", "fields"}, body


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz(case, world):
    for name in case.path_parameters or {}:
        if name in world["ids"]:
            case.path_parameters[name] = world["ids"][name]
    who = (
        "coordinator"
        if case.path.startswith(CAMPAIGN_PATHS)
        else "marac"
        if case.path.startswith(CONFERENCE_PATHS)
        else "worker"
    )
    headers = {"Authorization": f"Bearer {world['tokens'][who]}", "Accept-Language": "en"}
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS)
    assert_error_format(response, case)
