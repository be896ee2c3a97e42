"""Intake candidate search against the persons of bench/identity/persons_1m.py: server time per
kind of search, queries per search, peak memory, and beside it the floor (one primary-key query).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qorgau_persons_1m QORGAU_ENV=demo \\
        CACHE_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/identity/intake_speed.py [--searches 500] [--explain]

The searches are what a caseworker types at intake, about the survivors of the data set (the
generator gives back who they are from the seed, without opening the database) and about women
who are not in it (most intakes): the exact IIN; the IIN with two adjacent digits swapped (fails
its check digit); her phone typed the local way (8 700 ...); her name in another script with a
typo and the birth date's day and month swapped; surname and given name only; the full name with
the birth date; a new woman (name, birth date, phone, IIN that nobody has). Each goes through
``people.selectors.candidate_search`` as the view calls it (a caseworker of a regional centre,
her open intake draft, the policy, the matching, the audit events); server time is its wall time,
SQL included. Caseworkers take turns and their per-request memo is cleared, as for a new request.
The search limit's counter lives in the cache, Redis as in production (``CACHE_URL``).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src"), str(HERE)]

KINDS = [
    "iin_exact",
    "iin_transposed",
    "phone",
    "name_script_typo_date_swapped",
    "name_only",
    "full_name_date",
    "new_woman",
]
OTHER_SCRIPT = {"kk": "passport", "ru": "latin2021", "passport": "kk", "latin2021": "ru"}


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def _local_phone(e164: str) -> str:
    digits = e164.lstrip("+")[1:]  # 700...
    return f"8 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"


def _swap_failing(iin: str, rng: random.Random) -> str | None:
    from qorgau.people import matching

    spots = list(range(11))
    rng.shuffle(spots)
    for i in spots:
        if iin[i] == iin[i + 1]:
            continue
        swapped = iin[:i] + iin[i + 1] + iin[i] + iin[i + 2 :]
        if not matching._checksum_ok(swapped):
            return swapped
    return None


def _date_swapped(born: date) -> date:
    if born.day <= 12 and born.day != born.month:
        return date(born.year, born.day, born.month)
    return born.replace(day=born.day + 1 if born.day < 28 else born.day - 1)  # one digit off


def queries(seed: int, batches: int, count: int, rng: random.Random):
    """(kind, Record, the survivor's IIN or None) for `count` searches, kinds in turn."""
    from persons_1m import household_batch
    from population import render, typo

    from qorgau.people.matching import Record

    survivors = []
    for b in rng.sample(range(batches), min(batches, 25)):
        for h in household_batch(seed, b):
            survivors += [(h, m) for m in h.members if m.role == "survivor"]
    newcomers = [
        (h, m) for h in household_batch(seed + 7919, 0) for m in h.members if m.role == "survivor"
    ]  # another seed: women who are not in the data set
    out = []
    while len(out) < count:
        kind = KINDS[len(out) % len(KINDS)]
        h, m = rng.choice(newcomers if kind == "new_woman" else survivors)
        d = m.data
        if kind == "iin_exact" and d["iin"]:
            out.append((kind, Record(iin=d["iin"]), m))
        elif kind == "iin_transposed" and d["iin"] and (typed := _swap_failing(d["iin"], rng)):
            out.append((kind, Record(iin=typed), m))
        elif kind == "phone" and d["phones"]:
            out.append((kind, Record(phones=(_local_phone(d["phones"][0]),)), m))
        elif kind == "name_script_typo_date_swapped" and d["birth_date"]:
            script = OTHER_SCRIPT[h.script]
            surname, given = render(m.surname, script, rng), render(m.given, script, rng)
            if rng.random() < 0.5:
                surname = typo(surname, rng)
            else:
                given = typo(given, rng)
            record = Record(
                surname=surname, given_name=given, birth_date=_date_swapped(d["birth_date"]), sex="F"
            )
            out.append((kind, record, m))
        elif kind == "name_only":
            script = rng.choice(["kk", "ru", "passport", "latin2021"])
            record = Record(surname=render(m.surname, script, rng), given_name=render(m.given, script, rng))
            out.append((kind, record, m))
        elif kind == "full_name_date" and d["birth_date"]:
            record = Record(
                surname=d["family_name"], given_name=d["given_name"], patronymic=m.patronymic,
                birth_date=d["birth_date"], sex="F",
            )  # fmt: skip
            out.append((kind, record, m))
        elif kind == "new_woman":
            record = Record(
                surname=m.surname, given_name=m.given, patronymic=m.patronymic, birth_date=m.born,
                sex="F", iin=m.iin, phones=(_local_phone("+" + m.phone),),
            )  # fmt: skip
            out.append((kind, record, None))
    return out


class Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _backend_hwm_kib(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def explain(query) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the shortlist query for one search."""
    from django.db import connection

    from qorgau.people import selectors

    captured = []

    def grab(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(grab):
        selectors._shortlist(selectors.query_digests(query), ("survivor",))
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n".join(r[0] for r in cursor.fetchall()))


def run(*, searches: int, seed: int, show_explain: bool) -> None:
    import tracemalloc

    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from qorgau.accounts.models import User
    from qorgau.cases.models import IntakeDraft
    from qorgau.people.models import Person
    from qorgau.people.selectors import candidate_search

    with connection.cursor() as cursor:
        cursor.execute("SELECT batches, persons, indexes FROM bench_persons_state WHERE seed = %s", [seed])
        row = cursor.fetchone()
        if row is None:
            raise SystemExit("intake_speed: no data set; run bench/identity/persons_1m.py first")
        batches, persons, pending = row
        if pending:
            raise SystemExit("intake_speed: the generator has not built its indexes yet; run it again")
        cursor.execute("SELECT count(*) FROM people_personindex")
        index_rows = cursor.fetchone()[0]
    rng = random.Random(seed)
    plan = queries(seed, batches, searches, rng)
    workers = list(User.objects.filter(username__regex=r"^bench\..*\.cw1$").select_related("agency"))
    drafts = {}
    for w in workers:
        draft = IntakeDraft.objects.filter(owner=w).first() or IntakeDraft.objects.create(
            owner=w, agency=w.agency
        )
        drafts[w.pk] = draft.pk
    person_ids = list(Person.objects.order_by("?").values_list("pk", flat=True)[:searches])
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    counts: dict[str, list[int]] = {k: [] for k in KINDS}
    found: dict[str, list[bool]] = {k: [] for k in KINDS}
    floor: list[float] = []
    counter = Counter()
    with override_settings(QORGAU_IDENTITY_SEARCH_LIMIT=10**9):
        for i, (_kind, query, _m) in enumerate(plan[:10]):  # warm up: connection, caches
            w = workers[i % len(workers)]
            candidate_search(actor=w, query=query, draft_id=drafts[w.pk])
        for i, (kind, query, member) in enumerate(plan):
            w = workers[i % len(workers)]
            w.__dict__.pop("_qorgau_case_access", None)  # a new request: no memo
            counter.n = 0
            with connection.execute_wrapper(counter):
                t0 = time.perf_counter()
                out = candidate_search(actor=w, query=query, draft_id=drafts[w.pk])
                times[kind].append((time.perf_counter() - t0) * 1000)
            counts[kind].append(counter.n)
            if member is not None:
                found[kind].append(bool(out))
            t0 = time.perf_counter()
            Person.objects.filter(pk=person_ids[i % len(person_ids)]).values_list("pk", flat=True).first()
            floor.append((time.perf_counter() - t0) * 1000)
        tracemalloc.start()
        peak = 0
        for i, (_kind, query, _m) in enumerate(plan[:70]):
            w = workers[i % len(workers)]
            tracemalloc.reset_peak()
            candidate_search(actor=w, query=query, draft_id=drafts[w.pk])
            peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    print(
        f"intake_speed: {persons} persons, {index_rows} blind-index rows, {len(plan)} searches "
        f"(threshold {settings.QORGAU_MATCH_THRESHOLD}); server time in ms"
    )
    print(f"{'kind':32} {'n':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'queries':>8} {'found':>6}")
    every = []
    for kind in KINDS:
        t = times[kind]
        every += t
        hit = f"{sum(found[kind])}/{len(found[kind])}" if found[kind] else "-"
        print(
            f"{kind:32} {len(t):>4} {_pct(t, 50):7.1f} {_pct(t, 95):7.1f} {_pct(t, 99):7.1f} {max(t):7.1f} "
            f"{statistics.mean(counts[kind]):8.1f} {hit:>6}"
        )
    all_counts = [c for k in KINDS for c in counts[k]]
    print(
        f"{'all':32} {len(every):>4} {_pct(every, 50):7.1f} {_pct(every, 95):7.1f} {_pct(every, 99):7.1f} "
        f"{max(every):7.1f} {statistics.mean(all_counts):8.1f}"
    )
    print(
        f"{'floor: one primary-key query':32} {len(floor):>4} {_pct(floor, 50):7.2f} {_pct(floor, 95):7.2f} "
        f"{_pct(floor, 99):7.2f} {max(floor):7.2f} {1:8.1f}"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"peak memory: Python process {rss / 1024:.0f} MiB RSS (high-water, whole run), "
        f"Python heap within one search {peak / 2**20:.1f} MiB (tracemalloc, peak of 70), "
        f"PostgreSQL backend {_backend_hwm_kib(connection) / 1024:.0f} MiB RSS high-water "
        f"(includes the shared buffers it touched)"
    )
    if show_explain:
        for kind in KINDS:
            query = next(q for k, q, _m in plan if k == kind)
            print(f"\n--- {kind}")
            explain(query)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) one per kind")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
    import django

    django.setup()
    run(searches=args.searches, seed=args.seed, show_explain=args.explain)


if __name__ == "__main__":
    main()
