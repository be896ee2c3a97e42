"""Writes of people: identity checked and normalised, blind indexes kept in step.

Callers (the case services) check the case policy and write the audit event; these functions
only handle a person's own data so that every path through which a person is created or
changed normalises and indexes in the same way.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgau.core.iin import IinError, iin_warnings, parse_iin
from qorgau.core.keys import blind
from qorgau.core.names import name_tokens
from qorgau.core.phones import PhoneError, normalize_phone
from qorgau.people.models import Person, PersonIndex

IDENTITY_FIELDS = (
    "family_name", "given_name", "patronymic", "other_names", "iin", "birth_date", "phones", "address",
    "document_number", "sex", "birth_year", "disability", "citizenship", "region",
)

WARNING_TEXT = {
    "birth_date_mismatch": gettext_lazy("The date of birth differs from the one in the IIN. Check both with her."),
    "sex_mismatch": gettext_lazy(
        "The sex differs from the one in the IIN. Check with her; numbers issued since 2013 may differ."
    ),
    "date_undecodable": gettext_lazy("The IIN does not contain a readable date of birth."),
}


def warning_messages(codes: list[str]) -> list[str]:
    return [str(WARNING_TEXT[code]) for code in codes]


def clean_identity(data: dict) -> tuple[dict, list[str]]:
    """Check and normalise identity input. Raises ValidationError by field; returns warning codes.

    IIN: 12 digits with a valid check digit (both weight passes). A birth date or sex that does
    not match the IIN is only a warning: since 2013 the digits need not match the person.
    Phones: normalised to E.164 by phonenumbers; Kazakh trunk prefix 8 accepted.
    """
    data = dict(data)
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    today = timezone.localdate()

    birth_date = data.get("birth_date")
    if birth_date and (birth_date > today or birth_date < date(1900, 1, 1)):
        errors.setdefault("birth_date", []).append(_("The date of birth must be between 1900 and today."))
    birth_year = data.get("birth_year")
    if birth_year and not 1900 <= birth_year <= today.year:
        errors.setdefault("birth_year", []).append(_("The year of birth must be between 1900 and this year."))

    raw_iin = (data.get("iin") or "").strip()
    if raw_iin:
        try:
            info = parse_iin(raw_iin)
        except IinError as exc:
            errors.setdefault("iin", []).append(str(exc.message))
        else:
            data["iin"] = info.iin
            sex = data.get("sex") if data.get("sex") in ("F", "M") else None
            warnings += iin_warnings(info, birth_date=birth_date, sex=sex)
            if not birth_date and not birth_year and info.birth_date:
                data["birth_year"] = info.birth_date.year
    else:
        data["iin"] = ""

    phones = []
    for raw in data.get("phones") or []:
        raw = (raw or "").strip()
        if not raw:
            continue
        try:
            phones.append(normalize_phone(raw))
        except PhoneError as exc:
            errors.setdefault("phones", []).append(f"{exc.message} ({raw[:32]})")
    data["phones"] = sorted(set(phones))

    if birth_date and not data.get("birth_year"):
        data["birth_year"] = birth_date.year
    data["other_names"] = [n.strip() for n in data.get("other_names") or [] if n and n.strip()]
    if errors:
        raise ValidationError(errors)
    return data, warnings


def _index_entries(person: Person) -> list[PersonIndex]:
    common = {"person": person, "case_id": person.case_id, "agency_id": person.case.holding_agency_id}
    entries = []
    if person.iin:
        entries.append(PersonIndex(kind=PersonIndex.Kind.IIN, digest=blind("iin", person.iin), **common))
    for phone in person.phones or []:
        entries.append(PersonIndex(kind=PersonIndex.Kind.PHONE, digest=blind("phone", phone), **common))
    names = [person.family_name, person.given_name, person.patronymic, *(person.other_names or [])]
    for token in sorted(name_tokens(*[n for n in names if n])):
        kind, _, _value = token.partition(":")
        entries.append(PersonIndex(kind=PersonIndex.Kind.NAME, digest=f"{kind}:{blind('name', token)}", **common))
    return entries


def person_reindex(person: Person) -> None:
    PersonIndex.objects.filter(person=person).delete()
    PersonIndex.objects.bulk_create(_index_entries(person))


def person_create(*, case, role: str, data: dict) -> tuple[Person, list[str]]:
    """Create a person in a case from already form-validated data (the caller checks the policy)."""
    data, warnings = clean_identity(data)
    person = Person(case=case, role=role, **{k: v for k, v in data.items() if k in IDENTITY_FIELDS})
    person.full_clean(exclude=["case"])
    person.save()
    person_reindex(person)
    return person, warnings


def person_apply(person: Person, data: dict) -> list[str]:
    """Apply validated changes to a person and reindex (the caller handles version and policy)."""
    data, warnings = clean_identity(data)
    for key, value in data.items():
        if key in IDENTITY_FIELDS:
            setattr(person, key, value)
    person.version += 1
    person.full_clean(exclude=["case"])
    person.save()
    person_reindex(person)
    return warnings


def query_name_digests(text: str) -> set[str]:
    """The blind digests of a name typed in a search box, in the form PersonIndex stores."""
    return {f"{token.partition(':')[0]}:{blind('name', token)}" for token in name_tokens(text)}
