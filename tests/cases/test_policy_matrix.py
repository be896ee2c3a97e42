"""Every role × (own agency, other agency without a grant, other agency with an emergency grant)
against the lists, the searches (by IIN, phone, name and number), the dashboard and the identity
checks: whoever may not see the case gets nothing — not a name, not a number, not a count.

Every URL pattern and API operation, one by one, is walked by tests/test_route_matrix.py.
"""

import json
import re

import pytest
from tests.helpers import SURVIVOR_IIN, SURVIVOR_NAME, SURVIVOR_PHONE

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import CASE_ROLES, Role
from qorgau.cases import services
from qorgau.cases.models import AccessRequest


@pytest.fixture
def world(make_user, make_agency, open_case):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre A")
    stranger = make_agency(Agency.Kind.POLICE, name="Police B")
    granted = make_agency(Agency.Kind.POLICE, name="Police C")
    worker = make_user(Role.CASEWORKER, agency=centre, username="holder.worker")
    supervisor = make_user(Role.SUPERVISOR, agency=centre, username="holder.supervisor")
    case = open_case(
        worker, consents=[{"purpose": "statistics", "method": "written", "given_by": "survivor"}]
    )
    services.note_add(
        actor=worker, case=case, section="psychological", body="Sessions weekly. Secret-note-123"
    )
    share = services.emergency_grant(
        actor=supervisor,
        case=case,
        agency=granted,
        sections=["general", "safety"],
        hours=48,
        reason="Threats to kill her tonight; police must act now.",
    )
    perpetrator = case.people.get(role="perpetrator")
    ids = {
        "case_id": case.pk,
        "consent_id": case.consents.first().pk,
        "person_id": perpetrator.pk,
        "share_id": share.pk,
    }
    request = AccessRequest.objects.create(
        case=case, requested_by=worker, requesting_agency=stranger, reason="testing the matrix"
    )
    ids["request_id"] = request.pk
    # The pathway: a referral to a third agency, a plan action, a closure request.
    from qorgau.directory.models import ServiceType
    from qorgau.referrals import services as referral_services

    services.consent_record(
        actor=worker,
        case=case,
        data={
            "purpose": "referral",
            "recipient_kind": "legal_aid",
            "method": "written",
            "given_by": "survivor",
        },
    )
    lawyers = make_agency(Agency.Kind.LEGAL_AID, name="Legal D")
    ids["referral_id"] = referral_services.referral_send(
        actor=worker, case=case, service=ServiceType.objects.get(code="legal_aid"), to_agency=lawyers
    ).pk
    ids["action_id"] = referral_services.plan_action_add(
        actor=worker,
        case=case,
        goal="g",
        action="a",
        agency=centre,
        person=None,
        due_on=case.opened_at.date(),
        expected_version=0,
    ).pk
    ids["closure_id"] = services.case_close_request(actor=worker, case=case, reason="needs_met").pk
    ids["assessment_id"] = _assessment(worker, case).pk
    return {
        "case": case,
        "ids": ids,
        "agencies": {"own": centre, "other": stranger, "granted": granted},
        "worker": worker,
        "perpetrator_name": perpetrator.family_name,
    }


def _assessment(worker, case):
    """Risk data in the safety section: a high assessment with a judgement and a safety plan."""
    from qorgau.risk.loader import get_instrument
    from qorgau.risk.safety_plan import SafetyPlan
    from qorgau.risk.services import assessment_create, safety_plan_save

    items = get_instrument("checklist-24").items
    assessment = assessment_create(
        actor=worker,
        case=case,
        instrument_id="checklist-24",
        answers={i.id: "yes" if i.number <= 14 else "no" for i in items},
        judgement_level=4,
        judgement_reason="Secret-reason-456",
    )
    safety_plan_save(
        actor=worker, case=case, expected_version=0, plan=SafetyPlan(code_word="Secret-word-789")
    )
    return assessment


SECRETS_ALWAYS = (
    SURVIVOR_NAME[1],
    SURVIVOR_IIN,
    "Secret-note-123",
    "0000 01 01",
    "7000000101",
    "Secret-reason-456",
    "Secret-word-789",
)


