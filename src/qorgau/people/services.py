"""Writes of people: identity checked and normalised, blind indexes kept in step.

Callers (the case services) check the case policy and write the audit event; these functions
only handle a person's own data so that every path through which a person is created or
changed normalises and indexes in the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgau.core.iin import IinError, iin_warnings, parse_iin
from qorgau.core.keys import blind, blind_all, index_keys
from qorgau.core.names import name_tokens, pair_tokens
from qorgau.core.phones import PhoneError, normalize_phone
from qorgau.people.models import Person, PersonIndex
from qorgau.people.progress import Progress, no_progress

IDENTITY_FIELDS = (
    "family_name",
    "given_name",
    "patronymic",
    "other_names",
    "iin",
    "birth_date",
    "phones",
    "address",
    "document_number",
    "sex",
    "birth_year",
    "disability",
    "citizenship",
    "region",
)

WARNING_TEXT = {
    "birth_date_mismatch": gettext_lazy(
        "The date of birth differs from the one in the IIN. Check both with her."
    ),
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
    if person.birth_date:
        birth = blind("birth", person.birth_date.isoformat())
        entries.append(PersonIndex(kind=PersonIndex.Kind.BIRTH, digest=birth, **common))
    names = [person.family_name, person.given_name, person.patronymic, *(person.other_names or [])]
    for token in sorted(name_tokens(*[n for n in names if n])):
        kind, _, _value = token.partition(":")
        entries.append(
            PersonIndex(kind=PersonIndex.Kind.NAME, digest=f"{kind}:{blind('name', token)}", **common)
        )
    entries += [
        PersonIndex(kind=PersonIndex.Kind.PAIR, digest=digest, **common) for digest in pair_digests(person)
    ]
    return entries


def pair_digests(person: Person) -> list[str]:
    """The blind digests of her name parts two by two and of each with her birth date."""
    parts = [person.family_name, person.given_name, person.patronymic, *(person.other_names or [])]
    births = [person.birth_date.isoformat()] if person.birth_date else []
    return [blind("pair", token) for token in sorted(pair_tokens(parts, births))]


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


def perpetrator_for_incident(*, case, relationship: str, data: dict) -> Person:
    """The perpetrator of a new incident: the case's own record of him when it is the same man
    (a second incident by the same husband must not make a second, empty person), else a new
    one. The same man: the same IIN; or the same family and given names across scripts with no
    IIN that differs; or, when nothing identifying is given, the one perpetrator of the case in
    that relationship. What the new incident adds (his IIN, birth date) fills what was missing."""
    from qorgau.core.names import fold

    cleaned, _warnings = clean_identity(data)
    known = list(
        Person.objects.filter(case=case, role=Person.Role.PERPETRATOR)
        .prefetch_related("incident_links")
        .order_by("created_at")
    )

    def folded_names(person_or_data) -> tuple[str, str]:
        get = person_or_data.get if isinstance(person_or_data, dict) else partial(getattr, person_or_data)
        return fold(get("family_name") or ""), fold(get("given_name") or "")

    iin, names = cleaned.get("iin") or "", folded_names(cleaned)
    same = None
    if iin:
        same = next((p for p in known if p.iin == iin), None)
    if same is None and all(names):
        same = next((p for p in known if folded_names(p) == names and (not iin or not p.iin)), None)
    if same is None and not iin and not any(names):
        in_relationship = [
            p for p in known if any(link.relationship == relationship for link in p.incident_links.all())
        ]
        same = in_relationship[0] if len(in_relationship) == 1 else None
    if same is None:
        person, _warnings = person_create(case=case, role=Person.Role.PERPETRATOR, data=data)
        return person
    missing = {k: v for k, v in cleaned.items() if k in IDENTITY_FIELDS and v and not getattr(same, k)}
    if missing:
        person_apply(same, missing)
    return same


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


def query_name_digest_sets(text: str) -> list[set[str]]:
    """One set of digests per index key in use (two while `keys reindex` runs): a person is scored
    against each set apart, since her stored tokens are all under one key."""
    tokens = sorted(name_tokens(text))
    sets = [set() for _ in index_keys()]
    for token in tokens:
        for digests, digest in zip(sets, blind_all("name", token), strict=True):
            digests.add(f"{token.partition(':')[0]}:{digest}")
    return sets


# --- Duplicate review: decisions on pairs ------------------------------------------------------------


def _person_for_decision(actor, person_id) -> Person:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from qorgau.cases.policies import case_access

    try:
        person = Person.objects.select_related("case").get(pk=person_id, role=Person.Role.SURVIVOR)
    except (Person.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if not case_access(actor, person.case).is_holder:
        raise PermissionDenied
    return person


@transaction.atomic
def pair_decide(*, actor, person_a_id, person_b_id, verdict: str, probability: float = 0.0):
    """A supervisor says two survivors' records are the same woman (merge: both cases keep their
    history, the records are linked, never changed) or not (the pair is not proposed again).
    Both records must be visible to her; a pair already decided is refused."""
    from django.core.exceptions import PermissionDenied

    from qorgau.core.audit import audit_record_many
    from qorgau.people.models import PairDecision
    from qorgau.people.policies import can_review_duplicates

    if not can_review_duplicates(actor):
        raise PermissionDenied
    if verdict not in PairDecision.Verdict.values:
        raise ValidationError({"verdict": _("Say whether they are the same person.")})
    a = _person_for_decision(actor, person_a_id)
    b = _person_for_decision(actor, person_b_id)
    if a.pk == b.pk:
        raise ValidationError({"person_b_id": _("A record cannot be the same person as itself.")})
    a, b = sorted((a, b), key=lambda p: str(p.pk))
    Person.objects.select_for_update().filter(pk__in=[a.pk, b.pk]).order_by("pk").exists()
    if PairDecision.objects.filter(person_a=a, person_b=b, undone_at__isnull=True).exists():
        raise ValidationError({"verdict": _("This pair has already been decided.")})
    decision = PairDecision.objects.create(
        person_a=a,
        person_b=b,
        verdict=verdict,
        probability=max(0.0, min(float(probability), 1.0)),
        decided_by=actor,
    )
    audit_record_many(
        actor=actor,
        action=f"person.{'merge' if verdict == PairDecision.Verdict.SAME else 'distinguish'}",
        case_ids=[a.case_id, b.case_id],
        object_type="people.pairdecision",
        detail={"decision": str(decision.pk)},
    )
    return decision


@transaction.atomic
def pair_decision_undo(*, actor, decision_id, expected_version: int):
    """Undo a merge (unmerge) or a "not the same person": both records are as they were, since a
    decision never changed them; the decision stays on record with who undid it."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from qorgau.core.audit import audit_record_many
    from qorgau.core.errors import Conflict
    from qorgau.people.models import PairDecision
    from qorgau.people.policies import can_review_duplicates

    if not can_review_duplicates(actor):
        raise PermissionDenied
    try:
        decision = PairDecision.objects.select_for_update().get(pk=decision_id, undone_at__isnull=True)
    except (PairDecision.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    _person_for_decision(actor, decision.person_a_id)
    _person_for_decision(actor, decision.person_b_id)
    if decision.version != expected_version:
        raise Conflict
    decision.undone_at = timezone.now()
    decision.undone_by = actor
    decision.version += 1
    decision.save(update_fields=["undone_at", "undone_by", "version"])
    audit_record_many(
        actor=actor,
        action="person.unmerge" if decision.verdict == PairDecision.Verdict.SAME else "person.undistinguish",
        case_ids=[decision.person_a.case_id, decision.person_b.case_id],
        object_type="people.pairdecision",
        detail={"decision": str(decision.pk)},
    )
    return decision


# --- An agency's old register ----------------------------------------------------------------------


class RegisterRefused(Exception):
    """The register is not loaded: nothing was written. ``rows`` are the invalid ones."""

    def __init__(self, rows: list["RegisterRow"]):
        super().__init__("invalid rows")
        self.rows = rows


@dataclass
class RegisterRow:
    line: int
    record_id: str
    outcome: str  # one of REGISTER_OUTCOMES
    person_id: object = None
    probability: float | None = None
    error: str = ""


REGISTER_OUTCOMES = ("linked", "new", "already", "invalid")


@dataclass
class RegisterImport:
    rows: list[RegisterRow]
    committed: bool

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def invalid(self) -> list[RegisterRow]:
        return [row for row in self.rows if row.outcome == "invalid"]


def _register_identity(record, regions: dict) -> dict:
    """A register row as the identity a person is created from; ValidationError when it is not
    one (an IIN whose check digit fails, a phone that is no number, an unknown region ...)."""
    if len(str(record.key)) > 100:
        raise ValidationError({"record_id": _("The record id is longer than 100 characters.")})
    region = None
    if record.region:
        region = regions.get(record.region)
        if region is None:
            raise ValidationError(
                {"region_code": _("%(code)s is not a region code.") % {"code": record.region[:10]}}
            )
    data = {
        "family_name": record.surname,
        "given_name": record.given_name,
        "patronymic": record.patronymic,
        "birth_date": record.birth_date,
        "sex": record.sex or Person.Sex.UNKNOWN,
        "iin": record.iin,
        "phones": list(record.phones),
        "region": region,
        "other_names": [],
    }
    cleaned, _warnings = clean_identity(data)
    Person(
        role=Person.Role.SURVIVOR, **{k: v for k, v in cleaned.items() if k in IDENTITY_FIELDS}
    ).full_clean(exclude=["case"])
    return data


def _error_text(exc: ValidationError) -> str:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    return "; ".join(f"{field}: {m}" if field else m for field, ms in errors.items() for m in ms)


def register_import(
    *, agency, entries, actor=None, commit: bool = False, threshold=None, progress: Progress | None = None
) -> RegisterImport:
    """Load an agency's old register (``linkage.read_register``'s (line, record) pairs) into its
    persons. Each record is linked to the survivor of a case the agency holds that the model
    judges the same woman (best first, one-to-one: no two records onto one person), or becomes
    the agency's own record of her: a case imported from the register (``Case.Origin.REGISTER``)
    and its survivor, through ``cases.services.case_open``. Record ids already imported for the
    agency are skipped. Only this agency's persons are looked at.

    A dry run (the default) writes nothing. ``commit`` needs an actor the policy allows, and
    refuses the whole register when any row is invalid (RegisterRefused): nothing half-imported.
    Otherwise everything is written in one transaction, with an audit event per row and one for
    the import. ``progress`` hears the stages "matching" (every row) and "writing" (the rows
    written)."""
    from django.core.exceptions import PermissionDenied

    from qorgau.people.policies import can_import_register

    if (commit or actor is not None) and not can_import_register(actor, agency):
        raise PermissionDenied
    with transaction.atomic():
        if commit:  # one import of an agency's register at a time
            type(agency).objects.select_for_update().filter(pk=agency.pk).exists()
        progress = progress or no_progress
        report = _register_plan(agency, entries, threshold, progress("matching", len(entries)))
        if commit:
            if report.invalid:
                raise RegisterRefused(report.invalid)
            written = report.count("linked") + report.count("new")
            _register_write(
                actor=actor, agency=agency, report=report, entries=entries, done=progress("writing", written)
            )
            report.committed = True
    return report


def _register_plan(agency, entries, threshold, done: Callable[[int], None]) -> RegisterImport:
    from qorgau.core.models import Region
    from qorgau.people.models import PersonRegisterRef
    from qorgau.people.selectors import match_people

    regions = {r.pk: r for r in Region.objects.all()}
    known = dict(
        PersonRegisterRef.objects.filter(
            agency=agency, record_id__in=[str(r.key) for _l, r in entries]
        ).values_list("record_id", "person_id")
    )
    # A person keeps one record id per agency: those already referenced are not linked again.
    taken = set(PersonRegisterRef.objects.filter(agency=agency).values_list("person_id", flat=True))
    rows: list[RegisterRow] = []
    edges = []
    for line, record in entries:
        done(1)
        key = str(record.key)
        if key in known:
            rows.append(RegisterRow(line, key, "already", person_id=known[key]))
            continue
        try:
            _register_identity(record, regions)
        except ValidationError as exc:
            rows.append(RegisterRow(line, key, "invalid", error=_error_text(exc)))
            continue
        rows.append(RegisterRow(line, key, "new"))
        for result, person in match_people(
            record, roles=(Person.Role.SURVIVOR,), threshold=threshold, agency_id=agency.pk
        ):
            if person.case.holding_agency_id == agency.pk and person.pk not in taken:
                edges.append((result.probability, key, person.pk))
    from qorgau.people.matching import one_to_one

    chosen = {key: (person_id, probability) for probability, key, person_id in one_to_one(edges)}
    for row in rows:
        if row.outcome == "new" and row.record_id in chosen:
            row.outcome = "linked"
            row.person_id, row.probability = chosen[row.record_id]
    return RegisterImport(rows, committed=False)


def _register_write(*, actor, agency, report: RegisterImport, entries, done: Callable[[int], None]) -> None:
    from qorgau.cases.models import Case
    from qorgau.cases.services import case_open, survivor_of
    from qorgau.core.audit import audit_record
    from qorgau.core.models import Region
    from qorgau.people.models import PersonRegisterRef

    regions = {r.pk: r for r in Region.objects.all()}
    records = {str(r.key): r for _l, r in entries}
    cases = dict(
        Person.objects.filter(pk__in=[r.person_id for r in report.rows]).values_list("pk", "case_id")
    )
    now = timezone.now()
    for row in report.rows:
        if row.outcome in ("linked", "new"):
            done(1)
        if row.outcome == "linked":
            ref = PersonRegisterRef.objects.create(
                person_id=row.person_id,
                agency=agency,
                record_id=row.record_id,
                outcome=PersonRegisterRef.Outcome.LINKED,
                probability=row.probability,
                imported_by=actor,
                imported_at=now,
            )
            audit_record(
                actor=actor,
                action="person.register_link",
                obj=ref,
                case_id=cases[row.person_id],
                detail={"probability": round(row.probability or 0.0, 4)},
            )
        elif row.outcome == "new":
            case, _warnings = case_open(
                actor=actor,
                survivor=_register_identity(records[row.record_id], regions),
                case_fields={"entry_point": Case.EntryPoint.OTHER},
                origin=Case.Origin.REGISTER,
            )
            person = survivor_of(case)
            row.person_id = person.pk
            PersonRegisterRef.objects.create(
                person=person,
                agency=agency,
                record_id=row.record_id,
                outcome=PersonRegisterRef.Outcome.CREATED,
                imported_by=actor,
                imported_at=now,
            )
    audit_record(
        actor=actor,
        action="people.register_import",
        obj=agency,
        detail={outcome: report.count(outcome) for outcome in REGISTER_OUTCOMES},
    )
