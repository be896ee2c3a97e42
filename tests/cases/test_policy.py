"""The one access policy: holder, consent-covered shares, emergency grants, nobody else."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases import policies, selectors, services
from qorgau.cases.models import CaseShare


@pytest.fixture
def world(make_user, make_agency, open_case):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE)
    police = make_agency(Agency.Kind.POLICE)
    worker = make_user(Role.CASEWORKER, agency=centre)
    supervisor = make_user(Role.SUPERVISOR, agency=centre)
    officer = make_user(Role.POLICE_OFFICER, agency=police)
    case = open_case(
        worker,
        consents=[
            {"purpose": "referral", "recipient_kind": "police", "method": "written", "given_by": "survivor"},
            {
                "purpose": "share",
                "recipient_kind": "police",
                "sections": ["general", "legal"],
                "method": "written",
                "given_by": "survivor",
            },
        ],
    )
    return {
        "centre": centre,
        "police": police,
        "worker": worker,
        "supervisor": supervisor,
        "officer": officer,
        "case": case,
    }


def referral_share(world, sections=("general", "legal", "health")):
    return CaseShare.objects.create(
        case=world["case"],
        agency=world["police"],
        source=CaseShare.Source.REFERRAL,
        sections=list(sections),
        granted_by=world["worker"],
    )


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR, Role.PSYCHOLOGIST, Role.SHELTER_STAFF])
def test_holding_agency_case_roles_see_everything(world, make_user, role):
    access = policies.case_access(make_user(role, agency=world["centre"]), world["case"])
    assert access.is_holder and access.sections == policies.ALL_SECTIONS and access.contact


@pytest.mark.parametrize(
    "role", [Role.AGENCY_ADMIN, Role.ANALYST, Role.CAMPAIGN_COORDINATOR, Role.SYSTEM_ADMIN]
)
def test_roles_without_case_work_see_nothing_even_at_the_holding_agency(world, make_user, role):
    assert not policies.case_access(make_user(role, agency=world["centre"]), world["case"]).can_view


def test_another_agency_sees_nothing_without_a_share(world):
    assert not policies.case_access(world["officer"], world["case"]).can_view
    with pytest.raises(Http404):
        selectors.case_detail(actor=world["officer"], case_id=world["case"].pk)


def test_referral_share_opens_only_consented_sections(world):
    referral_share(world)
    access = policies.case_access(world["officer"], world["case"])
    assert access.level == "shared" and access.sections == {"general", "legal"}  # health not consented
    assert not access.contact  # no contact consent
    detail = selectors.case_detail(actor=world["officer"], case_id=world["case"].pk)
    assert set(detail.notes) == {"general", "legal"}
    assert detail.survivor.phones is None and detail.survivor.address is None and detail.contact_times is None
    assert detail.survivor.iin  # legal section: official identification
    assert detail.consents is None and detail.shares is None  # sharing decisions stay with the holder


def test_withdrawing_consent_ends_access_at_once(world):
    referral_share(world)
    assert policies.case_access(world["officer"], world["case"]).can_view
    referral = world["case"].consents.get(purpose="referral")
    services.consent_withdraw(actor=world["worker"], case=world["case"], consent_id=referral.pk)
    assert not policies.case_access(world["officer"], world["case"]).can_view
    assert selectors.case_list(actor=world["officer"]) == []


def test_withdrawing_the_sharing_consent_closes_the_sections(world):
    referral_share(world)
    services.consent_withdraw(
        actor=world["worker"], case=world["case"], consent_id=world["case"].consents.get(purpose="share").pk
    )
    access = policies.case_access(world["officer"], world["case"])
    # The referral itself still stands: the police can recognise her, and see nothing else.
    assert access.can_view and access.sections == frozenset() and not access.contact
    detail = selectors.case_detail(actor=world["officer"], case_id=world["case"].pk)
    assert detail.notes == {} and detail.incidents == [] and detail.people == []
    assert detail.survivor.name and detail.survivor.iin is None and detail.survivor.phones is None


def test_expired_consent_gives_nothing(world):
    referral_share(world)
    world["case"].consents.update(expires_on=timezone.localdate())
    assert policies.case_access(world["officer"], world["case"]).can_view
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert not policies.case_access(world["officer"], world["case"]).can_view


def test_revoked_share_gives_nothing(world):
    share = referral_share(world)
    share.revoked_at = timezone.now()
    share.save()
    assert not policies.case_access(world["officer"], world["case"]).can_view


def test_consent_for_one_agency_does_not_cover_another_of_the_same_type(world, make_agency, make_user):
    case = world["case"]
    case.consents.all().delete()
    services.consent_record(
        actor=world["worker"],
        case=case,
        data={
            "purpose": "referral",
            "recipient_agency": world["police"],
            "method": "written",
            "given_by": "survivor",
        },
    )
    services.consent_record(
        actor=world["worker"],
        case=case,
        data={
            "purpose": "share",
            "recipient_agency": world["police"],
            "sections": ["general"],
            "method": "written",
            "given_by": "survivor",
        },
    )
    other_police = make_agency(Agency.Kind.POLICE)
    CaseShare.objects.create(
        case=case, agency=other_police, source="referral", sections=["general"], granted_by=world["worker"]
    )
    referral_share(world)
    assert policies.case_access(world["officer"], case).sections == {"general"}
    assert not policies.case_access(make_user(Role.POLICE_OFFICER, agency=other_police), case).can_view


def test_emergency_grant_needs_a_supervisor_and_a_reason(world):
    with pytest.raises(PermissionDenied):
        services.emergency_grant(
            actor=world["worker"],
            case=world["case"],
            agency=world["police"],
            sections=["general"],
            hours=24,
            reason="x" * 30,
        )
    with pytest.raises(ValidationError):
        services.emergency_grant(
            actor=world["supervisor"],
            case=world["case"],
            agency=world["police"],
            sections=["general"],
            hours=24,
            reason="too short",
        )


def test_emergency_grant_opens_access_until_it_expires_and_is_flagged_for_review(world, make_user):
    world["case"].consents.all().delete()  # no consent at all: the exception is exactly for this
    share = services.emergency_grant(
        actor=world["supervisor"],
        case=world["case"],
        agency=world["police"],
        sections=["general", "safety"],
        hours=24,
        reason="Threats to kill her tonight; police must act now.",
    )
    access = policies.case_access(world["officer"], world["case"])
    assert access.via == ("emergency",) and access.sections == {"general", "safety"} and access.contact
    other_supervisor = make_user(Role.SUPERVISOR, agency=world["centre"])
    assert selectors.emergency_grant_list_to_review(actor=other_supervisor) == [share]
    assert selectors.emergency_grant_list_to_review(actor=world["supervisor"]) == []  # not one's own
    with pytest.raises(PermissionDenied):
        services.emergency_review(
            actor=world["supervisor"], case=world["case"], share_id=share.pk, note="fine"
        )
    services.emergency_review(
        actor=other_supervisor, case=world["case"], share_id=share.pk, note="Justified: threats confirmed."
    )
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert not policies.case_access(world["officer"], world["case"]).can_view


def test_emergency_grant_can_be_revoked(world):
    share = services.emergency_grant(
        actor=world["supervisor"],
        case=world["case"],
        agency=world["police"],
        sections=["general"],
        hours=24,
        reason="Threats to kill her; urgent access.",
    )
    services.emergency_revoke(actor=world["supervisor"], case=world["case"], share_id=share.pk)
    assert not policies.case_access(world["officer"], world["case"]).can_view


def test_shared_agency_may_add_notes_only_in_its_sections(world):
    referral_share(world)
    services.note_add(actor=world["officer"], case=world["case"], section="legal", body="Statement taken.")
    with pytest.raises(PermissionDenied):
        services.note_add(actor=world["officer"], case=world["case"], section="health", body="x")


def test_shared_agency_cannot_edit_the_case_or_consents(world):
    referral_share(world)
    with pytest.raises(PermissionDenied):
        services.case_update(
            actor=world["officer"], case=world["case"], expected_version=1, changes={"priority": "high"}
        )
    with pytest.raises(PermissionDenied):
        services.consent_record(
            actor=world["officer"], case=world["case"], data={"purpose": "statistics", "method": "written"}
        )


def test_timeline_of_a_shared_agency_omits_sharing_decisions_and_closed_sections(world):
    referral_share(world)
    services.note_add(actor=world["worker"], case=world["case"], section="health", body="Clinic visit.")
    case, access = selectors.case_get(actor=world["officer"], case_id=world["case"].pk)
    kinds = [
        (e.kind, e.section) for e in selectors.case_timeline(actor=world["officer"], case=case, access=access)
    ]
    assert ("consent_recorded", "holder") not in kinds and ("note_added", "health") not in kinds
    assert ("case_opened", "") in kinds
