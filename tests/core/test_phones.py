"""Phone normalisation. Only obviously synthetic numbers (+7 700 000 xx xx and similar)."""

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgau.core.phones import PhoneError, format_phone, normalize_phone

no_db = settings(database=None, deadline=None)

SYNTHETIC = "+77000000101"


def test_synthetic_numbers_are_valid_kazakh_mobiles():
    for e164 in (SYNTHETIC, "+77000000000", "+77070000000", "+77470000000"):
        number = phonenumbers.parse(e164)
        assert phonenumbers.is_valid_number(number)
        assert phonenumbers.region_code_for_number(number) == "KZ"
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


@pytest.mark.parametrize(
    "raw",
    [
        "+77000000101",
        "+7 700 000 01 01",
        "+7 (700) 000-01-01",
        "+7-700-000-01-01",
        "+7.700.000.01.01",
        "8 700 000 01 01",  # trunk prefix 8: what most people in Kazakhstan type
        "8 (700) 000-01-01",
        "87000000101",
        "77000000101",  # country code without "+"
        "7000000101",  # ten national digits
        "700 000 0101",
        "8 10 7 700 000 01 01",  # old international prefix 8~10
        "  +7 700 000 01 01  ",
        "+7\u00a0700\u00a0000\u00a001\u00a001",  # no-break spaces from copy and paste
        "+7\t700 000 01 01",
    ],
)
def test_accepted_inputs(raw):
    assert normalize_phone(raw) == SYNTHETIC


def test_foreign_numbers_are_kept():
    assert normalize_phone("+7 912 000 00 00") == "+79120000000"  # a Russian mobile
    assert normalize_phone("+49 30 12345678") == "+493012345678"
    assert normalize_phone("030 12345678", default_region="DE") == "+493012345678"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "+",
        "8 700 000 01 0",  # one digit short
        "+7 700 000 01 012",  # one digit too many
        "0 700 000 01 01",
        "+7 600 000 00 00",  # not an allocated range
        "+7 700 000 01 01 ext 12",
        "+7 700 000 01 01#2",
        "8 700 ABC DE FG",
        "1-800-FLOWERS",
        "+7 700 000 01 01 +",
        "7 + 700 000 01 01",
        "+7 700 000 01 01" + " " * 17,  # 33 characters: refused before parsing
        "+٧ ٧٠٠ ٠٠٠ ٠١ ٠١",  # Arabic-Indic digits
        "+7 700 000 01 01\x00",
        "9" * 33,
    ],
)
def test_refused_inputs(raw):
    with pytest.raises(PhoneError) as err:
        normalize_phone(raw)
    assert err.value.code == "invalid"
    assert isinstance(err.value, ValueError)


def test_length_limit_is_checked_before_parsing(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(phonenumbers, "parse", boom)
    with pytest.raises(PhoneError):
        normalize_phone("8" * 33)


def test_non_string_is_invalid():
    with pytest.raises(PhoneError) as err:
        normalize_phone(87000000101)
    assert err.value.code == "invalid"


def test_error_message_is_lazy_and_str_is_the_code():
    with pytest.raises(PhoneError) as err:
        normalize_phone("123")
    assert str(err.value) == "invalid"
    assert err.value.message is not None


def test_format_phone():
    assert format_phone(SYNTHETIC) == "+7 700 000 0101"
    assert format_phone("+493012345678") == "+49 30 12345678"


@pytest.mark.parametrize("bad", ["", "87000000101", "+7600000000", "+7 700 000 01 01 ext 1", None])
def test_format_phone_refuses_non_e164(bad):
    with pytest.raises(PhoneError):
        format_phone(bad)


@no_db
@given(st.integers(0, 9999))
def test_synthetic_range_round_trips(tail):
    e164 = f"+7700000{tail:04d}"
    spaced = f"8 700 000 {tail // 100:02d} {tail % 100:02d}"
    assert normalize_phone(spaced) == e164
    assert normalize_phone(format_phone(e164)) == e164


@no_db
@given(st.text(max_size=40))
def test_never_raises_anything_but_phone_error(text):
    try:
        result = normalize_phone(text)
    except PhoneError:
        return
    assert result.startswith("+") and result[1:].isdigit()
