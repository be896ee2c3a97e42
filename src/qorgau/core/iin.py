"""Kazakhstan's individual identification number (IIN / ЖСН / ИИН).

Layout (12 ASCII digits): ``YYMMDD C SSSS K``

* digits 1-6: date of birth, YYMMDD;
* digit 7: century and sex: 1/2 -> 1800s, 3/4 -> 1900s, 5/6 -> 2000s; odd = male, even = female;
* digits 8-11: serial;
* digit 12: check digit (the same algorithm serves the organisations' BIN).

The check digit is validated strictly. The date and sex digits are only *decoded*: since 2013 they
are not guaranteed to describe the person, so a disagreement with the recorded birth date or sex is
a warning (``iin_warnings``), never a reason to refuse the number.

Known weakness of the algorithm itself (not of this code): digit 11 has weight 11 = 0 (mod 11) in
the first pass, so changing only that digit goes unnoticed unless the second pass is involved.
The checksum catches most, not all, typing mistakes.

Errors: ``IinError.code`` is stable ("format" or "checksum"); ``IinError.message`` is a lazy
translated text for users. ``str(error)`` is the code, so logging an error never needs Django's
settings or a translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

# Weights as tuples: their ORDER is the algorithm. (A known PyPI validator wrote them as sets, and a
# set of small ints iterates in sorted order, so its "second pass" silently repeats the first.)
FIRST_PASS_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_PASS_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# [0-9], not \d: \d also matches Arabic-Indic and other Unicode digits.
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")

# digit 7 -> (first year of the century, sex)
_CENTURY_SEX = {
    "1": (1800, "M"),
    "2": (1800, "F"),
    "3": (1900, "M"),
    "4": (1900, "F"),
    "5": (2000, "M"),
    "6": (2000, "F"),
}

_MESSAGES = {
    "format": _("An IIN is exactly 12 digits."),
    "checksum": _("This IIN is not valid: check the digits for a typing mistake."),
}


class IinError(ValueError):
    """An IIN that cannot be accepted. ``code`` is "format" or "checksum"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = _MESSAGES[code]


@dataclass(frozen=True)
class IinInfo:
    iin: str
    birth_date: date | None  # None when digits 1-7 do not decode to a real date
    sex: str | None  # "F" / "M"; None when digit 7 is 0, 7, 8 or 9


def normalize_iin(raw: str) -> str:
    """Strip spaces and hyphens (and surrounding whitespace); the rest must be exactly 12 ASCII digits."""
    if not isinstance(raw, str):
        raise IinError("format")
    compact = raw.replace(" ", "").replace("-", "").strip()
    if not _TWELVE_DIGITS.fullmatch(compact):
        raise IinError("format")
    return compact


def _weighted_mod11(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11


def iin_check_digit(first11: str) -> int | None:
    """The check digit for the first 11 digits, or None when no IIN is ever issued with them."""
    if not isinstance(first11, str) or not _ELEVEN_DIGITS.fullmatch(first11):
        raise IinError("format")
    check = _weighted_mod11(first11, FIRST_PASS_WEIGHTS)
    if check == 10:
        check = _weighted_mod11(first11, SECOND_PASS_WEIGHTS)
        if check == 10:
            return None  # never issued (mapping it to 0 is another country's rule)
    return check


def _decode(iin: str) -> tuple[date | None, str | None]:
    century_sex = _CENTURY_SEX.get(iin[6])
    if century_sex is None:
        return None, None
    century, sex = century_sex
    try:
        born = date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        born = None
    return born, sex


def parse_iin(raw: str) -> IinInfo:
    """Normalise, check the check digit strictly, and decode the birth date and sex."""
    iin = normalize_iin(raw)
    if iin_check_digit(iin[:11]) != int(iin[11]):
        raise IinError("checksum")
    born, sex = _decode(iin)
    return IinInfo(iin=iin, birth_date=born, sex=sex)


def iin_warnings(info: IinInfo, *, birth_date: date | None = None, sex: str | None = None) -> list[str]:
    """Warning codes comparing the IIN with the recorded birth date and sex.

    "birth_date_mismatch", "date_undecodable" (a birth date is recorded but the IIN's date does not
    decode) and "sex_mismatch". Only warnings: since 2013 the digits need not match the person.
    """
    warnings = []
    if birth_date is not None:
        if info.birth_date is None:
            warnings.append("date_undecodable")
        elif info.birth_date != birth_date:
            warnings.append("birth_date_mismatch")
    if sex is not None and info.sex is not None and info.sex != sex:
        warnings.append("sex_mismatch")
    return warnings


def make_iin(birth_date: date, sex: str, serial: int) -> str | None:
    """A valid IIN for synthetic demo data, or None when this serial gives an unissuable number.

    ``serial`` (0..9999) fills digits 8-11. Only for made-up people: never for real records.
    """
    if sex not in ("F", "M"):
        raise ValueError("sex must be 'F' or 'M'")
    if not 0 <= serial <= 9999:
        raise ValueError("serial must be in 0..9999")
    if not 1800 <= birth_date.year <= 2099:
        raise ValueError("the IIN encodes years 1800-2099 only")
    century_digit = {1800: 1, 1900: 3, 2000: 5}[birth_date.year // 100 * 100] + (sex == "F")
    first11 = f"{birth_date:%y%m%d}{century_digit}{serial:04d}"
    check = iin_check_digit(first11)
    return None if check is None else f"{first11}{check}"
