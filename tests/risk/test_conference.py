"""Risk conference referral criteria, with both sides of every window edge (calendar months,
leap years, the local day of an incident)."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qorgau.risk.conference import Criterion, conference_criteria
from qorgau.risk.levels import RiskLevel

NOW = date(2026, 3, 15)


def codes(**kwargs):
    kwargs.setdefault("level", RiskLevel.STANDARD)
    kwargs.setdefault("now", NOW)
    return conference_criteria(**kwargs).codes


# --- 1. high risk by the instrument -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "fires"),
    [
        (None, False),
        (RiskLevel.STANDARD, False),
        (RiskLevel.MEDIUM, False),
        (RiskLevel.HIGH, True),
        (RiskLevel.EXTREME, True),
    ],
)
def test_high_risk_by_the_instrument(level, fires):
    check = conference_criteria(level=level, now=NOW)
    assert check.refer is fires
    assert check.codes == (("high_risk",) if fires else ())


# --- 2. professional judgement ------------------------------------------------------------------------


def test_professional_judgement_with_a_reason_fires():
    check = conference_criteria(
        level=RiskLevel.MEDIUM, judgement=True, judgement_reason=" Threats to her sister. ", now=NOW
    )
    assert check.codes == ("judgement",)
    with translation.override("en"):
        assert check.criteria[0].describe() == "Professional judgement: Threats to her sister."


@pytest.mark.parametrize("reason", ["", "   "])
def test_professional_judgement_without_a_reason_is_refused(reason):
    with pytest.raises(ValidationError) as caught:
        conference_criteria(level=RiskLevel.MEDIUM, judgement=True, judgement_reason=reason, now=NOW)
    assert set(caught.value.message_dict) == {"judgement_reason"}


# --- 3. potential escalation: 3 or more incidents in the past 12 calendar months ------------------------


def test_exactly_twelve_months_ago_is_inside_the_window():
    assert codes(incident_dates=[date(2025, 3, 15), date(2025, 10, 1), NOW]) == ("escalation",)


def test_a_day_more_than_twelve_months_ago_is_outside():
    assert codes(incident_dates=[date(2025, 3, 14), date(2025, 10, 1), NOW]) == ()


def test_two_incidents_are_not_escalation_three_are():
    assert codes(incident_dates=[date(2025, 10, 1), date(2026, 1, 1)]) == ()
    assert codes(incident_dates=[date(2025, 10, 1), date(2026, 1, 1), date(2026, 1, 1)]) == ("escalation",)


@pytest.mark.parametrize(
    ("now", "inside", "outside"),
    [
        # 29 February has no twin a year earlier: the window starts on 28 February.
        (date(2028, 2, 29), date(2027, 2, 28), date(2027, 2, 27)),
        # A year after 28 February 2024 the window starts on 28 February: the 29th is inside.
        (date(2025, 2, 28), date(2024, 2, 29), date(2024, 2, 27)),
        (date(2025, 3, 1), date(2024, 3, 1), date(2024, 2, 29)),
        (date(2024, 2, 29), date(2023, 2, 28), date(2023, 2, 27)),
    ],
)
def test_escalation_window_across_leap_years(now, inside, outside):
    others = [now, now]
    assert codes(now=now, incident_dates=[inside, *others]) == ("escalation",)
    assert codes(now=now, incident_dates=[outside, *others]) == ()


def test_an_incident_counts_on_its_local_day():
    # 20:00 UTC on 14 March 2025 is 01:00 on 15 March in Astana: inside the window.
    late = datetime(2025, 3, 14, 20, 0, tzinfo=UTC)
    assert codes(incident_dates=[late, date(2025, 10, 1), NOW]) == ("escalation",)
    early = datetime(2025, 3, 14, 18, 0, tzinfo=UTC)  # 23:00 on the 14th in Astana
    assert codes(incident_dates=[early, date(2025, 10, 1), NOW]) == ()


def test_escalation_is_explained_with_its_incidents():
    check = conference_criteria(
        level=None, incident_dates=[date(2025, 3, 15), date(2025, 10, 1), NOW], now=NOW
    )
    (met,) = check.criteria
    assert met.criterion == Criterion.ESCALATION
    assert met.incident_dates == (date(2025, 3, 15), date(2025, 10, 1), NOW)
    with translation.override("en"):
        assert met.describe() == "3 incidents since 15 Mar 2025 (threshold: 3 within 12 months)."


def test_the_escalation_window_and_count_are_configurable(settings):
    incidents = [date(2025, 9, 15), NOW]
    settings.QORGAU_CONFERENCE_ESCALATION_INCIDENTS = 2
    settings.QORGAU_CONFERENCE_ESCALATION_MONTHS = 6
    assert codes(incident_dates=incidents) == ("escalation",)
    assert codes(incident_dates=[date(2025, 9, 14), NOW]) == ()
    assert codes(incident_dates=incidents, escalation_months=5) == ()


# --- 4. repeat: a new incident within 12 months of the last referral -----------------------------------

REFERRAL = date(2025, 6, 10)


@pytest.mark.parametrize(
    ("incident", "fires"),
    [
        (date(2025, 6, 10), False),  # the day of the referral: not new
        (date(2025, 6, 11), True),
        (date(2026, 6, 10), True),  # exactly 12 months after: inside
        (date(2026, 6, 11), False),
    ],
)
def test_repeat_window_edges(incident, fires):
    now = date(2026, 7, 1)
    assert codes(now=now, incident_dates=[incident], last_referral=REFERRAL) == (("repeat",) if fires else ())


def test_repeat_window_from_a_29_february_referral():
    now = date(2025, 6, 1)
    assert codes(now=now, incident_dates=[date(2025, 2, 28)], last_referral=date(2024, 2, 29)) == ("repeat",)
    assert codes(now=now, incident_dates=[date(2025, 3, 1)], last_referral=date(2024, 2, 29)) == ()


def test_repeat_refers_again_even_below_every_threshold():
    check = conference_criteria(
        level=RiskLevel.STANDARD, incident_dates=[date(2025, 12, 1)], last_referral=REFERRAL, now=NOW
    )
    assert check.refer and check.codes == ("repeat",)
    with translation.override("en"):
        assert check.criteria[0].describe() == (
            "New incident on 1 Dec 2025, within 12 months of the referral on 10 Jun 2025."
        )


def test_repeat_window_is_configurable(settings):
    settings.QORGAU_CONFERENCE_REPEAT_MONTHS = 3
    assert codes(incident_dates=[date(2025, 9, 10)], last_referral=REFERRAL) == ("repeat",)
    assert codes(incident_dates=[date(2025, 9, 11)], last_referral=REFERRAL) == ()


def test_no_referral_yet_means_no_repeat():
    assert codes(incident_dates=[date(2025, 12, 1)], last_referral=None) == ()


# --- together, and bad input ----------------------------------------------------------------------------


def test_every_criterion_can_fire_at_once_in_a_fixed_order():
    check = conference_criteria(
        level=RiskLevel.EXTREME,
        judgement=True,
        judgement_reason="Says he will come tonight.",
        incident_dates=[date(2025, 11, 1), date(2026, 1, 5), date(2026, 3, 1)],
        last_referral=date(2025, 10, 1),
        now=NOW,
    )
    assert check.codes == ("high_risk", "judgement", "escalation", "repeat")


def test_future_dates_are_refused():
    with pytest.raises(ValidationError) as caught:
        codes(incident_dates=[date(2026, 3, 16)])
    assert set(caught.value.message_dict) == {"incident_dates"}
    with pytest.raises(ValidationError) as caught:
        codes(last_referral=date(2026, 3, 16))
    assert set(caught.value.message_dict) == {"last_referral"}


def test_now_defaults_to_the_current_local_day(time_machine):
    time_machine.move_to(datetime(2026, 3, 14, 20, 0, tzinfo=UTC))  # 01:00 on 15 March in Astana
    check = conference_criteria(level=None, incident_dates=[date(2025, 3, 15), date(2025, 10, 1), NOW])
    assert check.codes == ("escalation",)
