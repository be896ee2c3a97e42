"""Each conference referral criterion, fed with a real case's data, including the window edges."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from tests.helpers import incident_data
from tests.risk.helpers import assess

from qorgau.cases import services as case_services
from qorgau.cases.models import CaseEvent
from qorgau.core.models import AuditEvent
from qorgau.notifications.models import Notification
from qorgau.risk import selectors, services
from qorgau.risk.levels import RiskLevel
from qorgau.risk.models import ConferenceReferral

TODAY = datetime(2026, 3, 15, 11, 0, tzinfo=ZoneInfo("Asia/Almaty"))
HIM = ("current_partner", {"family_name": "Жандосов", "given_name": "Ерлан", "sex": "M"})
HIM_LATIN = ("current_partner", {"family_name": "Zhandosov", "given_name": "Erlan", "sex": "M"})
OTHER = ("in_law", {"family_name": "Серіков", "given_name": "Марат", "sex": "M"})


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def case_with(world, open_case, dated):
    """A case whose incidents are (date, perpetrator) — the first opens the case."""
    (first, who), *rest = dated
    case = open_case(world["worker"], incident={"occurred_on": first, "reported_on": first}, perpetrator=who)
    for day, perpetrator in rest:
        case_services.incident_add(
            actor=world["worker"],
            case=case,
            perpetrator=perpetrator,
            fields=incident_data(occurred_on=day, reported_on=day),
        )
    return case


def codes(case):
    return selectors.proposal_for(case).check.codes


def test_high_risk_by_the_instrument(risk_world, open_case, client, login_client):
    case = case_with(risk_world, open_case, [(date(2026, 3, 10), HIM)])
    assess(risk_world["worker"], case, yes=13)
    assert codes(case) == ()
    assess(risk_world["worker"], case, yes=14)
    assert codes(case) == ("high_risk",)
    login_client(risk_world["worker"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Proposed for the multi-agency risk conference" in page
    assert "High risk by the instrument" in page and "The latest assessment gives High." in page


def test_professional_judgement_to_high_is_a_criterion_and_below_high_is_not(risk_world, open_case):
    case = case_with(risk_world, open_case, [(date(2026, 3, 10), HIM)])
    assess(
        risk_world["worker"],
        case,
        yes=3,
        judgement_level=RiskLevel.MEDIUM,
        reason="She fears for the children.",
    )
    assert codes(case) == ()
    assess(risk_world["worker"], case, yes=11, judgement_level=RiskLevel.HIGH, reason="He bought a knife.")
    proposal = selectors.proposal_for(case)
    assert proposal.check.codes == ("judgement",) and proposal.propose
    assert proposal.check.criteria[0].describe() == "Professional judgement: He bought a knife."


@pytest.mark.parametrize("oldest,fires", [(date(2025, 3, 15), True), (date(2025, 3, 14), False)])
def test_escalation_counts_three_incidents_within_twelve_calendar_months(
    risk_world, open_case, oldest, fires
):
    case = case_with(
        risk_world, open_case, [(oldest, HIM), (date(2025, 9, 1), HIM_LATIN), (date(2026, 3, 1), HIM)]
    )
    proposal = selectors.proposal_for(case)
    assert proposal.check.codes == (("escalation",) if fires else ())
    if fires:
        assert proposal.check.criteria[0].incident_dates == (oldest, date(2025, 9, 1), date(2026, 3, 1))


def test_escalation_needs_the_same_perpetrator_and_counts_unknown_ones_with_him(risk_world, open_case):
    case = case_with(
        risk_world, open_case, [(date(2025, 6, 1), HIM), (date(2025, 9, 1), OTHER), (date(2026, 3, 1), HIM)]
    )
    assert codes(case) == ()  # two men, two and one incidents
    case_services.incident_add(
        actor=risk_world["worker"],
        case=case,
        perpetrator=None,
        fields=incident_data(occurred_on=date(2026, 2, 1), reported_on=date(2026, 2, 1)),
    )
    assert codes(case) == ("escalation",)  # not recorded who: it may have been him


def refer_on(case, world, day, status="heard"):
    referral = ConferenceReferral.objects.create(
        case=case,
        region_id="71",
        status=status,
        criteria=[{"code": "high_risk", "count": None}],
        level=3,
        basis="consent",
        referred_by=world["worker"],
        agency=world["centre"],
    )
    ConferenceReferral.objects.filter(pk=referral.pk).update(
        referred_at=datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo("Asia/Almaty")).replace(
            hour=15
        )
    )
    return referral


@pytest.mark.parametrize(
    "incident,fires", [(date(2025, 6, 10), False), (date(2025, 6, 11), True), (date(2026, 3, 15), True)]
)
def test_repeat_incident_after_a_referral_even_below_the_thresholds(risk_world, open_case, incident, fires):
    case = case_with(risk_world, open_case, [(date(2025, 6, 1), HIM)])
    refer_on(case, risk_world, date(2025, 6, 10))
    assess(risk_world["worker"], case, yes=2)  # standard risk
    case_services.incident_add(
        actor=risk_world["worker"],
        case=case,
        perpetrator=HIM,
        fields=incident_data(occurred_on=incident, reported_on=date(2026, 3, 15)),
    )
    assert codes(case) == (("repeat",) if fires else ())


@pytest.mark.parametrize("incident,fires", [(date(2025, 12, 1), True), (date(2025, 12, 2), False)])
def test_the_repeat_window_ends_twelve_months_after_the_referral(risk_world, open_case, incident, fires):
    case = case_with(risk_world, open_case, [(date(2024, 11, 20), HIM)])
    refer_on(case, risk_world, date(2024, 12, 1))
    case_services.incident_add(
        actor=risk_world["worker"],
        case=case,
        perpetrator=HIM,
        fields=incident_data(occurred_on=incident, reported_on=incident),
    )
    assert codes(case) == (("repeat",) if fires else ())


def test_after_a_referral_only_something_new_proposes_again(risk_world, open_case):
    worker, case = risk_world["worker"], None
    with time_machine.travel(datetime(2026, 1, 10, 10, tzinfo=ZoneInfo("Asia/Almaty")), tick=False):
        case = case_with(risk_world, open_case, [(date(2026, 1, 5), HIM)])
        assess(worker, case, yes=15)
        referral = services.conference_refer(actor=worker, case=case, basis="consent")
    proposal = selectors.proposal_for(case)
    assert proposal.open_referral == referral and not proposal.propose
    ConferenceReferral.objects.filter(pk=referral.pk).update(status="heard")
    assert codes(case) == ()  # the same high assessment already went to a conference
    assess(worker, case, yes=16)
    assert codes(case) == ()  # re-assessed, still high: the conference heard that
    assess(worker, case, yes=16, judgement_level=RiskLevel.EXTREME, reason="He was released from custody.")
    assert codes(case) == ("high_risk", "judgement")  # higher than at the referral
    with time_machine.travel(datetime(2027, 1, 11, 10, tzinfo=ZoneInfo("Asia/Almaty")), tick=False):
        ConferenceReferral.objects.filter(pk=referral.pk).update(level=4)
        assert codes(case) == ("high_risk", "judgement")  # a year on, the current level counts afresh


def test_referring_records_the_criteria_and_tells_the_coordinator(risk_world, open_case):
    worker, case = risk_world["worker"], case_with(risk_world, open_case, [(date(2026, 3, 1), HIM)])
    with pytest.raises(ValidationError) as nothing:
        services.conference_refer(actor=worker, case=case, basis="consent")
    assert "No referral criterion holds" in nothing.value.messages[0]
    assess(worker, case, yes=14)
    referral = services.conference_refer(actor=worker, case=case, basis="consent")
    assert referral.criteria == [{"code": "high_risk", "count": None}] and referral.level == RiskLevel.HIGH
    assert referral.region_id == "71" and referral.status == "waiting"
    [note] = Notification.objects.filter(kind="risk_referral_waiting")
    assert note.user == risk_world["coordinator"] and note.params == {"number": case.number}
    assert CaseEvent.objects.filter(case=case, kind="conference_referred", section="safety").exists()
    assert AuditEvent.objects.get(action="conference_referral.create").detail == {
        "criteria": ["high_risk"],
        "basis": "consent",
    }
    with pytest.raises(ValidationError):  # already waiting
        services.conference_refer(actor=worker, case=case, basis="consent")


def test_without_her_agreement_only_a_supervisor_refers_and_says_why(risk_world, open_case):
    case = case_with(risk_world, open_case, [(date(2026, 3, 1), HIM)])
    assess(risk_world["worker"], case, yes=14)
    with pytest.raises(PermissionDenied):
        services.conference_refer(
            actor=risk_world["worker"],
            case=case,
            basis="risk_to_life",
            reason="He said he would kill her this weekend.",
        )
    with pytest.raises(ValidationError) as short:
        services.conference_refer(
            actor=risk_world["supervisor"], case=case, basis="risk_to_life", reason="danger"
        )
    assert "reason" in short.value.message_dict
    referral = services.conference_refer(
        actor=risk_world["supervisor"],
        case=case,
        basis="risk_to_life",
        reason="He said he would kill her this weekend.",
    )
    assert referral.basis == "risk_to_life" and referral.basis_reason.startswith("He said")
    with pytest.raises(PermissionDenied):  # another agency never refers someone else's case
        services.conference_refer(actor=risk_world["officer"], case=case, basis="consent")


def test_the_referral_form_on_the_case_page(risk_world, open_case, client, login_client):
    case = case_with(risk_world, open_case, [(date(2026, 3, 1), HIM)])
    assess(risk_world["worker"], case, yes=14)
    login_client(risk_world["worker"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="risk_to_life"' not in page  # a caseworker refers only with her agreement
    response = client.post(f"/risk/cases/{case.pk}/conference-referral/", {"basis": "consent"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The case was referred to the risk conference" in page and "waiting for an agenda" in page
    again = client.post(f"/risk/cases/{case.pk}/conference-referral/", {"basis": "nonsense"}, follow=True)
    assert "The case was not referred" in again.content.decode()
    assert ConferenceReferral.objects.count() == 1
