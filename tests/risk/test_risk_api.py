"""The risk API: instruments, a case's risk summary and assessments, the schema."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from tests.risk.helpers import assess

from qorgau.notifications.models import Notification
from qorgau.notifications.texts import render_text
from qorgau.risk.levels import RiskLevel
from qorgau.risk.services import reassessments_overdue_notify


def test_instruments_are_listed_with_their_questions_in_three_languages(risk_world, api):
    data = api(risk_world["worker"]).get("/api/v1/risk/instruments/").json()
    checklist = next(i for i in data if i["id"] == "checklist-24")
    assert checklist["version"] == 1 and len(checklist["items"]) == 24
    assert set(checklist["items"][0]["text"]) == {"kk", "ru", "en"}
    assert [lv["scale"] for lv in checklist["levels"]] == ["standard", "medium", "high"]
    weighted = next(i for i in data if i["id"] == "danger-weighted-20")
    assert weighted["placeholder_weights"] is True
    one = api(risk_world["worker"]).get("/api/v1/risk/instruments/danger-screen-11/?version=1")
    assert one.status_code == 200 and one.json()["id"] == "danger-screen-11"
    missing = api(risk_world["worker"]).get("/api/v1/risk/instruments/danger-screen-11/?version=9")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_the_case_risk_summary_says_level_due_date_and_proposal(risk_world, api):
    worker, case = risk_world["worker"], risk_world["case"]
    client = api(worker)
    empty = client.get(f"/api/v1/cases/{case.pk}/risk/").json()
    assert (
        empty["current"] is None
        and empty["propose_conference"] is False
        and empty["safety_plan_version"] == 0
    )
    assess(worker, case, yes=12, judgement_level=RiskLevel.HIGH, reason="He waits outside her work.")
    data = client.get(f"/api/v1/cases/{case.pk}/risk/").json()
    assert data["current"]["level"] == "high" and data["current"]["actuarial_level"] == "medium"
    assert data["overdue"] is False and data["next_due"]
    assert data["propose_conference"] is True
    assert [c["code"] for c in data["criteria"]] == ["judgement"]
    listed = client.get(f"/api/v1/cases/{case.pk}/risk/assessments/").json()
    assert len(listed) == 1 and listed[0]["judgement_reason"] == "He waits outside her work."


def test_risk_notifications_say_only_numbers_and_codes(risk_world):
    worker, case = risk_world["worker"], risk_world["case"]
    assess(worker, case, yes=14)
    reassessments_overdue_notify(now=timezone.now() + timedelta(days=8))
    [note] = Notification.objects.all()
    assert render_text(note) == f"The risk re-assessment of case {case.number} is overdue."
    assert set(note.params) == {"number", "level"}


def test_the_openapi_schema_describes_the_risk_endpoints():
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
    paths = json.loads(result.stdout)["paths"]
    for path in (
        "/api/v1/risk/instruments/",
        "/api/v1/cases/{case_id}/risk/assessments/",
        "/api/v1/cases/{case_id}/risk/safety-plan/",
        "/api/v1/risk/conferences/",
        "/api/v1/risk/agenda/{item_id}/contributions/",
    ):
        assert path in paths, path
