"""A crisis centre holding one case; the police it referred the case to (legal and safety
sections shared with her consent); a health facility with an emergency grant of the safety
section; police of another region with nothing."""

import pytest
from django.utils import timezone


def share_by_referral(case, agency, sections, actor):
    """An accepted referral's share with her consents (what `referral_accept` leaves behind)."""
    from qorgau.cases.models import CaseShare, Consent
    from qorgau.cases.policies import access_changed

    for purpose, extra in (("referral", {}), ("share", {"sections": list(sections)})):
        Consent.objects.create(
            case=case, purpose=purpose, recipient_agency=agency, method="written", recorded_by=actor, **extra
        )
    CaseShare.objects.create(
        case=case, agency=agency, source="referral", sections=list(sections), granted_by=actor
    )
    access_changed()


@pytest.fixture
def pw(make_user, make_agency, open_case):
    from qorgau.accounts.models import Agency
    from qorgau.accounts.roles import Role
    from qorgau.cases.services import emergency_grant

    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre P")
    police = make_agency(Agency.Kind.POLICE, name="Police P")
    health = make_agency(Agency.Kind.HEALTH, name="Hospital P")
    far_police = make_agency(Agency.Kind.POLICE, region="75", name="Police far")
    worker = make_user(Role.CASEWORKER, agency=centre, username="p.worker")
    supervisor = make_user(Role.SUPERVISOR, agency=centre, username="p.supervisor")
    officer = make_user(Role.POLICE_OFFICER, agency=police, username="p.officer")
    colleague = make_user(Role.POLICE_OFFICER, agency=police, username="p.colleague")
    prosecutor = make_user(Role.PROSECUTOR, agency=police, username="p.prosecutor")
    doctor = make_user(Role.HEALTH_WORKER, agency=health, username="p.doctor")
    stranger = make_user(Role.POLICE_OFFICER, agency=far_police, username="p.stranger")
    case = open_case(worker)
    case.assigned_to = worker
    case.save(update_fields=["assigned_to"])
    share_by_referral(case, police, ["general", "legal", "safety"], worker)
    emergency_grant(
        actor=supervisor,
        case=case,
        agency=health,
        sections=["safety"],
        hours=48,
        reason="Injuries to check tonight",
    )
    return {
        "centre": centre,
        "police": police,
        "worker": worker,
        "supervisor": supervisor,
        "officer": officer,
        "colleague": colleague,
        "prosecutor": prosecutor,
        "doctor": doctor,
        "stranger": stranger,
        "case": case,
        "perpetrator": case.people.get(role="perpetrator"),
    }


def issue(pw, *, number="PO-1", actor=None, issued_at=None, starts_at=None, issue=True, **overrides):
    from qorgau.protection import services

    data = {
        "person_id": pw["perpetrator"].pk,
        "number": number,
        "issuing_unit": "District police, unit 3",
        "conditions": ["no_contact", "no_calls"],
        "conditions_text": "Keep away from her workplace.",
    }
    data.update(overrides)
    return services.protective_order_create(
        actor=actor or pw["officer"],
        case=pw["case"],
        issue=issue,
        issued_at=issued_at,
        starts_at=starts_at,
        **data,
    )


def serve(pw, order, *, actor=None, served_at=None, how="in_person"):
    from qorgau.protection import services

    return services.protective_order_serve(
        actor=actor or pw["officer"],
        case=pw["case"],
        order_id=order.pk,
        expected_version=order.version,
        served_at=served_at or timezone.now(),
        served_how=how,
    )
