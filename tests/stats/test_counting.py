"""What is counted: consented incidents only, once across agencies, in the right categories."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.stats.conftest import STATISTICS

from qorgau.accounts.models import Agency
from qorgau.cases import services
from qorgau.stats import registry
from qorgau.stats.models import Fact, IncidentFact
from qorgau.stats.refresh import rebuild

OTHER_IIN = "900101400416"


@pytest.fixture
def police(make_user, make_agency):
    return make_user(
        "police_officer", agency=make_agency(Agency.Kind.POLICE, name="Police S"), username="s.police"
    )


def counted():
    return IncidentFact.objects.count()


def test_only_incidents_with_her_consent_to_statistics_are_counted(caseworker, open_case):
    open_case(caseworker, consents=[STATISTICS])
    open_case(caseworker, survivor={"iin": OTHER_IIN, "phones": ["+77000000102"]})  # no consent
    refresh = rebuild()
    assert counted() == 1 and refresh.incidents_counted == 1


def test_a_withdrawn_consent_leaves_the_figures_at_the_next_rebuild(caseworker, open_case):
    case = open_case(caseworker, consents=[STATISTICS])
    rebuild()
    assert counted() == 1
    services.consent_withdraw(
        actor=caseworker, case=case, consent_id=case.consents.get(purpose="statistics").pk
    )
    rebuild()
    assert counted() == 0


def test_an_expired_consent_does_not_count(caseworker, open_case):
    open_case(caseworker, consents=[{**STATISTICS, "expires_on": timezone.localdate() + timedelta(days=1)}])
    rebuild(today=timezone.localdate() + timedelta(days=2))
    assert counted() == 0


def test_one_incident_recorded_by_two_agencies_counts_once(caseworker, police, open_case):
    open_case(caseworker, consents=[STATISTICS])
    open_case(police, consents=[STATISTICS], survivor={"phones": []})  # same IIN, same day and type
    refresh = rebuild()
    assert counted() == 1 and refresh.duplicates == 1


def test_the_same_phone_joins_records_without_an_iin(caseworker, police, open_case):
    open_case(caseworker, consents=[STATISTICS])
    open_case(police, consents=[STATISTICS], survivor={"iin": ""})  # only the phone in common
    assert rebuild().duplicates == 1


def test_a_shared_phone_does_not_join_two_women_with_different_iins(caseworker, police, open_case):
    open_case(caseworker, consents=[STATISTICS])
    open_case(police, consents=[STATISTICS], survivor={"iin": OTHER_IIN})  # a relative's phone
    assert rebuild().duplicates == 0 and counted() == 2


def test_another_type_or_day_is_another_incident(caseworker, police, open_case):
    open_case(caseworker, consents=[STATISTICS])
    open_case(police, consents=[STATISTICS], incident={"q_physical_assault": False})  # psychological
    open_case(
        police, consents=[STATISTICS], incident={"occurred_on": timezone.localdate() - timedelta(days=5)}
    )
    assert rebuild().duplicates == 0 and counted() == 3


def test_every_dimension_lands_in_its_category(caseworker, open_case):
    today = timezone.localdate()
    case = open_case(
        caseworker,
        consents=[{**STATISTICS, "given_by": "guardian", "guardian_name": "Гүлнар"}],
        survivor={"birth_date": date(today.year - 16, 1, 1), "disability": "sensory", "iin": ""},
        incident={
            "q_penetration": True,
            "occurred_on": today - timedelta(days=5),
            "money_or_goods_exchanged": True,
        },
    )
    rebuild()
    fact = IncidentFact.objects.get()
    assert (fact.gbv_type, fact.age_band, fact.sex, fact.disability) == ("rape", "12-17", "F", "sensory")
    assert (fact.relationship, fact.delay_band, fact.entry_point, fact.region) == (
        "current_partner",
        "4-5d",
        "crisis_centre",
        "71",
    )
    assert fact.ctx_ipv and fact.ctx_child_sexual_abuse and fact.ctx_sexual_exploitation
    assert not fact.ctx_early_marriage and not fact.ctx_harmful_practice
    assert fact.month == date(today.year, today.month, 1)
    # Care windows after sexual violence: counted per kind, not given here.
    care = Fact.objects.filter(kind="care")
    assert {f.a for f in care} == {"pep", "emergency_contraception", "forensic"}
    assert not any(f.flag for f in care)
    assert case.pk  # the case itself is never in a fact


def test_a_dimension_contributed_by_another_app_is_counted(caseworker, open_case):
    case = open_case(caseworker, consents=[STATISTICS])
    incident_id = case.incidents.get().pk
    registry.register_dimension(
        registry.IncidentDimension(
            code="cyber_subtype",
            label="Cyber-violence",
            choices=lambda: [("none", "None"), ("image_abuse", "Image-based abuse")],
            values_for=lambda ids: {incident_id: "image_abuse"},
        )
    )
    try:
        rebuild()
        # other registered dimensions (the evidence app's "cyber") give their defaults beside it
        assert IncidentFact.objects.get().extra["cyber_subtype"] == "image_abuse"
    finally:
        registry.DIMENSIONS.pop("cyber_subtype")


def test_the_rebuild_leaves_an_audit_event_with_counts_only(caseworker, open_case):
    from qorgau.core.models import AuditEvent

    open_case(caseworker, consents=[STATISTICS])
    rebuild()
    event = AuditEvent.objects.filter(action="stats.refresh").get()
    assert event.detail == {"incidents": 1, "duplicates": 0, "facts": event.detail["facts"]}
    assert event.case_id is None
