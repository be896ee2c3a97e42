"""GBVIMS classification, case context and reporting-delay bands (gbv-standards.md)."""

from datetime import date

import pytest

from qorgau.cases.classification import QUESTIONS, add_months, age_on, case_contexts, classify, delay_band

FIELDS = [q[0] for q in QUESTIONS]


def answers(*yes):
    return {f: f in yes for f in FIELDS}


@pytest.mark.parametrize(
    "yes,expected",
    [
        (("q_penetration", "q_physical_assault", "q_psychological"), "rape"),
        (("q_sexual_contact", "q_physical_assault"), "sexual_assault"),
        (("q_physical_assault", "q_forced_marriage", "q_denial"), "physical_assault"),
        (("q_forced_marriage", "q_psychological"), "forced_marriage"),
        (("q_denial", "q_psychological"), "denial"),
        (("q_psychological",), "psychological"),
        ((), "non_gbv"),
    ],
)
def test_first_yes_in_the_fixed_order_wins(yes, expected):
    assert classify(answers(*yes)) == expected


def test_questions_are_in_the_reference_order():
    assert FIELDS == [
        "q_penetration",
        "q_sexual_contact",
        "q_physical_assault",
        "q_forced_marriage",
        "q_denial",
        "q_psychological",
    ]


def contexts(gbv_type, relationships=(), age=30, money=False, abduction=False, practice="none"):
    return case_contexts(
        gbv_type=gbv_type,
        relationships=relationships,
        survivor_age=age,
        money_or_goods_exchanged=money,
        abduction=abduction,
        harmful_practice=practice,
    )


def test_intimate_partner_violence_for_any_type_with_a_partner():
    assert contexts("denial", ["former_partner"]) == ["ipv"]
    assert contexts("physical_assault", ["in_law"]) == []


def test_child_sexual_abuse_and_early_marriage_depend_on_age_at_the_incident():
    assert contexts("rape", age=17) == ["child_sexual_abuse"]
    assert contexts("rape", age=18) == []
    assert contexts("forced_marriage", age=15) == ["early_marriage"]
    assert contexts("forced_marriage", age=None) == []


def test_exploitation_slavery_and_harmful_practice():
    assert contexts("sexual_assault", money=True) == ["sexual_exploitation"]
    assert contexts("rape", abduction=True) == ["sexual_slavery"]
    assert contexts("physical_assault", abduction=True) == []
    assert contexts("forced_marriage", practice="bride_kidnapping") == ["harmful_practice"]
    assert contexts("non_gbv", ["current_partner"], practice="other") == []


@pytest.mark.parametrize(
    "occurred,reported,band",
    [
        (date(2026, 3, 1), date(2026, 3, 1), "0-3d"),
        (date(2026, 3, 1), date(2026, 3, 4), "0-3d"),  # day 3
        (date(2026, 3, 1), date(2026, 3, 5), "4-5d"),  # day 4
        (date(2026, 3, 1), date(2026, 3, 6), "4-5d"),
        (date(2026, 3, 1), date(2026, 3, 7), "6-14d"),
        (date(2026, 3, 1), date(2026, 3, 15), "6-14d"),
        (date(2026, 3, 1), date(2026, 3, 16), "15d-1m"),
        (date(2026, 3, 1), date(2026, 4, 1), "15d-1m"),  # exactly one calendar month
        (date(2026, 3, 1), date(2026, 4, 2), "gt1m"),
        (date(2026, 1, 31), date(2026, 2, 28), "15d-1m"),  # month end clamps
        (date(2026, 1, 31), date(2026, 3, 1), "gt1m"),
        (date(2028, 1, 31), date(2028, 2, 29), "15d-1m"),  # leap year
    ],
)
def test_reporting_delay_bands_at_their_edges(occurred, reported, band):
    assert delay_band(occurred, reported) == band


def test_report_before_incident_is_refused():
    with pytest.raises(ValueError):
        delay_band(date(2026, 3, 2), date(2026, 3, 1))


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_age_on_birthday_edges():
    assert age_on(date(2009, 5, 10), None, date(2027, 5, 9)) == 17
    assert age_on(date(2009, 5, 10), None, date(2027, 5, 10)) == 18
    assert age_on(None, 2000, date(2026, 1, 1)) == 26
    assert age_on(None, None, date(2026, 1, 1)) is None
