"""Re-assessment due dates by level, the dashboard, and the overdue job (notifies once)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from tests.risk.helpers import assess

from qorgau.cases.models import Case
from qorgau.core.models import AuditEvent
from qorgau.notifications.models import Notification
from qorgau.risk.levels import RiskLevel
from qorgau.risk.tasks import notify_overdue_reassessments


def run_job():
    return notify_overdue_reassessments.call_local()


@pytest.mark.parametrize(
    "yes,judgement,days", [(3, None, 60), (11, None, 30), (14, None, 7), (14, RiskLevel.EXTREME, 3)]
)
def test_overdue_job_notifies_the_caseworker_once_even_when_run_twice(risk_world, yes, judgement, days):
    worker, case = risk_world["worker"], risk_world["case"]
    start = timezone.now()
    assessment = assess(
        worker, case, yes=yes, judgement_level=judgement, reason="He has a gun." if judgement else ""
    )
    with time_machine.travel(start + timedelta(days=days) - timedelta(minutes=5)):
        assert run_job() == 0
    with time_machine.travel(start + timedelta(days=days, minutes=5)):
        assert run_job() == 1
        assert run_job() == 0  # a second run, or a restart, notifies nobody again
    [note] = Notification.objects.filter(kind="risk_reassessment_overdue")
    assert note.user == worker and note.url == f"/cases/{case.pk}/"
    assert note.params == {"number": case.number, "level": RiskLevel(assessment.level).key}
    assert note.dedupe_key == f"risk-overdue:{assessment.pk}"
    assert AuditEvent.objects.filter(action="assessment.overdue_notify").count() == 1


def test_the_notification_survives_a_lost_flag_without_repeating(risk_world):
    """Two workers, or a crash after notifying but before marking: the dedupe key still holds."""
    from qorgau.risk.models import Assessment

    assess(risk_world["worker"], risk_world["case"], yes=14)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert run_job() == 1
        Assessment.objects.update(overdue_notified_at=None)
        assert run_job() == 0
    assert Notification.objects.count() == 1


def test_a_new_assessment_restarts_the_clock(risk_world):
    worker, case = risk_world["worker"], risk_world["case"]
    start = timezone.now()
    assess(worker, case, yes=14)
    with time_machine.travel(start + timedelta(days=8)):
        assert run_job() == 1
        assess(worker, case, yes=14)
        assert run_job() == 0
    with time_machine.travel(start + timedelta(days=16)):
        assert run_job() == 1
    assert Notification.objects.filter(kind="risk_reassessment_overdue").count() == 2


def test_closed_cases_are_left_alone_and_unassigned_ones_go_to_supervisors(risk_world, open_case):
    worker, supervisor = risk_world["worker"], risk_world["supervisor"]
    closed = risk_world["case"]
    assess(worker, closed, yes=14)
    Case.objects.filter(pk=closed.pk).update(status="closed")
    unassigned = open_case(worker)
    assess(worker, unassigned, yes=14)
    Case.objects.filter(pk=unassigned.pk).update(assigned_to=None)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert run_job() == 1
    [note] = Notification.objects.all()
    assert note.user == supervisor and note.params["number"] == unassigned.number


def test_the_dashboard_shows_due_and_overdue_reassessments(risk_world, open_case, client, login_client):
    worker = risk_world["worker"]
    start = timezone.now() - timedelta(days=8)
    with time_machine.travel(start):
        assess(worker, risk_world["case"], yes=14)  # high: due after 7 days, now overdue
    soon = open_case(worker)
    with time_machine.travel(timezone.now() - timedelta(days=5)):
        assess(worker, soon, yes=14)  # due in 2 days
    later = open_case(worker)
    assess(worker, later, yes=3)  # standard: due in 60 days, not listed
    open_case(worker)  # never assessed
    login_client(worker)
    page = client.get("/dashboard/").content.decode()
    panel = page.split('id="reassess-h"', 1)[1].split("</section>", 1)[0]
    assert risk_world["case"].number in panel and "overdue since" in panel
    assert soon.number in panel and "due on" in panel
    assert later.number not in panel
    assert "1 open case has no risk assessment yet." in panel
