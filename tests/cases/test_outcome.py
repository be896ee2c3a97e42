"""Her death recorded on the case: by the holding agency only, audited, on the timeline."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qorgau.accounts.models import Agency
from qorgau.cases import services
from qorgau.cases.models import CaseEvent, CaseOutcome
from qorgau.core.models import AuditEvent


def test_the_holding_agency_records_her_death(make_user, make_agency, open_case, api_client):
    worker = make_user("caseworker", agency=make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre O"))
    case = open_case(worker)
    response = api_client(worker).post(
        f"/api/v1/cases/{case.pk}/outcomes/",
        {"kind": "killed", "occurred_on": str(timezone.localdate())},
        format="json",
    )
    assert response.status_code == 201, response.json()
    outcome = CaseOutcome.objects.get(case=case)
    assert outcome.kind == "killed"
    assert CaseEvent.objects.filter(case=case, kind="outcome_recorded", params={"outcome": "killed"}).exists()
    assert AuditEvent.objects.filter(
        action="case.outcome_record", case_id=case.pk, detail={"kind": "killed"}
    ).exists()


def test_bad_outcomes_are_refused_and_change_nothing(make_user, make_agency, open_case, api_client):
    worker = make_user("caseworker", agency=make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre P"))
    case = open_case(worker)
    api = api_client(worker)
    future = str(timezone.localdate() + timedelta(days=1))
    for body in ({"kind": "vanished", "occurred_on": future}, {"kind": "killed", "occurred_on": future}, {}):
        response = api.post(f"/api/v1/cases/{case.pk}/outcomes/", body, format="json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    assert not CaseOutcome.objects.exists()
    with pytest.raises(ValidationError):
        services.case_outcome_record(actor=worker, case=case, kind="killed", occurred_on=None)


def test_another_agency_cannot_record_it(make_user, make_agency, open_case, api_client):
    worker = make_user("caseworker", agency=make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre R"))
    stranger = make_user("caseworker", agency=make_agency(Agency.Kind.POLICE, name="Police R"))
    case = open_case(worker)
    response = api_client(stranger).post(
        f"/api/v1/cases/{case.pk}/outcomes/",
        {"kind": "killed", "occurred_on": str(timezone.localdate())},
        format="json",
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.case_outcome_record(
            actor=stranger, case=case, kind="killed", occurred_on=timezone.localdate()
        )
    assert not CaseOutcome.objects.exists()
