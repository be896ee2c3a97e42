"""Choosing whom to send her to (issue #16): pickers offer only agencies that take cases and
provide the chosen service, her region first; never the operator, an akimat or the National
Commission; people pickers show names with agencies, only of agencies taking part in the case."""

import re

import pytest
from django.core.exceptions import ValidationError

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.directory.models import AgencyProfile, AgencyService, ServiceType
from qorgau.referrals import services

REGION, AWAY = "71", "75"  # Astana; another region


@pytest.fixture
def country(make_agency, make_user):
    """Agencies of every sort, here and elsewhere, and bodies that do not take cases."""
    made = {
        "police_away": make_agency(Agency.Kind.POLICE, region=AWAY, name="Aaa Police Away"),
        "police_here": make_agency(Agency.Kind.POLICE, region=REGION, name="Zzz Police Here"),
        "police_here_2": make_agency(Agency.Kind.POLICE, region=REGION, name="Mmm Police Here"),
        "health_here": make_agency(Agency.Kind.HEALTH, region=REGION, name="Health Here"),
        "akimat": make_agency(Agency.Kind.REGIONAL_AKIMAT, region=REGION, name="Akimat Here"),
        "operator": make_agency(Agency.Kind.OPERATOR, region=REGION, name="Platform Operator"),
        "commission": make_agency(Agency.Kind.NATIONAL_COMMISSION, region=REGION, name="National Commission"),
        "ngo_listing": make_agency(Agency.Kind.NGO, region=REGION, name="NGO Listing Police Help"),
        "ngo_other": make_agency(Agency.Kind.NGO, region=REGION, name="NGO Legal Only"),
    }
    # An NGO whose directory profile lists help with a police report provides it; one that
    # lists only legal aid does not, whatever its type.
    for key, code in (("ngo_listing", "police_report"), ("ngo_other", "legal_aid")):
        AgencyProfile.objects.create(agency=made[key])
        AgencyService.objects.create(agency=made[key], service_id=code)
    return made


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return [re.sub(r"\s+", " ", o).strip() for o in re.findall(r"<option [^>]*>([^<]*)</option>", select[1])]


def test_the_referral_picker_offers_only_providers_her_region_first(pathway, country, login_client, client):
    login_client(pathway["worker"])
    html = client.get(f"/referrals/new/?case={pathway['case'].pk}&service=police_report").content.decode()
    options = [o for o in _options(html, "to_agency") if o != "—"]
    names = [o.split(" — ")[0] for o in options]
    assert names == [
        "Mmm Police Here",
        "NGO Listing Police Help",
        "Police",  # the fixture's police, in Astana too
        "Zzz Police Here",
        "Aaa Police Away",  # another region comes after hers, whatever the alphabet says
    ]
    assert options[0].endswith("— Astana")
    assert "In her region" in html and "Other regions" in html
    for absent in (
        "Akimat Here",
        "Platform Operator",
        "National Commission",
        "Health Here",
        "NGO Legal Only",
    ):
        assert absent not in html


def test_the_consent_and_emergency_pickers_never_offer_bodies_that_take_no_cases(
    pathway, country, login_client, client
):
    login_client(pathway["supervisor"])
    # Both forms are fetched when opened (the case page does not carry their options).
    consent_form = client.get(f"/cases/{pathway['case'].pk}/consents/form/").content.decode()
    grant_form = client.get(f"/cases/{pathway['case'].pk}/emergency/form/").content.decode()
    for html, name in ((consent_form, "recipient_agency"), (grant_form, "agency")):
        options = _options(html, name)
        assert any(o.startswith("Zzz Police Here") for o in options)
        for absent in ("Akimat Here", "Platform Operator", "National Commission", "Centre —"):
            assert not any(o.startswith(absent) for o in options), (name, absent)
        here = [i for i, o in enumerate(options) if o.endswith("Astana")]
        away = [i for i, o in enumerate(options) if o.endswith("Abai Region") or "Away" in o]
        assert max(here) < min(away)


def test_the_plan_person_picker_shows_names_and_agencies_only_of_the_case(
    pathway, country, login_client, client, make_user, send
):
    stranger = make_user(Role.POLICE_OFFICER, agency=country["police_away"], username="far.officer")
    stranger.first_name = "Faraway"
    stranger.save()
    send()  # a referral to the fixture's police: they take part now
    login_client(pathway["worker"])
    html = client.get(f"/cases/{pathway['case'].pk}/plan/actions/").content.decode()  # the plan's form
    people = _options(html, "person")
    assert "Test cc.worker — Centre" in people and "Test police.officer — Police" in people
    assert not any("Faraway" in p or "far.officer" in p for p in people)
    assert not any(p.startswith("psych.one") for p in people)  # no referral to them yet
    agencies = _options(html, "agency")
    assert not any(a.startswith(("Platform Operator", "Akimat Here")) for a in agencies)


def test_a_referral_to_an_agency_that_does_not_provide_the_service_gives_the_true_reason(
    pathway, country, login_client, client
):
    """It said "she did not consent" — although she had, to every police department."""
    case = pathway["case"]
    with pytest.raises(ValidationError) as refused:
        services.referral_send(
            actor=pathway["worker"],
            case=case,
            service=ServiceType.objects.get(pk="medical"),
            to_agency=pathway["police"],
        )
    message = " ".join(refused.value.messages)
    assert "does not provide" in message and "Police" in message
    assert "agreed" not in message
    login_client(pathway["worker"])
    response = client.post(
        "/referrals/new/",
        {"case": case.pk, "service": "medical", "to_agency": pathway["police"].pk, "note": "Her words"},
    )
    assert response.status_code == 200
    assert "does not provide" in response.content.decode()
    assert "Her words" in response.content.decode()
    assert not case.referrals.exists()


def test_a_listed_service_makes_an_agency_a_provider_whatever_its_type(pathway, country):
    consent = {"purpose": "referral", "method": "written", "given_by": "survivor"}
    from qorgau.cases import services as case_services

    case_services.consent_record(
        actor=pathway["worker"],
        case=pathway["case"],
        data={**consent, "recipient_agency": country["ngo_listing"]},
    )
    referral = services.referral_send(
        actor=pathway["worker"],
        case=pathway["case"],
        service=ServiceType.objects.get(pk="police_report"),
        to_agency=country["ngo_listing"],
    )
    assert referral.to_agency == country["ngo_listing"]
