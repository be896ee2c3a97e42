"""Cyber-violence on the incident: kinds as data (kk/ru/en), the accounts involved (handles
encrypted), GBVIMS classification, the API, and the statistics dimension."""

import pytest
from django.db import connection
from django.utils import translation

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases import services
from qorgau.cases.models import CyberSubtype, Incident, IncidentCyber, OnlineAccount
from qorgau.core.models import AuditEvent

HANDLE = "@secret_handle_5521"


@pytest.fixture
def worker(make_user, make_agency):
    return make_user(Role.CASEWORKER, agency=make_agency(Agency.Kind.CRISIS_CENTRE))


def psychological_only(**extra):
    return {"q_physical_assault": False, "q_psychological": False, **extra}


def test_the_kinds_are_data_in_three_languages(db):
    kinds = list(CyberSubtype.objects.all())
    assert [k.code for k in kinds] == [
        "online_harassment",
        "cyberstalking",
        "intimate_images",
        "sextortion",
        "doxxing",
        "impersonation",
        "online_threats",
        "tech_control",
    ]
    with translation.override("kk"):
        assert kinds[3].label == "Секс-бопсалау"
    with translation.override("ru"):
        assert kinds[6].label == "Угрозы в сети"
    with translation.override("en"):
        assert kinds[2].label == "Non-consensual intimate images"


def test_a_kind_classifies_the_incident_and_the_handle_is_encrypted(worker, open_case):
    case = open_case(worker, incident=psychological_only())
    assert case.incidents.get().gbv_type == Incident.GbvType.NON_GBV
    incident = services.incident_add(
        actor=worker,
        case=case,
        fields=_fields(),
        perpetrator=None,
        cyber={
            "subtypes": ["sextortion"],
            "accounts": [{"platform": "instagram", "handle": HANDLE, "owner": "perpetrator"}],
        },
    )
    assert incident.gbv_type == Incident.GbvType.PSYCHOLOGICAL
    assert IncidentCyber.objects.get(incident=incident).subtypes == ["sextortion"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT handle FROM cases_onlineaccount")
        (stored,) = cursor.fetchone()
    assert HANDLE not in stored and OnlineAccount.objects.get().handle == HANDLE


def _fields():
    from tests.helpers import incident_data

    return incident_data(q_physical_assault=False, q_psychological=False)


def test_edit_with_version_reclassifies_and_refuses_a_stale_version(worker, open_case):
    from qorgau.core.errors import Conflict

    case = open_case(worker, incident=psychological_only())
    incident = case.incidents.get()
    services.incident_cyber_update(
        actor=worker,
        case=case,
        incident_id=incident.pk,
        expected_version=0,
        subtypes=["doxxing"],
        accounts=[],
    )
    incident.refresh_from_db()
    assert incident.gbv_type == Incident.GbvType.PSYCHOLOGICAL and incident.contexts == ["ipv"]
    with pytest.raises(Conflict):
        services.incident_cyber_update(
            actor=worker, case=case, incident_id=incident.pk, expected_version=0, subtypes=[], accounts=[]
        )
    assert IncidentCyber.objects.get(incident=incident).subtypes == ["doxxing"]
    assert AuditEvent.objects.filter(action="incident.cyber_update", case_id=case.pk).count() == 1


def test_the_form_shows_and_saves_kinds_and_accounts(worker, open_case, login_client):
    case = open_case(worker)
    incident = case.incidents.get()
    client = login_client(worker)
    url = f"/cases/{case.pk}/incidents/{incident.pk}/online/"
    page = client.get(url)
    assert page.status_code == 200 and "Cyberstalking" in page.content.decode()
    response = client.post(
        url,
        {
            "version": "0",
            "cyber_subtypes": ["cyberstalking", "tech_control"],
            "account_1_platform": "telegram",
            "account_1_handle": HANDLE,
            "account_1_owner": "perpetrator",
        },
    )
    assert response.status_code == 302
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Cyberstalking" in detail and HANDLE in detail and "Telegram" in detail


def test_form_bad_input_is_a_translated_error_and_nothing_is_saved(worker, open_case, login_client):
    case = open_case(worker)
    incident = case.incidents.get()
    worker.language = "ru"
    worker.save()
    client = login_client(worker)
    response = client.post(
        f"/cases/{case.pk}/incidents/{incident.pk}/online/",
        {"version": "0", "cyber_subtypes": ["telepathy"], "account_1_handle": HANDLE},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert "Выберите платформу из списка." in response.content.decode()
    assert not IncidentCyber.objects.exists() and not OnlineAccount.objects.exists()


def test_api_reads_and_replaces_with_400s_naming_the_field(worker, open_case, api_client):
    case = open_case(worker)
    incident = case.incidents.get()
    api = api_client(worker)
    url = f"/api/v1/cases/{case.pk}/incidents/{incident.pk}/cyber/"
    bad = api.put(
        url,
        {"version": 0, "cyber_subtypes": ["sextortion"], "online_accounts": [{"platform": "myspace2"}]},
        format="json",
    )
    assert bad.status_code == 400 and "online_accounts.0.platform" in bad.json()["error"]["fields"]
    assert api.put(url, {"cyber_subtypes": ["sextortion"]}, format="json").status_code == 400
    assert not IncidentCyber.objects.exists()
    ok = api.put(
        url,
        {
            "version": 0,
            "cyber_subtypes": ["sextortion"],
            "online_accounts": [{"platform": "whatsapp", "handle": HANDLE, "owner": "survivor"}],
        },
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["version"] == 1 and ok.json()["online_accounts"][0]["handle"] == HANDLE
    stale = api.put(url, {"version": 0, "cyber_subtypes": []}, format="json")
    assert stale.status_code == 409
    detail = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["incidents"][0]["cyber"]["cyber_subtypes"] == ["sextortion"]


def test_a_perpetrators_handle_needs_the_legal_section(worker, open_case, make_user, make_agency):
    from qorgau.cases import selectors

    case = open_case(worker)
    incident = case.incidents.get()
    services.incident_cyber_update(
        actor=worker,
        case=case,
        incident_id=incident.pk,
        expected_version=0,
        subtypes=["online_threats"],
        accounts=[
            {"platform": "vk", "handle": HANDLE, "owner": "perpetrator"},
            {"platform": "vk", "handle": "@her_own_77", "owner": "survivor"},
        ],
    )
    police = make_agency(Agency.Kind.POLICE)
    supervisor = make_user(Role.SUPERVISOR, agency=worker.agency)
    services.emergency_grant(
        actor=supervisor,
        case=case,
        agency=police,
        sections=["general"],
        hours=4,
        reason="Threats to kill her tonight, says the police",
    )
    officer = make_user(Role.POLICE_OFFICER, agency=police)
    detail = selectors.case_detail(actor=officer, case_id=case.pk)
    handles = [a.handle for a in detail.incidents[0].cyber.accounts]
    assert handles == [None, "@her_own_77"]


def test_the_statistics_dimension_is_registered(worker, open_case):
    from qorgau.stats import registry

    case = open_case(worker)
    incident = case.incidents.get()
    services.incident_cyber_update(
        actor=worker,
        case=case,
        incident_id=incident.pk,
        expected_version=0,
        subtypes=["tech_control", "online_harassment"],
        accounts=[],
    )
    dimension = registry.DIMENSIONS["cyber"]
    assert dimension.values_for([incident.pk]) == {incident.pk: "online_harassment"}
    assert [c for c, _l in dimension.choices()][:2] == ["none", "online_harassment"]
