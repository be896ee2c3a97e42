"""Her request for erasure: decided by a supervisor of the holding agency, recorded with who
decided and why; an approval removes what identifies her and her incidents from later statistics."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from tests.helpers import SURVIVOR_IIN

from qorgau.cases.models import Case
from qorgau.cases.selectors import case_list
from qorgau.core.audit import audit_verify
from qorgau.core.models import AuditEvent
from qorgau.lifecycle.models import ErasureDecision
from qorgau.lifecycle.services import erasure_decide
from qorgau.people.models import Person
from qorgau.stats.models import IncidentFact
from qorgau.stats.refresh import rebuild

STATISTICS = {"purpose": "statistics", "method": "written", "given_by": "survivor"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def agency_case(make_agency, make_user, open_case):
    agency = make_agency()
    worker = make_user("caseworker", agency=agency, username="e.worker")
    supervisor = make_user("supervisor", agency=agency, username="e.supervisor")
    case = open_case(worker, consents=[STATISTICS])
    return case, worker, supervisor


def test_an_approved_erasure_removes_her_and_her_incidents_from_later_statistics(agency_case):
    case, worker, supervisor = agency_case
    rebuild()
    assert IncidentFact.objects.count() == 1
    decision = erasure_decide(
        actor=supervisor,
        case=case,
        approved=True,
        basis="consent_withdrawn",
        requested_on=timezone.localdate(),
    )
    assert decision.decided_by == supervisor and ErasureDecision.objects.count() == 1
    assert not Person.objects.filter(case=case, family_name__isnull=False).exists()
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    assert case.pk not in [s.case.pk for s in case_list(actor=worker, q=SURVIVOR_IIN)]
    rebuild()
    assert IncidentFact.objects.count() == 0  # her statistics consent is withdrawn with it
    event = AuditEvent.objects.get(action="erasure.decide")
    assert (event.actor_username, event.case_id, event.detail) == (
        "e.supervisor", case.pk, {"approved": True, "basis": "consent_withdrawn"},
    )  # fmt: skip
    assert audit_verify().ok
    with pytest.raises(ValidationError, match="already anonymised"):
        erasure_decide(
            actor=supervisor,
            case=case,
            approved=True,
            basis="no_longer_needed",
            requested_on=timezone.localdate(),
        )


def test_a_refusal_is_recorded_and_removes_nothing(agency_case):
    case, _worker, supervisor = agency_case
    erasure_decide(
        actor=supervisor, case=case, approved=False, basis="proceedings", requested_on=timezone.localdate()
    )
    assert ErasureDecision.objects.get().approved is False
    assert Person.objects.filter(case=case, family_name__isnull=False).count() == 2


def test_only_a_supervisor_of_the_holding_agency_decides_and_bad_input_changes_nothing(
    agency_case, make_user
):
    case, worker, supervisor = agency_case
    other_supervisor = make_user("supervisor", username="elsewhere.supervisor")
    today = timezone.localdate()
    for actor in (worker, other_supervisor):
        with pytest.raises(PermissionDenied):
            erasure_decide(
                actor=actor, case=case, approved=True, basis="consent_withdrawn", requested_on=today
            )
    with pytest.raises(ValidationError, match="basis that fits"):
        erasure_decide(actor=supervisor, case=case, approved=True, basis="proceedings", requested_on=today)
    with pytest.raises(ValidationError, match="future"):
        erasure_decide(
            actor=supervisor,
            case=case,
            approved=False,
            basis="proceedings",
            requested_on=today + timedelta(days=1),
        )
    assert not ErasureDecision.objects.exists()
    assert Person.objects.filter(case=case, family_name__isnull=False).count() == 2
    with pytest.raises(CommandError, match="may not decide"):
        call_command(
            "erasure", "decide", case.number, "--by", worker.username, "--approve",
            "--basis", "consent_withdrawn", "--requested-on", today.isoformat(),
        )  # fmt: skip
    call_command(
        "erasure", "decide", case.number, "--by", supervisor.username, "--refuse",
        "--basis", "legal_duty", "--requested-on", today.isoformat(),
    )  # fmt: skip
    assert ErasureDecision.objects.get().basis == "legal_duty"
