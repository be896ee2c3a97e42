"""The cases API: one request opens a case; errors are 400 in the documented format and change
nothing; no access is a 404; a stale version is a 409."""

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.helpers import SURVIVOR_IIN

from qorgau.accounts.roles import Role
from qorgau.cases.models import Case, Consent, Note
from qorgau.core.models import AuditEvent
from qorgau.people.models import Person


def body(**overrides):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    data = {
        "survivor": {
            "entry_point": "police",
            "priority": "normal",
            "given_name": "Айгүл",
            "family_name": "Жандосова",
            "sex": "F",
            "birth_date": "1990-01-01",
            "iin": SURVIVOR_IIN,
            "phone": "+77000000101",
            "region": "71",
            "disability": "none",
            "citizenship": "KZ",
            "contact_channel": "call",
        },
        "incident": {
            "occurred_on": yesterday,
            "region": "71",
            "place": "home",
            "q_penetration": False,
            "q_physical_assault": True,
            "harmful_practice": "none",
            "weapon": "none",
            "injuries": "minor",
            "perpetrator_relationship": "former_partner",
            "perpetrator_sex": "M",
            "account": "He came back and hit me.",
        },
        "consents": [
            {"purpose": "statistics", "method": "verbal", "given_by": "survivor"},
            {
                "purpose": "referral",
                "recipient_kind": "legal_aid",
                "method": "verbal",
                "given_by": "survivor",
            },
        ],
    }
    for part, changes in overrides.items():
        if isinstance(changes, dict):
            data[part] = {**data[part], **changes}
        else:
            data[part] = changes
    return data


@pytest.fixture
def worker(make_user):
    return make_user(Role.CASEWORKER)


@pytest.fixture
def api(api_client, worker):
    return api_client(worker)


