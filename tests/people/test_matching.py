"""The matching model, signal by signal: each kind of difference between two agencies' records of
one woman still finds her, and her relatives are not taken for her."""

from datetime import date

import pytest

from qorgau.core.iin import make_iin
from qorgau.people.matching import (
    DEFAULT_THRESHOLD,
    Record,
    candidate_pairs,
    compare,
    date_variants,
    iin_corrections,
    prepare,
)

IIN = make_iin(date(1990, 3, 14), "F", 123)
HER = Record(
    given_name="Айгүл",
    surname="Жандосова",
    patronymic="Қайратқызы",
    birth_date=date(1990, 3, 14),
    sex="F",
    iin=IIN,
    phones=("77000000101",),
    region="75",
)


def same(a, b) -> float:
    return compare(a, b).probability


def variant(**changes) -> Record:
    data = {**HER.__dict__, **changes}
    return Record(**data)


def test_the_same_record_matches():
    assert same(HER, HER) > 0.999


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(
            variant(given_name="AIGUL", surname="ZHANDOSOVA", patronymic="KAIRATOVNA"), id="passport-latin"
        ),
        pytest.param(
            variant(given_name="Aigül", surname="Jandosova", patronymic="Qairatqyzy"), id="latin-2021"
        ),
        pytest.param(
            variant(given_name="Айгуль", surname="Жандосова", patronymic="Кайратовна"), id="russian"
        ),
        pytest.param(variant(surname="Жандос"), id="no-russian-ending"),
        pytest.param(variant(given_name="Айгул", surname="Жандасова"), id="one-letter-typo"),
        pytest.param(variant(given_name="Жандосова", surname="Айгүл"), id="swapped-order"),
        pytest.param(variant(patronymic=""), id="missing-patronymic"),
    ],
)
def test_names_across_scripts_and_typos_match(other):
    # Names alone carry it with the birth date: no IIN, no phone on the other record.
    plain = variant(iin="", phones=())
    assert same(plain, Record(**{**other.__dict__, "iin": "", "phones": ()})) > DEFAULT_THRESHOLD


def test_transposed_iin_digits_still_match():
    digits = list(IIN)
    digits[8], digits[9] = digits[9], digits[8]
    other = variant(iin="".join(digits), phones=())
    result = compare(HER, other)
    assert result.probability > DEFAULT_THRESHOLD
    assert "IIN one digit or one transposition apart" in result.explain()


@pytest.mark.parametrize(
    ("born", "reason"),
    [(date(1990, 3, 15), "birth date one digit apart"), (date(1980, 3, 14), "birth date one digit apart")],
)
def test_birth_date_typos_still_match(born, reason):
    other = variant(birth_date=born, iin="", phones=())
    result = compare(variant(iin="", phones=()), other)
    assert result.probability > DEFAULT_THRESHOLD
    assert reason in result.reasons


def test_day_and_month_swapped():
    her = variant(birth_date=date(1990, 3, 11), iin="", phones=())
    other = variant(birth_date=date(1990, 11, 3), iin="", phones=())
    result = compare(her, other)
    assert result.probability > DEFAULT_THRESHOLD
    assert "birth date with day and month swapped" in result.reasons


def test_phone_alone_with_the_names():
    her = variant(iin="", birth_date=None)
    other = variant(iin="", birth_date=None, given_name="Aigul", surname="Zhandosova")
    result = compare(her, other)
    assert result.probability > DEFAULT_THRESHOLD and "same phone number" in result.reasons


def test_reasons_are_in_words_strongest_first():
    result = compare(HER, variant(given_name="Aigyl", iin=""))
    assert result.reasons[0] in {"same phone number", "same birth date"}
    assert "given name one letter apart" in result.reasons
    assert "surname matches across scripts" in result.reasons


# --- Relatives: never taken for her -----------------------------------------------------------------


def test_sister_sharing_surname_patronymic_phone_and_region_is_not_her():
    sister = variant(given_name="Дана", birth_date=date(1993, 7, 2), iin=make_iin(date(1993, 7, 2), "F", 55))
    assert same(HER, sister) < 0.01
    sister_no_iin = variant(given_name="Дана", birth_date=date(1993, 7, 2), iin="")
    assert same(variant(iin=""), sister_no_iin) < 0.05


def test_twin_sister_is_not_her():
    twin = variant(given_name="Айгерим", iin=make_iin(date(1990, 3, 14), "F", 124))
    assert same(HER, twin) < 0.1
    twin_no_iin = variant(given_name="Айгерим", iin="")
    assert same(variant(iin=""), twin_no_iin) < DEFAULT_THRESHOLD


def test_mother_with_the_same_given_name_is_not_her():
    mother = variant(patronymic="Серікқызы", birth_date=date(1966, 5, 1), iin="")
    assert same(variant(iin=""), mother) < 0.05


def test_brother_is_not_her():
    brother = variant(given_name="Ерлан", surname="Жандосов", patronymic="Қайратұлы", sex="M", iin="")
    assert same(variant(iin=""), brother) < 0.01


def test_an_unrelated_woman_with_the_same_name_and_another_birth_date_is_not_her():
    other = Record(given_name="Айгүл", surname="Жандосова", birth_date=date(1985, 9, 30), sex="F")
    assert (
        same(Record(given_name="Айгүл", surname="Жандосова", birth_date=HER.birth_date, sex="F"), other)
        < DEFAULT_THRESHOLD
    )


# --- IIN and date corrections for the search ------------------------------------------------------------


