"""Consent to "every agency of a type" says what it means, and defaults to her region (issue #16:
"all police-type agencies" silently covered every police department in the country)."""

import pytest
from django.core.exceptions import ValidationError

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases.models import Consent
from qorgau.directory.models import ServiceType
from qorgau.referrals import services as referral_services

COUNTRY_WIDE = "any agency of the type “Police” anywhere in Kazakhstan"


@pytest.fixture
def held(make_user, make_agency, open_case, login_client):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Centre Scope")
    worker = make_user(Role.CASEWORKER, agency=centre, username="scope.worker")
    case = open_case(worker)
    login_client(worker)
    return {
        "case": case,
        "worker": worker,
        "police_here": make_agency(Agency.Kind.POLICE, region="71", name="Police Here"),
        "police_away": make_agency(Agency.Kind.POLICE, region="75", name="Police Away"),
    }


def _consent(client, case, **extra):
    data = {"purpose": "referral", "recipient_kind": "police", "method": "written", "given_by": "survivor"}
    response = client.post(f"/cases/{case.pk}/consents/", {**data, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Consent.objects.filter(case=case, purpose="referral").latest("recorded_at")


def _refer(held, agency):
    return referral_services.referral_send(
        actor=held["worker"],
        case=held["case"],
        service=ServiceType.objects.get(pk="police_report"),
        to_agency=agency,
    )


def test_the_consent_form_says_what_a_type_means_and_offers_her_region_first(client, held):
    # The form is fetched when its <details> opens (the case page does not carry its options).
    page = client.get(f"/cases/{held['case'].pk}/consents/form/").content.decode()
    assert "any police department in Kazakhstan" in page
    assert 'name="recipient_scope" value="region" id="id_recipient_scope_0" checked>' in page
    assert "Only in her region (Astana)" in page


def test_a_consent_to_a_type_covers_only_her_region_by_default(client, held):
    consent = _consent(client, held["case"])
    assert consent.recipient_region_id == "71"
    assert _refer(held, held["police_here"]).to_agency == held["police_here"]
    with pytest.raises(ValidationError) as refused:
        _refer(held, held["police_away"])
    assert "has not agreed" in " ".join(refused.value.messages)
    page = client.get(f"/cases/{held['case'].pk}/").content.decode()
    assert "any agency of the type “Police” in Astana" in page


def test_the_whole_country_is_chosen_and_said_plainly(client, held):
    consent = _consent(client, held["case"], recipient_scope="country")
    assert consent.recipient_region_id is None
    assert _refer(held, held["police_away"]).to_agency == held["police_away"]
    page = client.get(f"/cases/{held['case'].pk}/").content.decode()
    assert COUNTRY_WIDE in page


def test_the_referral_page_says_what_her_consent_covers(client, held):
    _consent(client, held["case"], recipient_scope="country")
    page = client.get(f"/referrals/new/?case={held['case'].pk}&service=police_report").content.decode()
    assert "Her consent to be referred covers:" in page and COUNTRY_WIDE in page


def test_intake_consent_to_a_type_defaults_to_her_region(client, make_user, login_client):
    from tests.cases.test_intake import STEP1, STEP3, run_wizard

    worker = make_user(Role.CASEWORKER)
    login_client(worker)
    run_wizard(client, one={**STEP1, "region": "75"}, three=STEP3)
    regions = set(
        Consent.objects.filter(recipient_kind="police").values_list("recipient_region_id", flat=True)
    )
    assert regions == {"75"}
    Consent.objects.all().delete()
    run_wizard(client, three={**STEP3, "referral_scope": "country"})
    regions = set(
        Consent.objects.filter(recipient_kind="police").values_list("recipient_region_id", flat=True)
    )
    assert regions == {None}
