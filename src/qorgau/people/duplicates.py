"""The country-wide duplicate search: which survivors are probably one woman registered twice.

Run nightly (``people.tasks``) or by hand (``qorgau people duplicates``); the review page of a
supervisor reads what the last run stored (``selectors.duplicate_pair_list``), so a page load
compares nothing. A run:

1. blocks in SQL on the blind-index rows of survivors alone (nothing decrypted): the same IIN,
   the same phone, the same birth date with a full name token in common, or two full name tokens
   in common (among a person's first eight) — the rules of ``selectors.blocked_pairs``; a phone
   or a pair of name tokens held by more than MAX_BLOCK survivors is too common to compare by;
   pairs within one case and pairs with a live ``PairDecision`` are left out there too;
2. opens (decrypts) only the survivors that are in some candidate pair, in chunks;
3. compares the pairs with ``matching`` on every core (the forked pool of ``people.linkage``);
4. replaces the previous run's candidates, in one transaction, by the pairs at or above
   QORGAU_MATCH_THRESHOLD, with their probability and reason codes.

It never merges: relatives share a surname, a patronymic, an address and a phone, and only a
supervisor's decision links two records.
"""

from __future__ import annotations

import gc
import os
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from qorgau.core.audit import audit_record
from qorgau.people import linkage, matching
from qorgau.people.models import DuplicateCandidate, DuplicateRun, PairDecision, Person, PersonIndex
from qorgau.people.progress import Progress, no_progress
from qorgau.people.selectors import MAX_BLOCK, person_record

NAME_TOKENS = 8  # a person's full name tokens (by digest) that make pairs of tokens, as in the review
OPEN_CHUNK = 2000  # persons decrypted per query
COMPARE_CHUNK = 5000  # pairs per task of the pool
FETCH = 20_000  # rows read from the database at a time
WORK_MEM = "256MB"  # PostgreSQL's memory per sort or hash while blocking
# Names weigh by their share of the survivors opened once there are enough of them to count: at
# national size "same given name and birth date" is common for "Aigul", rare for a rare name,
# and the model's typical values proposed tens of thousands of strangers. A few dozen records
# give no meaningful shares, so small searches keep the typical values.
FREQUENCIES_FROM = 10_000


@dataclass
class Summary:
    survivors: int
    pairs_compared: int
    persons_opened: int
    pairs_stored: int
    seconds: dict[str, float]
    run: DuplicateRun


_shared: dict = {}  # what the forked comparing workers read: prepared records, the pairs


def _scored(bounds: tuple[int, int]) -> list[tuple[int, float, list[str]]]:
    prepared, left, right = _shared["prepared"], _shared["left"], _shared["right"]
    threshold, above = _shared["threshold"], _shared["matcher"].compare_above
    out = []
    for k in range(*bounds):
        result = above(prepared[left[k]], prepared[right[k]], threshold)
        if result is not None:
            out.append((k, result.probability, result.reason_codes))
    return out


