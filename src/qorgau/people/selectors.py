"""Reads of people through the matching: candidates at intake, the same perpetrator, the
"is she known" check of the API. Blocking goes through the blind indexes only; just the few
shortlisted persons are opened (decrypted) to be scored by ``people.matching``.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Case as DbCase
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Value, When

from qorgau.cases import policies as case_policies
from qorgau.cases.models import Case, IntakeDraft
from qorgau.core.audit import audit_record, audit_record_many
from qorgau.core.keys import blind_all
from qorgau.core.names import pair_tokens
from qorgau.core.phones import PhoneError, normalize_phone
from qorgau.people import matching, policies
from qorgau.people.models import Person, PersonIndex

SHORTLIST = 50


@dataclass
class Candidate:
    probability: float
    reasons: list[str]
    case: Case | None = None  # only when the actor may open the case
    person: Person | None = None  # likewise
    token: str = ""  # otherwise: a sealed reference to ask for access, nothing else
    case_id: object = field(default=None, repr=False)  # for the access logs; never rendered

    @property
    def percent(self) -> int:
        return round(self.probability * 100)


def person_record(person: Person) -> matching.Record:
    return matching.Record(
        key=person.pk,
        given_name=person.given_name or "",
        surname=person.family_name or "",
        patronymic=person.patronymic or "",
        birth_date=person.birth_date,
        birth_year=person.birth_year,
        sex=person.sex,
        iin=person.iin or "",
        phones=tuple(person.phones or ()),
        region=str(person.region_id or ""),
    )


def query_digests(query: matching.Record) -> dict[str, set[str]]:
    """The blind digests to look up for what was typed: the IIN and the valid numbers one typing
    mistake away, the phones, the birth date with its likely typos, the folded name tokens."""
    out: dict[str, set[str]] = {}
    iins = matching.iin_corrections(query.iin or "")
    if iins:
        out[PersonIndex.Kind.IIN] = {d for i in iins for d in blind_all("iin", i)}
    phones = set()
    for raw in query.phones:
        try:
            phones.update(blind_all("phone", normalize_phone(raw)))
        except PhoneError:
            continue
    if phones:
        out[PersonIndex.Kind.PHONE] = phones
    births = [d.isoformat() for d in matching.date_variants(query.birth_date)] if query.birth_date else []
    if births:
        out[PersonIndex.Kind.BIRTH] = {digest for d in births for digest in blind_all("birth", d)}
    # Names by their pairs, never one name alone (a common given name is held by tens of thousands).
    pairs = pair_tokens((query.surname, query.given_name, query.patronymic), births)
    if pairs:
        out[PersonIndex.Kind.PAIR] = {digest for token in pairs for digest in blind_all("pair", token)}
    return out


def _shortlist(digests: dict[str, set[str]], roles, exclude_cases=(), agency_id=None) -> list:
    """The persons (ids) sharing enough blind digests with the query, best first: an IIN, a phone,
    or a pair (two of her name parts, or one with her birth date); at most SHORTLIST of them.

    The hits are counted per person on the index rows alone (the index on kind and digest
    covers person and case), and only the persons that pass are looked up for their role. Every
    digest looked up is held by a few persons (a birth date by ~50 in a million): one common
    name's tens of thousands of rows made this the slow part of the intake search (ADR 0011)."""
    if not digests:
        return []
    condition = Q()
    for kind, values in digests.items():
        condition |= Q(kind=kind, digest__in=sorted(values))

    def held(kind) -> Max:
        return Max(DbCase(When(kind=kind, then=Value(1)), default=Value(0), output_field=IntegerField()))

    rows = PersonIndex.objects.filter(condition)
    if agency_id is not None:  # one agency's persons only (the index rows carry the holder)
        rows = rows.filter(agency_id=agency_id)
    grouped = (
        rows.exclude(case_id__in=list(exclude_cases))
        .values("person_id")
        .annotate(
            strong=Count("kind", filter=Q(kind__in=[PersonIndex.Kind.IIN, PersonIndex.Kind.PHONE])),
            paired=Count("kind", filter=Q(kind=PersonIndex.Kind.PAIR)),
            kinds=sum((held(k) for k in PersonIndex.Kind.values[1:]), held(PersonIndex.Kind.values[0])),
            hits=Count("kind"),
        )
        .filter(Q(strong__gt=0) | Q(paired__gt=0))
        .order_by()
    )
    sql, params = grouped.query.sql_with_params()
    roles = list(roles)
    person = connection.ops.quote_name(Person._meta.db_table)
    placeholders = ", ".join(["%s"] * len(roles))
    # The role by a subquery per passing person (a primary-key lookup each), not by a join: the
    # planner cannot know how few persons pass, and would hash the whole person table to join.
    query = (
        f"SELECT h.person_id FROM (SELECT g.*, (SELECT p.role FROM {person} p WHERE p.id = g.person_id) "  # noqa: S608 (the ORM's SQL, a table name, placeholders)
        f"AS role FROM ({sql}) g) h WHERE h.role IN ({placeholders}) "
        "ORDER BY h.strong DESC, h.kinds DESC, h.hits DESC, h.person_id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, *roles, SHORTLIST])
        return [Person._meta.pk.to_python(row[0]) for row in cursor.fetchall()]


def match_people(
    query: matching.Record,
    *,
    roles=("survivor",),
    threshold: float | None = None,
    exclude_cases=(),
    agency_id=None,
) -> list[tuple[matching.Comparison, Person]]:
    """Persons that the model judges the same as ``query``, most probable first (no policy, no
    audit: callers are the selectors below and the services that record a perpetrator or import
    a register). With ``agency_id``, only persons of cases that agency holds are looked at."""
    threshold = settings.QORGAU_MATCH_THRESHOLD if threshold is None else threshold
    ids = _shortlist(query_digests(query), roles, exclude_cases, agency_id)
    if not ids:
        return []
    prepared = matching.prepare(query)
    scored = []
    for person in Person.objects.filter(pk__in=ids).select_related("case"):
        result = matching.compare(prepared, matching.prepare(person_record(person)))
        if result.probability >= threshold:
            scored.append((result, person))
    scored.sort(key=lambda x: (-x[0].probability, str(x[1].pk)))
    return scored


def find_same_person(
    *, given_name="", surname="", patronymic="", birth_date: date | None = None, birth_year=None,
    sex="", iin="", phones=(), role="perpetrator", threshold: float | None = None, exclude_cases=(),
) -> list[tuple[float, Person, list[str]]]:  # fmt: skip
    """For other apps (legal protection: perpetrators known across cases): the persons with this
    role that are probably the same as the one described, as (probability, person, reasons).
    No policy and no audit here: the caller decides what it may show and records it."""
    query = matching.Record(
        given_name=given_name, surname=surname, patronymic=patronymic, birth_date=birth_date,
        birth_year=birth_year, sex=sex, iin=iin, phones=tuple(phones),
    )  # fmt: skip
    return [
        (c.probability, p, c.reasons)
        for c, p in match_people(query, roles=(role,), threshold=threshold, exclude_cases=exclude_cases)
    ]


def exact_person_ids(
    *,
    iin: str = "",
    family_name: str = "",
    given_name: str = "",
    birth_date: date | None = None,
    role: str = "perpetrator",
) -> list:
    """Persons with this role known by exactly this IIN, or by exactly this family name, given
    name and birth date (every full name token of both, in any script, and the birth date), from
    the blind indexes alone: nothing is decrypted, and no typo tolerance (the police look-up at the
    scene must never show another man's orders). No policy and no audit: the caller has both."""
    persons = Person.objects.filter(role=role)
    if iin:
        digests = blind_all("iin", iin)
        return list(
            persons.filter(
                pk__in=PersonIndex.objects.filter(kind=PersonIndex.Kind.IIN, digest__in=digests).values(
                    "person_id"
                )
            ).values_list("pk", flat=True)
        )
    if not (family_name and given_name and birth_date):
        return []
    from qorgau.core.names import name_tokens

    persons = persons.filter(
        pk__in=PersonIndex.objects.filter(
            kind=PersonIndex.Kind.BIRTH, digest__in=blind_all("birth", birth_date.isoformat())
        ).values("person_id")
    )
    wanted = sorted(t for t in name_tokens(family_name, given_name) if t.startswith("f:"))
    if not wanted:
        return []
    for token in wanted:
        digests = [f"f:{d}" for d in blind_all("name", token)]
        persons = persons.filter(
            pk__in=PersonIndex.objects.filter(kind=PersonIndex.Kind.NAME, digest__in=digests).values(
                "person_id"
            )
        )
    return list(persons.values_list("pk", flat=True))


def _search_allowed(*, actor, purpose: str, session=None, draft_id=None) -> str:
    """The purpose to record, after the rules of ``people.policies``; PermissionDenied otherwise."""
    if not policies.can_search_people(actor):
        raise PermissionDenied
    if draft_id:
        try:
            open_draft = IntakeDraft.objects.filter(pk=draft_id, owner=actor).exists()
        except (ValueError, ValidationError):
            open_draft = False
        if not open_draft:
            raise PermissionDenied
        purpose = "intake"
    elif purpose == "intake":
        if not policies.intake_is_open(session):
            raise PermissionDenied
    elif purpose not in policies.STATED_PURPOSES:
        raise PermissionDenied
    policies.search_count(actor)  # raises SearchLimited
    return purpose


def candidate_search(
    *, actor, query: matching.Record, purpose: str = "intake", session=None, draft_id=None, limit: int = 10
) -> list[Candidate]:
    """Candidates for the woman being registered. Every case with a candidate gets an event in
    its own access log (``person.matched``), whether or not the searcher may open it."""
    purpose = _search_allowed(actor=actor, purpose=purpose, session=session, draft_id=draft_id)
    found = match_people(query)[:limit]
    out = []
    for result, person in found:
        access = case_policies.case_access(actor, person.case)
        if access.can_view:
            out.append(
                Candidate(result.probability, result.reasons, person.case, person, case_id=person.case_id)
            )
        else:
            from qorgau.cases.selectors import match_token

            out.append(
                Candidate(
                    result.probability,
                    result.reasons,
                    token=match_token(actor=actor, case=person.case),
                    case_id=person.case_id,
                )
            )
    audit_record(
        actor=actor,
        action="person.candidate_search",
        object_type="people.person",
        purpose=purpose,
        detail={"candidates": len(out), "hidden": sum(1 for c in out if c.case is None)},
    )
    audit_record_many(
        actor=actor, action="person.matched", case_ids=[c.case_id for c in out], purpose=purpose
    )
    return out


def person_known(*, actor, iin: str = "", phone: str = "", purpose: str = "", draft_id=None) -> bool:
    """The API's check: is a survivor with exactly this IIN or phone on file — yes or no, nothing
    more (no count, no agency, no case, never perpetrators). Same rules and logs as the search."""
    purpose = _search_allowed(actor=actor, purpose=purpose, draft_id=draft_id)
    condition = Q(pk__in=[])
    if iin and matching.iin_corrections(iin)[:1] == [matching._NOT_DIGIT.sub("", iin)]:
        condition |= Q(
            kind=PersonIndex.Kind.IIN, digest__in=blind_all("iin", matching._NOT_DIGIT.sub("", iin))
        )
    if phone:
        with contextlib.suppress(PhoneError):
            condition |= Q(kind=PersonIndex.Kind.PHONE, digest__in=blind_all("phone", normalize_phone(phone)))
    case_ids = sorted(
        set(
            PersonIndex.objects.filter(condition, person__role=Person.Role.SURVIVOR).values_list(
                "case_id", flat=True
            )
        ),
        key=str,
    )
    audit_record(
        actor=actor,
        action="person.known_check",
        object_type="people.person",
        purpose=purpose,
        detail={"known": bool(case_ids)},
    )
    audit_record_many(actor=actor, action="person.matched", case_ids=case_ids, purpose=purpose)
    return bool(case_ids)


# --- Duplicate review -----------------------------------------------------------------------------


MAX_BLOCK = 200  # a name pair shared by more people than this is too common to compare by


def blocked_pairs(wanted: set) -> set[tuple]:
    """Pairs of the given survivors that share a blocking key in the blind indexes: an IIN, a
    phone, a birth date with a full name token, or two full name tokens (no decryption)."""
    holders: dict = defaultdict(set)
    birth: dict = defaultdict(set)
    names: dict = defaultdict(set)
    rows = PersonIndex.objects.filter(
        kind__in=("iin", "phone", "birth", "name"), person__role="survivor"
    ).values_list("person_id", "kind", "digest")
    for person_id, kind, digest in rows.iterator(chunk_size=20000):
        if person_id not in wanted:
            continue
        if kind in ("iin", "phone"):
            holders[(kind, digest)].add(person_id)
        elif kind == "birth":
            birth[digest].add(person_id)
        elif digest.startswith("f:"):
            names[person_id].add(digest)
    pairs: set[tuple] = set()
    for people in holders.values():
        pairs.update(combinations(sorted(people, key=str), 2))
    for people in birth.values():
        for a, b in combinations(sorted(people, key=str), 2):
            if names[a] & names[b]:
                pairs.add((a, b))
    # Two full name tokens in common (surname and given name in any script), whatever the dates.
    name_pairs: dict = defaultdict(set)
    for person_id, tokens in names.items():
        for key in combinations(sorted(tokens)[:8], 2):
            name_pairs[key].add(person_id)
    for people in name_pairs.values():
        if 1 < len(people) <= MAX_BLOCK:
            pairs.update(combinations(sorted(people, key=str), 2))
    return pairs


@dataclass
class DuplicatePair:
    probability: float
    reasons: list[str]
    a: Person
    b: Person


def duplicate_pair_list(*, actor, limit: int = 50) -> list[DuplicatePair]:
    """Pairs of her agency's survivors that the last duplicate search (``people.duplicates``)
    judged probably the same person and nobody has decided since, most probable first. Both
    records must be in cases her agency holds (a grant to another agency opens sections, not the
    identity fields compared). Each case shown gets an event in its access log."""
    from qorgau.people.models import DuplicateCandidate, PairDecision

    if not policies.can_review_duplicates(actor):
        raise PermissionDenied
    own = actor.agency_id
    decided = PairDecision.objects.filter(undone_at__isnull=True)
    stored = (
        DuplicateCandidate.objects.filter(
            person_a__case__holding_agency_id=own,
            person_b__case__holding_agency_id=own,
            person_a__role=Person.Role.SURVIVOR,
            person_b__role=Person.Role.SURVIVOR,
        )
        .exclude(Exists(decided.filter(person_a=OuterRef("person_a"), person_b=OuterRef("person_b"))))
        .exclude(Exists(decided.filter(person_a=OuterRef("person_b"), person_b=OuterRef("person_a"))))
        .select_related("person_a__case", "person_b__case")
        .order_by("-probability", "person_a_id", "person_b_id")[:limit]
    )
    found = [
        DuplicatePair(
            c.probability,
            [text for text in map(matching.reason_text, c.reasons) if text],  # her language, now
            c.person_a,
            c.person_b,
        )
        for c in stored
    ]
    audit_record_many(
        actor=actor,
        action="person.duplicate_review",
        case_ids=[c for d in found for c in (d.a.case_id, d.b.case_id)],
        purpose="duplicates",
    )
    return found


def duplicate_last_run(*, actor):
    """The last finished duplicate search (when the candidates were found), or None: no run yet.
    Counts only, nothing about any person."""
    from qorgau.people.models import DuplicateRun

    if not policies.can_review_duplicates(actor):
        raise PermissionDenied
    return DuplicateRun.objects.order_by("-finished_at").first()


def pair_decision_list(*, actor, limit: int = 50) -> list:
    """Decisions on pairs within the supervisor's sight (for undoing), newest first."""
    from qorgau.people.models import PairDecision

    if not policies.can_review_duplicates(actor):
        raise PermissionDenied
    own = actor.agency_id
    return list(
        PairDecision.objects.filter(
            undone_at__isnull=True,
            person_a__case__holding_agency_id=own,
            person_b__case__holding_agency_id=own,
        ).select_related("person_a__case", "person_b__case", "decided_by")[:limit]
    )
