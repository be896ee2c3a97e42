"""Assessments attached to a case: pinned versions, the explanation, judgement, access by section."""

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from tests.risk.helpers import assess, form_answers

import qorgau.risk
from qorgau.cases.models import CaseEvent, CaseShare, Consent
from qorgau.core.models import AuditEvent
from qorgau.risk.levels import RiskLevel
from qorgau.risk.loader import get_instrument
from qorgau.risk.models import Assessment

SHIPPED = Path(qorgau.risk.__file__).parent / "instruments"


@pytest.fixture
def checklist_copy(instrument_dir):
    """The shipped checklist in a directory of its own, so a test can publish version 2."""
    target = instrument_dir.root / "checklist-24"
    target.mkdir()
    shutil.copy(SHIPPED / "checklist-24" / "1.yaml", target / "1.yaml")
    return target


def test_saved_assessment_pins_the_instrument_version_and_digest(risk_world):
    assessment = assess(risk_world["worker"], risk_world["case"], yes=14)
    instrument = get_instrument("checklist-24")
    assert (assessment.instrument_id, assessment.version, assessment.digest) == (
        "checklist-24",
        1,
        instrument.digest,
    )
    assert assessment.level == assessment.actuarial_level == RiskLevel.HIGH and assessment.score == 14
    assert assessment.is_current
    event = CaseEvent.objects.get(case=risk_world["case"], kind="risk_assessed")
    assert event.section == "safety" and event.params == {"level": "high"}
    audit = AuditEvent.objects.get(action="assessment.create")
    assert audit.case_id == risk_world["case"].pk and audit.detail["version"] == 1