def _blocking_sql(collate: str) -> list[str]:
    """Statements that leave the blocking keys in the temporary table dup_member (n, c, key: the
    survivor's number, her case's number, the key's number) and the decided pairs in dup_decided.
    Numbers follow the ids, so a < b is PairDecision's spelling of a pair (ids in order)."""
    person = connection.ops.quote_name(Person._meta.db_table)
    index = connection.ops.quote_name(PersonIndex._meta.db_table)
    decision = connection.ops.quote_name(PairDecision._meta.db_table)
    return [
        "CREATE TEMPORARY TABLE dup_person AS SELECT ROW_NUMBER() OVER (ORDER BY id) AS n, "  # noqa: S608 (table names from the models)
        f"DENSE_RANK() OVER (ORDER BY case_id) AS c, id FROM {person} WHERE role = 'survivor'",
        "CREATE UNIQUE INDEX dup_person_n ON dup_person (n)",
        "CREATE UNIQUE INDEX dup_person_id ON dup_person (id)",
        "ANALYZE dup_person",  # temporary tables get no autovacuum: the planner needs their sizes
        # The keys of survivors only: IIN, phone, birth date, full name tokens (f:).
        f"CREATE TEMPORARY TABLE dup_key AS SELECT p.n, p.c, i.kind, i.digest {collate} AS digest "  # noqa: S608
        f"FROM {index} i JOIN dup_person p ON p.id = i.person_id "
        "WHERE i.kind IN ('iin', 'phone', 'birth') OR (i.kind = 'name' AND i.digest LIKE 'f:%')",
        "CREATE INDEX dup_key_n ON dup_key (n, kind)",
        "ANALYZE dup_key",
        # Every blocking key as (rule, first, second): an IIN or a phone; a birth date with one
        # full name token; two full name tokens of the first NAME_TOKENS of a person (by digest).
        "CREATE TEMPORARY TABLE dup_keyed AS "  # noqa: S608 (constants)
        "SELECT n, c, kind AS rule, digest AS first, '' AS second FROM dup_key WHERE kind IN ('iin', 'phone') "
        "UNION ALL SELECT b.n, b.c, 'birth', b.digest, f.digest FROM dup_key b "
        "JOIN dup_key f ON f.n = b.n AND f.kind = 'name' WHERE b.kind = 'birth' "
        "UNION ALL SELECT x.n, x.c, 'names', x.digest, y.digest FROM ("
        "SELECT n, c, digest, ROW_NUMBER() OVER (PARTITION BY n ORDER BY digest) AS k FROM dup_key WHERE kind = 'name'"
        ") x JOIN (SELECT n, digest, ROW_NUMBER() OVER (PARTITION BY n ORDER BY digest) AS k FROM dup_key "
        f"WHERE kind = 'name') y ON y.n = x.n AND y.digest > x.digest WHERE x.k <= {NAME_TOKENS} AND y.k <= {NAME_TOKENS}",
        # The keys held by two survivors or more, numbered (joins on a number, not on digests);
        # a phone or a pair of name tokens held by more than MAX_BLOCK is too common to say anything.
        "CREATE TEMPORARY TABLE dup_member AS SELECT n, c, DENSE_RANK() OVER (ORDER BY rule, first, second) AS key "  # noqa: S608 (constants)
        "FROM (SELECT n, c, rule, first, second, COUNT(*) OVER (PARTITION BY rule, first, second) AS size "
        f"FROM dup_keyed) s WHERE size >= 2 AND (rule IN ('iin', 'birth') OR size <= {MAX_BLOCK})",
        "CREATE INDEX dup_member_key ON dup_member (key, n)",
        "ANALYZE dup_member",
        # The pairs a supervisor has decided (a few): never compared again while the decision stands.
        "CREATE TEMPORARY TABLE dup_decided AS SELECT pa.n AS a, pb.n AS b FROM "  # noqa: S608
        f"{decision} d JOIN dup_person pa ON pa.id = d.person_a_id JOIN dup_person pb ON pb.id = d.person_b_id "
        "WHERE d.undone_at IS NULL",
    ]


# Pairs sharing a key, not within one case, not decided; on PostgreSQL one row per first person
# with her partners as one text (tens of millions of pairs as rows would cost more than comparing).
_PAIRS = (
    "FROM dup_member x JOIN dup_member y ON y.key = x.key AND y.n > x.n AND y.c <> x.c "
    "WHERE NOT EXISTS (SELECT 1 FROM dup_decided d WHERE d.a = x.n AND d.b = y.n)"
)
_TEMPORARY = ("dup_decided", "dup_member", "dup_keyed", "dup_key", "dup_person")


def _drop_temporary(cursor) -> None:
    for table in _TEMPORARY:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _candidate_pairs(cursor) -> tuple[int, array, array]:
    """(survivors, a, b): the candidate pairs as two arrays of person numbers."""
    postgres = connection.vendor == "postgresql"
    _drop_temporary(cursor)
    if postgres:  # a batch's sorts and hashes in memory, not on disk
        cursor.execute(f"SET work_mem = '{WORK_MEM}'")
    try:
        for statement in _blocking_sql(' COLLATE "C"' if postgres else ""):  # Python's order of text
            cursor.execute(statement)
        cursor.execute("SELECT COUNT(*) FROM dup_person")
        survivors = cursor.fetchone()[0]
        left, right = array("i"), array("i")
        if postgres:
            cursor.execute(f"SELECT x.n, string_agg(DISTINCT y.n::text, ' ') {_PAIRS} GROUP BY x.n")
            while rows := cursor.fetchmany(FETCH):
                for a, partners in rows:
                    numbers = array("i", map(int, partners.split()))
                    left.extend(repeat(a, len(numbers)))
                    right.extend(numbers)
        else:
            cursor.execute(f"SELECT DISTINCT x.n, y.n {_PAIRS}")
            while rows := cursor.fetchmany(FETCH):
                for a, b in rows:
                    left.append(a)
                    right.append(b)
    finally:
        if postgres:
            cursor.execute("RESET work_mem")
    return survivors, left, right


SEALED = ("family_name", "given_name", "patronymic", "birth_date", "iin", "phones")
CLEAR = ("birth_year", "sex", "region_id")
OPEN_BATCH = 50_000  # persons read (still sealed) before the pool opens them


