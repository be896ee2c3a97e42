"""A risk assessment draft (issue #16) is her words waiting, never an assessment: it is erased
QORGAU_RISK_DRAFT_DAYS after its last save by an idempotent hourly job, and until then it gives
the case no level, no due date and no statistics."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from tests.risk.helpers import assess

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.core.models import AuditEvent
from qorgau.risk import selectors, services
from qorgau.risk.models import AssessmentDraft
from qorgau.risk.tasks import purge_assessment_drafts

pytestmark = pytest.mark.django_db

STATISTICS = {"purpose": "statistics", "method": "written", "given_by": "survivor"}
HIGH = {f"a_{n}": "yes" for n in ("frightened", "weapon", "threats_to_kill", "strangled")}


@pytest.fixture
def drafted(make_user, make_agency, open_case):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre Drafts")
    worker = make_user(Role.CASEWORKER, agency=centre, username="drafts.worker")
    case = open_case(worker, consents=[STATISTICS])
    draft = services.assessment_draft_save(
        actor=worker, case=case, instrument_id="checklist-24", data={**HIGH, "w_fears": "Он вернётся ночью"}
    )
    return {"worker": worker, "case": case, "draft": draft}


def test_a_draft_is_erased_after_the_configured_days_by_an_idempotent_job(drafted, settings):
    assert settings.QORGAU_RISK_DRAFT_DAYS == 30  # the documented default
    young = timezone.now() + timedelta(days=29)
    with time_machine.travel(young):
        assert purge_assessment_drafts.call_local() == 0  # saved 29 days ago: kept
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert purge_assessment_drafts.call_local() == 1
        assert purge_assessment_drafts.call_local() == 0  # a second run finds nothing
    assert not AssessmentDraft.objects.exists()
    purge = AuditEvent.objects.get(action="assessment_draft.purge")
    assert purge.detail["count"] == 1


def test_a_draft_saved_again_lives_from_its_last_save(drafted, settings):
    settings.QORGAU_RISK_DRAFT_DAYS = 5
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        services.assessment_draft_save(
            actor=drafted["worker"], case=drafted["case"], instrument_id="checklist-24", data=HIGH
        )
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert services.assessment_drafts_purge() == 0  # 2 days after the second save
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        assert services.assessment_drafts_purge() == 1


def test_a_draft_never_counts_as_an_assessment(drafted, login_client):
    from qorgau.stats.models import Fact
    from qorgau.stats.refresh import rebuild

    worker, case = drafted["worker"], drafted["case"]
    assert selectors.current_level(case) is None
    due, unassessed = selectors.reassessment_list_due(actor=worker)
    assert due == [] and unassessed == 1  # still a case with no assessment
    with time_machine.travel(timezone.now() + timedelta(days=90)):
        assert services.reassessments_overdue_notify() == 0  # nothing is overdue of a draft
    rebuild()
    assert not Fact.objects.filter(kind__in=["assessment", "reassessment"]).exists()
    html = login_client(worker, Client(HTTP_ACCEPT_LANGUAGE="en")).get("/cases/").content.decode()
    row = html.split(case.number, 1)[1].split("</tr>", 1)[0]
    assert "High" not in row and "Extreme" not in row
    # The same answers saved as an assessment count at once: the checks above can see one.
    assess(worker, case, yes=12)
    assert selectors.current_level(case) is not None
    assert selectors.reassessment_list_due(actor=worker)[1] == 0
    rebuild()
    assert Fact.objects.filter(kind="assessment").exists()