def secrets(world):
    # The case's id is not among them: the caller typed it into the address themselves.
    return (*SECRETS_ALWAYS, world["case"].number)


def relation_roles():
    for relation in ("own", "other", "granted"):
        for role in Role.values:
            yield relation, role


def allowed(relation: str, role: str) -> bool:
    return role in CASE_ROLES and relation in ("own", "granted")


@pytest.mark.parametrize("relation,role", list(relation_roles()))
def test_lists_search_counts_and_dashboard(
    world, make_user, login_client, client, api_client, relation, role
):
    actor = make_user(role, agency=world["agencies"][relation], username=f"l.{relation}.{role}")
    login_client(actor)
    api = api_client(actor)
    may_see = allowed(relation, role)
    number = world["case"].number
    client.get("/cases/new/")  # an intake open: what the live candidate search needs
    pages = {
        "list": client.get("/cases/"),
        "search iin": client.post("/cases/", {"q": SURVIVOR_IIN}),
        "search phone": client.post("/cases/", {"q": SURVIVOR_PHONE}),
        "search name": client.post("/cases/", {"q": SURVIVOR_NAME[0]}),
        "search number": client.post("/cases/", {"q": number}),
        "dashboard": client.get("/dashboard/"),
        "api list": api.get("/api/v1/cases/"),
        "api search": api.post("/api/v1/cases/search/", {"q": SURVIVOR_IIN}, format="json"),
        "api name": api.post("/api/v1/cases/search/", {"q": "Zhandosova"}, format="json"),
        "identity check": api.post(
            "/api/v1/people/identity-check/", {"iin": SURVIVOR_IIN, "purpose": "referral"}, format="json"
        ),
        "identity check, no purpose": api.post(
            "/api/v1/people/identity-check/", {"iin": SURVIVOR_IIN}, format="json"
        ),
        "htmx identity": client.post("/cases/intake/check-identity/", {"iin": SURVIVOR_IIN}),
    }
    for label, response in pages.items():
        assert response.status_code != 500, label
        # The search box shows back what the caller typed; everything else must hold nothing.
        body = re.sub(r'<input[^>]*id="id_q"[^>]*>', "", response.content.decode())
        if may_see and label not in (
            "identity check",
            "identity check, no purpose",
            "htmx identity",
            "dashboard",
        ):
            assert response.status_code == 200 and number in body, (
                f"{role}/{relation}: {label} hides the case"
            )
            continue
        if may_see:
            continue
        for secret in secrets(world):
            assert secret not in body, f"{role}/{relation} {label} leaked {secret!r}"
        if label == "api list" and response.status_code == 200:
            assert response.json() == []
    if role not in CASE_ROLES:
        assert pages["api list"].status_code == 403 and pages["list"].status_code == 403
    if role in CASE_ROLES:
        # The API answers known / not known and nothing else, and only with a stated purpose.
        assert pages["identity check"].json() == {"known": True}
        assert pages["identity check, no purpose"].status_code == 403
        live = pages["htmx identity"].content.decode()
        if may_see:
            assert number in live
        else:
            assert "Known to another agency" in live and number not in live


def test_supervisor_counts_cover_only_their_own_agency(world, make_user):
    from qorgau.cases.selectors import case_count_by_status

    outsider = make_user(Role.SUPERVISOR, agency=world["agencies"]["other"])
    holder = make_user(Role.SUPERVISOR, agency=world["agencies"]["own"])
    assert case_count_by_status(actor=outsider) == {}
    assert case_count_by_status(actor=holder) == {"open": 1}


def test_granted_agency_sees_only_granted_sections(world, make_user, api_client):
    officer = make_user(Role.POLICE_OFFICER, agency=world["agencies"]["granted"])
    detail = api_client(officer).get(f"/api/v1/cases/{world['case'].pk}/").json()
    assert detail["sections"] == ["general", "safety"]
    assert "Secret-note-123" not in json.dumps(detail)  # psychological section not granted
    assert detail["people"] == []  # the perpetrator is in the legal section, not granted