def _opened(bounds: tuple[int, int]) -> list[tuple[int, matching.Prepared]]:
    """In a worker: decrypt and prepare rows (number, id, sealed fields..., clear fields...)."""
    fields = [Person._meta.get_field(name) for name in SEALED]
    out = []
    for n, pk, *values in _shared["rows"][bounds[0] : bounds[1]]:
        row = SimpleNamespace(_meta=Person._meta, pk=pk)  # what a field's AAD is bound to
        for field, token in zip(fields, values, strict=False):
            setattr(row, field.attname, None if token is None else field.open(row, token))
        for name, value in zip(CLEAR, values[len(SEALED) :], strict=True):
            setattr(row, name, value)
        prepared = matching.prepare(person_record(row))
        prepared.record = _EMPTY  # the comparison needs the prepared fields only
        out.append((n, prepared))
    return out


_EMPTY = matching.Record()


def _open(cursor, wanted: list[int], update: Callable[[int], None], processes: int) -> tuple[dict, dict]:
    """{number: prepared record} and {number: person id} of the persons wanted (those in some
    pair); nobody else is opened. Read sealed OPEN_CHUNK at a time, decrypted on every core."""
    ids: dict = {}
    cursor.execute("SELECT n, id FROM dup_person")
    while rows := cursor.fetchmany(FETCH):
        for n, pk in rows:
            ids[n] = pk
    ids = {n: Person._meta.pk.to_python(ids[n]) for n in wanted}
    number = {pk: n for n, pk in ids.items()}
    prepared: dict = {}
    for start in range(0, len(wanted), OPEN_BATCH):
        rows = []
        batch = wanted[start : start + OPEN_BATCH]
        for first in range(0, len(batch), OPEN_CHUNK):
            chunk = [ids[n] for n in batch[first : first + OPEN_CHUNK]]
            query = Person.objects.filter(pk__in=chunk).order_by().values_list("id", *SEALED, *CLEAR)
            rows.extend((number[pk], pk, *values) for pk, *values in query)
        _shared["rows"] = rows
        try:
            for chunk_prepared in linkage.each_chunk(_opened, len(rows), update, processes, chunk=OPEN_CHUNK):
                prepared.update(chunk_prepared)
        finally:
            _shared.pop("rows", None)
    return prepared, ids


def find_duplicates(*, progress: Progress | None = None, processes: int | None = None) -> Summary:
    """Run the search over every survivor of the country and store its candidates (see above)."""
    progress = progress or no_progress
    processes = processes or os.cpu_count() or 1
    started = timezone.now()
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    with connection.cursor() as cursor:
        try:
            progress("blocking", None)
            survivors, left, right = _candidate_pairs(cursor)
            seconds["blocking"] = time.perf_counter() - clock
            clock = time.perf_counter()
            wanted = sorted(set(left).union(right))
            opened = len(wanted)
            prepared, ids = _open(cursor, wanted, progress("opening", opened), processes)
            del wanted
        finally:
            _drop_temporary(cursor)
    seconds["opening"] = time.perf_counter() - clock
    clock = time.perf_counter()
    gc.freeze()  # the forked workers then do not copy the prepared records by collecting them
    frequencies = linkage.name_frequencies(list(prepared.values())) if opened >= FREQUENCIES_FROM else None
    _shared.update(
        prepared=prepared,
        left=left,
        right=right,
        threshold=settings.QORGAU_MATCH_THRESHOLD,
        matcher=matching.Matcher(frequencies=frequencies),
    )
    try:
        found = [
            hit
            for chunk in linkage.each_chunk(
                _scored, len(left), progress("comparing", len(left)), processes, chunk=COMPARE_CHUNK
            )
            for hit in chunk
        ]
    finally:
        _shared.clear()
        gc.unfreeze()
    seconds["comparing"] = time.perf_counter() - clock
    clock = time.perf_counter()
    found_at = timezone.now()
    with transaction.atomic():
        DuplicateCandidate.objects.all().delete()
        run = DuplicateRun.objects.create(
            started_at=started,
            finished_at=found_at,
            survivors=survivors,
            pairs_compared=len(left),
            pairs_stored=len(found),
        )
        DuplicateCandidate.objects.bulk_create(
            (
                DuplicateCandidate(
                    run=run,
                    person_a_id=ids[left[k]],
                    person_b_id=ids[right[k]],
                    probability=probability,
                    reasons=codes,
                    found_at=found_at,
                )
                for k, probability, codes in found
            ),
            batch_size=2000,
        )
        audit_record(
            actor=None,
            action="person.duplicate_search",
            obj=run,
            detail={"survivors": survivors, "compared": len(left), "stored": len(found)},
        )
    seconds["storing"] = time.perf_counter() - clock
    return Summary(survivors, len(left), opened, len(found), seconds, run)
