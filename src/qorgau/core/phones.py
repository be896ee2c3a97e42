"""Phone numbers: one stored form (E.164) whatever way people type them.

Accepted (default region KZ), all giving "+77000000101":
  "+7 700 000 01 01", "+7 (700) 000-01-01", "8 700 000 01 01" (the trunk prefix 8 most Kazakhs
  type), "87000000101", "77000000101" (country code without "+"), "7000000101" (10 national
  digits), "8 10 7 700 000 01 01" (the old international prefix 8~10).
Any number that phonenumbers considers valid is kept, not only Kazakh ones: people also use Russian
and other foreign SIM cards.
Refused (code "invalid"): more than 32 characters (checked before parsing), letters (no vanity
numbers), extensions ("ext", "#"), any character but digits, spaces, "+", "(", ")", "-", ".",
and numbers that phonenumbers.is_valid_number rejects.
"""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext_lazy as _

MAX_INPUT_CHARS = 32

# ASCII digits only, a "+" only in front: anything else (letters, "#", "ext") is refused up front.
_ALLOWED = re.compile(r"\+?[0-9 ().\-]+")

_MESSAGES = {
    "invalid": _("This is not a valid phone number."),
}


class PhoneError(ValueError):
    """A phone number that cannot be accepted; ``code`` is "invalid". ``str(error)`` is the code."""

    def __init__(self, code: str = "invalid"):
        super().__init__(code)
        self.code = code
        self.message = _MESSAGES[code]


def _parse(raw: str, region: str | None) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise PhoneError("invalid") from None
    if number.extension or not phonenumbers.is_valid_number(number):
        raise PhoneError("invalid")
    return number


def normalize_phone(raw: str, default_region: str = "KZ") -> str:
    """The E.164 form ("+77000000101") of a number as a person typed it."""
    if not isinstance(raw, str) or len(raw) > MAX_INPUT_CHARS:
        raise PhoneError("invalid")
    text = " ".join(raw.split())  # tabs, NBSP and other Unicode spaces become plain spaces
    if not _ALLOWED.fullmatch(text):
        raise PhoneError("invalid")
    return phonenumbers.format_number(_parse(text, default_region), phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """International display form: "+77000000101" -> "+7 700 000 0101"."""
    if not isinstance(e164, str) or not e164.startswith("+") or len(e164) > MAX_INPUT_CHARS:
        raise PhoneError("invalid")
    number = _parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