def test_iin_corrections_find_the_number_she_meant():
    digits = list(IIN)
    digits[3], digits[4] = digits[4], digits[3]
    typed = "".join(digits)
    if typed != IIN:
        assert IIN in iin_corrections(typed)
    wrong = IIN[:9] + str((int(IIN[9]) + 1) % 10) + IIN[10:]
    assert IIN in iin_corrections(wrong)
    assert iin_corrections(IIN) == [IIN]
    assert iin_corrections("12345") == [] and iin_corrections("abc") == []


def test_date_variants_cover_swaps_and_one_digit():
    variants = date_variants(date(1990, 3, 11))
    assert date(1990, 11, 3) in variants and date(1990, 3, 12) in variants and date(1980, 3, 11) in variants
    assert all(d.year >= 1900 for d in variants) and len(set(variants)) == len(variants)


def test_blocking_brings_her_records_together():
    left = [prepare(HER)]
    right = [
        prepare(variant(given_name="Aigul", surname="Zhandosova", iin="", phones=())),
        prepare(Record(given_name="Мария", surname="Иванова", birth_date=date(1970, 1, 1))),
    ]
    assert list(candidate_pairs(left, right)) == [(0, 0)]


def test_an_initial_for_a_name_is_weak_evidence_not_an_error():
    result = compare(variant(iin="", phones=()), variant(iin="", phones=(), surname="Ж.", given_name="А."))
    assert "only the initial of the surname agrees" in result.reasons
    assert "only the initial of the given name agrees" in result.reasons


@pytest.mark.parametrize("position", [k for k in range(11) if IIN[k] != IIN[k + 1]])
def test_blocking_finds_her_by_an_iin_with_any_two_neighbours_swapped(position):
    # Nothing else in common: another spelling, no birth date, no phone.
    digits = list(IIN)
    digits[position], digits[position + 1] = digits[position + 1], digits[position]
    typed = "".join(digits)
    other = Record(given_name="Гаухар", surname="Сатыбалдиева", iin=typed)
    assert list(candidate_pairs([prepare(HER)], [prepare(other)])) == [(0, 0)]


def test_blocking_finds_her_by_a_phone_one_digit_off():
    other = Record(given_name="Гаухар", surname="Сатыбалдиева", phones=("77000000191",))
    assert list(candidate_pairs([prepare(HER)], [prepare(other)])) == [(0, 0)]


@pytest.mark.parametrize("shares", [False, True], ids=["typical", "name-shares"])
def test_compare_above_answers_as_compare_does_only_sooner(shares):
    """The duplicate search skips the names of pairs that cannot reach the threshold: for every
    pair and threshold it must keep exactly the pairs compare keeps, with the same result, also
    when names weigh by their shares (the search counts them at national size)."""
    import random

    from qorgau.people.linkage import name_frequencies
    from qorgau.people.matching import Matcher

    rng = random.Random(7)
    options = {
        "given_name": ["Айгүл", "AIGUL", "Aigül", "Айгуль", "Дана", "Әсел", "", "А."],
        "surname": ["Жандосова", "ZHANDOSOVA", "Жандосов", "Жандасова", "Серікова", ""],
        "patronymic": ["Қайратқызы", "Кайратовна", "Бериковна", ""],
        "birth_date": [
            date(1990, 3, 14),
            date(1990, 3, 24),
            date(1991, 3, 14),
            date(1990, 5, 7),
            date(1990, 7, 5),
            None,
        ],
        "birth_year": [None, 1990, 1991],
        "sex": ["F", "M", ""],
        "iin": [
            IIN,
            IIN[:5] + IIN[6] + IIN[5] + IIN[7:],
            make_iin(date(1990, 3, 14), "F", 124),
            make_iin(date(1994, 7, 2), "F", 9),
            "",
        ],
        "phones": [("77000000101",), ("77000000102",), ("77001234567",), ()],
        "region": ["75", "11", ""],
    }

    def record():
        return prepare(Record(**{k: rng.choice(v) for k, v in options.items()}))

    # Shares from a population where one name is very common, so the others are rare (rarer than
    # the tables' typical values: a bound taken from the tables would skip pairs it must keep).
    common = [prepare(Record(given_name="Дана", surname="Серікова"))] * 3000
    model = Matcher(frequencies=name_frequencies([record() for _ in range(300)] + common) if shares else None)
    named, names_of = [], model._name_keys
    model._name_keys = lambda a, b: named.append(1) or names_of(a, b)  # type: ignore[method-assign]
    kept = 0
    for _ in range(4000):
        a, b = record(), record()
        threshold = rng.choice([0.05, 0.5, 0.9, DEFAULT_THRESHOLD])
        full = model.compare(a, b)
        sooner = model.compare_above(a, b, threshold)
        if full.probability >= threshold:
            kept += 1
            assert sooner is not None and sooner.probability == full.probability
            assert sooner.reason_codes == full.reason_codes
        else:
            assert sooner is None
    assert kept > 100  # the draw holds pairs on both sides of the threshold
    # Sooner: compare names every pair once; compare_above not those of hopeless pairs.
    assert len(named) - 4000 < 4000 - 500


def test_reason_codes_render_as_the_reasons_in_the_active_language():
    from django.utils import translation

    from qorgau.people.matching import reason_text

    result = compare(HER, variant(surname="ZHANDOSOVA", given_name="AIGUL", iin=""))
    assert [reason_text(c) for c in result.reason_codes] == result.reasons
    with translation.override("ru"):
        russian = [reason_text(c) for c in result.reason_codes]
    assert russian != result.reasons and all(russian)
    assert reason_text("iin:renamed") == "" and reason_text("nonsense") == ""