def test_answers_and_reasons_are_encrypted_at_rest(risk_world):
    from django.db import connection

    assess(
        risk_world["worker"],
        risk_world["case"],
        yes=3,
        judgement_level=RiskLevel.HIGH,
        reason="Ол пышақпен қорқытты, secret-reason-77",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers, judgement_reason FROM risk_assessment")
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert "secret-reason-77" not in raw and "injury" not in raw and "yes" not in raw


def test_a_later_instrument_version_does_not_change_an_old_assessment(
    risk_world, checklist_copy, client, login_client
):
    worker, case = risk_world["worker"], risk_world["case"]
    old = assess(worker, case, yes=12)
    assert old.level == RiskLevel.MEDIUM
    # Version 2 moves the high band down to 10 yes answers.
    data = yaml.safe_load((checklist_copy / "1.yaml").read_text(encoding="utf-8"))
    data["version"] = 2
    data["rules"][0]["bands"] = [{"min": 0, "max": 9, "level": "standard"}, {"min": 10, "level": "high"}]
    (checklist_copy / "2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    new = assess(worker, case, yes=12)
    assert (new.version, new.level) == (2, RiskLevel.HIGH)
    old.refresh_from_db()
    assert not old.is_current and old.version == 1
    login_client(worker)
    page = client.get(f"/risk/cases/{case.pk}/assessments/{old.pk}/").content.decode()
    assert "made with version 1" in page and "Medium risk" in page
    assert "Yes answers: 12 of 24 (10 to 13): Medium risk" in page
    api = client.get(f"/api/v1/cases/{case.pk}/risk/assessments/{old.pk}/").json()
    assert api["version"] == 1 and api["explanation"]["result"]["level"] == "medium"


def test_an_instrument_edited_in_place_is_refused_not_silently_rescored(
    risk_world, checklist_copy, client, login_client
):
    worker, case = risk_world["worker"], risk_world["case"]
    assessment = assess(worker, case, yes=12)
    path = checklist_copy / "1.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{min: 14, level: high}", "{min: 14, level: high}\n"),
        encoding="utf-8",
    )
    login_client(worker)
    response = client.get(f"/risk/cases/{case.pk}/assessments/{assessment.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "has been changed since" in body and "Medium" in body


def test_professional_judgement_raises_with_a_reason_and_never_lowers(risk_world):
    worker, case = risk_world["worker"], risk_world["case"]
    raised = assess(
        worker, case, yes=11, judgement_level=RiskLevel.HIGH, reason="Threats to kill after she left."
    )
    assert (raised.level, raised.actuarial_level, raised.judgement_level) == (3, 2, 3)
    assert raised.judgement_reason == "Threats to kill after she left."
    with pytest.raises(ValidationError) as lowered:
        assess(worker, case, yes=15, judgement_level=RiskLevel.MEDIUM, reason="She seems calmer today.")
    assert "never lowered" in lowered.value.message_dict["judgement_level"][0]
    with pytest.raises(ValidationError) as no_reason:
        assess(worker, case, yes=11, judgement_level=RiskLevel.EXTREME)
    assert "judgement_reason" in no_reason.value.message_dict
    assert Assessment.objects.filter(case=case).count() == 1  # the refused ones saved nothing


def test_judgement_through_the_api_raises_and_refuses_lowering(risk_world, api):
    worker, case = risk_world["worker"], risk_world["case"]
    api = api(worker)
    instrument = get_instrument("checklist-24")
    answers = {i.id: "yes" if n < 15 else "no" for n, i in enumerate(instrument.items)}
    url = f"/api/v1/cases/{case.pk}/risk/assessments/"
    lowered = api.post(
        url,
        {
            "instrument": "checklist-24",
            "answers": answers,
            "judgement_level": "medium",
            "judgement_reason": "calmer",
        },
        format="json",
    )
    assert lowered.status_code == 400
    error = lowered.json()["error"]
    assert error["code"] == "invalid" and "never lowered" in error["fields"]["judgement_level"][0]
    assert not Assessment.objects.exists()

    answers = {i.id: "yes" if n < 10 else "no" for n, i in enumerate(instrument.items)}
    raised = api.post(
        url,
        {
            "instrument": "checklist-24",
            "answers": answers,
            "judgement_level": "extreme",
            "judgement_reason": "He bought a gun last week.",
        },
        format="json",
    )
    assert raised.status_code == 201, raised.content
    body = raised.json()
    assert (body["level"], body["actuarial_level"], body["judgement_level"]) == (
        "extreme",
        "medium",
        "extreme",
    )
    assert body["explanation"]["deciding"] == ["Yes answers: 10 of 24 (10 to 13): Medium risk"]


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"instrument": "no-such", "answers": {}}, "instrument"),
        ({"instrument": "checklist-24", "answers": {"injury": "maybe"}}, "answers"),
        ({"instrument": "checklist-24", "answers": "yes"}, "answers"),
        ({"instrument": "checklist-24", "answers": {}, "judgement_level": "huge"}, "judgement_level"),
    ],
)
def test_bad_api_input_names_the_field_and_saves_nothing(risk_world, api, payload, field):
    response = api(risk_world["worker"]).post(
        f"/api/v1/cases/{risk_world['case'].pk}/risk/assessments/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Assessment.objects.exists()


def test_not_known_answers_are_counted_and_too_many_say_so(risk_world, client, login_client):
    worker, case = risk_world["worker"], risk_world["case"]
    assessment = assess(worker, case, yes=9, unknown=7)  # checklist allows 6
    assert (assessment.unknown_count, assessment.too_many_unknown) == (7, True)
    login_client(worker)
    page = client.get(f"/risk/cases/{case.pk}/assessments/{assessment.pk}/").content.decode()
    assert "Answers not known: 7, more than 6: this result may understate the risk." in page
    assert "If the answers that are not known were yes, the level would be High." in page
    assert "7 answers not known" in page


def test_the_form_asks_every_question_and_the_preview_saves_nothing(risk_world, client, login_client):
    worker, case = risk_world["worker"], risk_world["case"]
    instrument = get_instrument("checklist-24")
    login_client(worker)
    url = f"/risk/cases/{case.pk}/assessments/new/"
    data = form_answers(instrument, yes=14)
    missing = {k: v for k, v in data.items() if k != "a_weapons"}
    response = client.post(url, missing)
    assert response.status_code == 400
    assert "Answer this question: yes, no or not known." in response.content.decode()
    preview = client.post(url, {**data, "preview": "1"})
    assert (
        preview.status_code == 200
        and "Yes answers: 14 of 24 (14 or more): High risk" in preview.content.decode()
    )
    assert not Assessment.objects.exists()
    saved = client.post(url, {**data, "save": "1"})
    assessment = Assessment.objects.get()
    assert saved["Location"] == f"/risk/cases/{case.pk}/assessments/{assessment.pk}/"
    detail = client.get(saved["Location"]).content.decode()
    assert (
        "Proposed for the multi-agency risk conference" in detail and "High risk by the instrument" in detail
    )


def test_a_lowering_judgement_on_the_form_keeps_the_answers(risk_world, client, login_client):
    worker, case = risk_world["worker"], risk_world["case"]
    instrument = get_instrument("checklist-24")
    login_client(worker)
    data = {
        **form_answers(instrument, yes=14),
        "judgement_level": "standard",
        "judgement_reason": "She is calm.",
        "save": "1",
    }
    response = client.post(f"/risk/cases/{case.pk}/assessments/new/", data)
    body = response.content.decode()
    assert response.status_code == 400 and "can only raise the level" in body
    assert re.search(r'name="a_injury" value="yes"[^>]*checked', body)  # her answers are still there
    assert "She is calm." in body
    assert not Assessment.objects.exists()


def test_a_closed_case_is_not_assessed(risk_world):
    from qorgau.cases.models import Case

    Case.objects.filter(pk=risk_world["case"].pk).update(status="closed")
    risk_world["case"].refresh_from_db()
    with pytest.raises(ValidationError):
        assess(risk_world["worker"], risk_world["case"], yes=3)


def _share(world, sections):
    case = world["case"]
    for purpose, extra in (("referral", {}), ("share", {"sections": sections})):
        Consent.objects.create(
            case=case,
            purpose=purpose,
            recipient_kind="police",
            method="written",
            recorded_by=world["worker"],
            **extra,
        )
    return CaseShare.objects.create(
        case=case, agency=world["police"], source="referral", sections=sections, granted_by=world["worker"]
    )


def test_a_shared_agency_without_the_safety_section_sees_no_assessment(risk_world, client, login_client, api):
    worker, case, officer = risk_world["worker"], risk_world["case"], risk_world["officer"]
    assessment = assess(
        worker, case, yes=15, judgement_level=RiskLevel.EXTREME, reason="He has a hunting rifle."
    )
    _share(risk_world, ["general", "legal"])
    login_client(officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert case.number in page  # the case itself is shared
    assert "Risk and safety" not in page and "Risk:" not in page and "Risk assessed" not in page
    assert "hunting rifle" not in page
    assert client.get(f"/risk/cases/{case.pk}/assessments/{assessment.pk}/").status_code == 404
    assert client.get(f"/risk/cases/{case.pk}/assessments/new/").status_code == 404
    assert client.get(f"/risk/cases/{case.pk}/safety-plan/").status_code == 404
    api = api(officer)
    for url in (
        f"/api/v1/cases/{case.pk}/risk/",
        f"/api/v1/cases/{case.pk}/risk/assessments/",
        f"/api/v1/cases/{case.pk}/risk/assessments/{assessment.pk}/",
    ):
        response = api.get(url)
        assert response.status_code == 404 and "rifle" not in json.dumps(response.json())
    timeline = api.get(f"/api/v1/cases/{case.pk}/timeline/").json()
    assert "risk_assessed" not in [e["kind"] for e in timeline]
    with pytest.raises(PermissionDenied):
        assess(officer, case, yes=3)


def test_a_shared_agency_with_the_safety_section_sees_and_assesses(risk_world, client, login_client):
    worker, case, officer = risk_world["worker"], risk_world["case"], risk_world["officer"]
    assess(worker, case, yes=15)
    _share(risk_world, ["general", "safety"])
    login_client(officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Risk and safety" in page and "Risk: High" in page
    second = assess(officer, case, yes=4)
    assert second.agency == risk_world["police"] and second.is_current


def test_the_case_page_prompts_for_a_first_assessment_and_draws_the_history(risk_world, client, login_client):
    import time_machine
    from django.utils import timezone

    worker, case = risk_world["worker"], risk_world["case"]
    login_client(worker)
    first = client.get(f"/cases/{case.pk}/").content.decode()
    assert "No risk assessment yet" in first and f"/risk/cases/{case.pk}/assessments/new/" in first
    assert "Risk not assessed" in first
    start = timezone.now() - timezone.timedelta(days=21)
    for days, yes in ((0, 5), (10, 11), (20, 16)):
        with time_machine.travel(start + timezone.timedelta(days=days)):
            assess(worker, case, yes=yes)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "No risk assessment yet" not in page
    assert '<svg viewBox="0 0 640 190"' in page and 'role="img"' in page and "<desc" in page
    assert page.count("<circle") == 3 and "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "3 assessments since" in page
    assert "Risk assessments, newest first" in page  # the table that says the same as the chart