def test_open_a_case_in_one_request(api, worker):
    response = api.post("/api/v1/cases/", body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    case = Case.objects.get(pk=data["id"])
    assert data["number"] == case.number and data["survivor"]["iin"] == SURVIVOR_IIN
    assert data["incidents"][0]["gbv_type"] == "physical_assault" and data["incidents"][0]["contexts"] == [
        "ipv"
    ]
    assert data["notes"][0]["body"] == "He came back and hit me." and data["notes"][0]["is_account"]
    assert case.consents.count() == 2 and case.holding_agency == worker.agency
    assert AuditEvent.objects.filter(action="case.open", case_id=case.pk, source="api").exists()


@pytest.mark.parametrize(
    "override,field",
    [
        ({"survivor": {"iin": "900101400405"}}, "survivor.iin"),
        ({"survivor": {"phone": "not a phone"}}, "survivor.phone"),
        ({"survivor": {"entry_point": "telepathy"}}, "survivor.entry_point"),
        ({"survivor": {"given_name": "", "family_name": ""}}, "survivor.given_name"),
        ({"survivor": {"given_name": "x" * 500}}, "survivor.given_name"),
        ({"incident": {"occurred_on": "2999-01-01"}}, "incident.occurred_on"),
        ({"incident": {"occurred_on": "yesterday"}}, "incident.occurred_on"),
        ({"incident": {"weapon": "bazooka"}}, "incident.weapon"),
        ({"consents": [{"purpose": "referral", "method": "verbal"}]}, "consents.0.recipient_agency"),
        ({"consents": [{"purpose": "gossip", "method": "verbal"}]}, "consents.0.purpose"),
        # JSON shapes a form field cannot parse (found by tests/fuzz: each was a 500).
        ({"survivor": {"birth_date": [None, None]}}, "survivor.birth_date"),
        ({"survivor": {"birth_date": 19900101}}, "survivor.birth_date"),
        ({"survivor": {"given_name": {"first": "Айгүл"}}}, "survivor.given_name"),
        ({"incident": {"occurred_on": True}}, "incident.occurred_on"),
        ({"incident": [["occurred_on", "2020-01-01"]]}, "incident"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_nothing_is_saved(api, override, field):
    response = api.post("/api/v1/cases/", body(**override), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert Case.objects.count() == 0 and Person.objects.count() == 0 and Consent.objects.count() == 0


def test_errors_are_translated(api, worker):
    worker.language = "kk"
    worker.save()
    response = api.post(
        "/api/v1/cases/", body(survivor={"iin": "900101400405"}), format="json", HTTP_ACCEPT_LANGUAGE="kk"
    )
    assert response.json()["error"]["fields"]["survivor.iin"] == [
        "Бұл ЖСН жарамсыз: цифрларда қате жоқ па, тексеріңіз."
    ]


@pytest.mark.parametrize("payload", ["[1, 2]", '"text"', "{bad json", ""])
def test_malformed_bodies_are_400(api, payload):
    response = api.generic("POST", "/api/v1/cases/", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] in ("invalid", "malformed")
    assert Case.objects.count() == 0


def test_a_child_without_guardian_consent_is_refused(api):
    child = (timezone.localdate() - timedelta(days=365 * 14)).isoformat()
    response = api.post("/api/v1/cases/", body(survivor={"birth_date": child, "iin": ""}), format="json")
    assert response.status_code == 400 and "consents.0.given_by" in response.json()["error"]["fields"]


def test_no_access_is_404_and_unknown_ids_too(api, api_client, make_user, open_case):
    stranger_case = open_case(make_user(Role.CASEWORKER))
    for url in (f"/api/v1/cases/{stranger_case.pk}/", "/api/v1/cases/00000000-0000-0000-0000-000000000000/"):
        response = api.get(url)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/cases/not-a-uuid/").status_code == 404


def test_concurrent_edit_gets_409_and_loses_nothing(api, worker, open_case):
    case = open_case(worker)
    first = api.patch(f"/api/v1/cases/{case.pk}/", {"version": 1, "priority": "urgent"}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    second = api.patch(f"/api/v1/cases/{case.pk}/", {"version": 1, "priority": "low"}, format="json")
    assert second.status_code == 409 and second.json()["error"]["code"] == "conflict"
    case.refresh_from_db()
    assert case.priority == "urgent" and case.version == 2


def test_person_edit_conflict(api, worker, open_case):
    case = open_case(worker)
    survivor = case.people.get(role="survivor")
    url = f"/api/v1/cases/{case.pk}/people/{survivor.pk}/"
    ok = api.patch(
        url, {"version": 1, "given_name": "Айгерім", "family_name": "Жандосова", "sex": "F"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["name"].startswith("Жандосова Айгерім")
    stale = api.patch(url, {"version": 1, "given_name": "Other", "sex": "F"}, format="json")
    assert stale.status_code == 409
    survivor.refresh_from_db()
    assert survivor.given_name == "Айгерім"


def test_notes_consents_and_withdrawal(api, worker, open_case):
    case = open_case(worker)
    note = api.post(
        f"/api/v1/cases/{case.pk}/notes/", {"section": "health", "body": "Bruises documented."}, format="json"
    )
    assert note.status_code == 201 and Note.objects.filter(case=case, section="health").exists()
    bad = api.post(f"/api/v1/cases/{case.pk}/notes/", {"section": "gossip", "body": "x"}, format="json")
    assert bad.status_code == 400 and "section" in bad.json()["error"]["fields"]
    consent = api.post(
        f"/api/v1/cases/{case.pk}/consents/",
        {"purpose": "referral", "recipient_kind": "police", "method": "written", "given_by": "survivor"},
        format="json",
    )
    assert consent.status_code == 201
    withdrawn = api.post(f"/api/v1/cases/{case.pk}/consents/{consent.json()['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["active"] is False


def test_timeline_and_access_log(api, worker, open_case):
    case = open_case(worker)
    api.get(f"/api/v1/cases/{case.pk}/")
    kinds = [e["kind"] for e in api.get(f"/api/v1/cases/{case.pk}/timeline/").json()]
    assert "case_opened" in kinds and "incident_recorded" in kinds
    log = api.get(f"/api/v1/cases/{case.pk}/access-log/").json()
    assert any(e["action"] == "case.view" and e["who"] == worker.username for e in log)


def test_search_is_a_post(api, worker, open_case):
    case = open_case(worker)
    found = api.post("/api/v1/cases/search/", {"q": SURVIVOR_IIN}, format="json").json()
    assert [c["number"] for c in found] == [case.number]
    assert api.get("/api/v1/cases/search/").status_code == 405
    too_long = api.post("/api/v1/cases/search/", {"q": "x" * 300}, format="json")
    assert too_long.status_code == 400 and "q" in too_long.json()["error"]["fields"]


def test_schema_has_no_warnings_and_documents_case_opening():
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("qorgau")),
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--format",
            "openapi-json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"/api/v1/cases/"' in result.stdout and "CaseOpenInput" in result.stdout


def test_needs_through_the_api(api):
    ok = api.post("/api/v1/cases/", {**body(), "needs": ["shelter"]}, format="json")
    assert ok.status_code == 201 and ok.json()["needs"] == ["shelter"]
    bad = api.post("/api/v1/cases/", {**body(), "needs": ["nonsense"]}, format="json")
    assert bad.status_code == 400 and "needs" in bad.json()["error"]["fields"]


def test_a_list_where_one_value_belongs_is_named_in_the_callers_language(api, worker, open_case):
    case = open_case(worker)
    response = api.post(
        f"/api/v1/cases/{case.pk}/notes/",
        {"section": ["general"], "body": "A note"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "section": ["Передайте здесь одно значение, а не список или объект."]
    }
    assert Note.objects.filter(case=case).count() == 1  # her account only


def test_json_numbers_are_read_as_a_form_would_read_them(api, worker, open_case):
    case = open_case(worker)
    rating = api.post(
        f"/api/v1/cases/{case.pk}/wellbeing/",
        {"moment": "intake", "safety": 4, "wellbeing": 5, "rated_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert rating.status_code == 201, rating.json()
    assert (rating.json()["safety"], rating.json()["wellbeing"]) == (4, 5)


def test_recording_an_earlier_incident_answers_with_that_incident(api, worker, open_case):
    """The case lists incidents newest first: the answer used to be whichever came first there."""
    case = open_case(worker)  # an incident two days ago
    earlier = (timezone.localdate() - timedelta(days=400)).isoformat()
    response = api.post(
        f"/api/v1/cases/{case.pk}/incidents/",
        {
            "occurred_on": earlier,
            "reported_on": earlier,
            "region": "71",
            "place": "home",
            "q_physical_assault": True,
            "harmful_practice": "none",
            "weapon": "none",
            "injuries": "none",
            "perpetrator_relationship": "former_partner",
            "perpetrator_sex": "M",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["occurred_on"] == earlier
    assert case.incidents.count() == 2
