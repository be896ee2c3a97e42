"""The country-wide duplicate search against the persons of bench/identity/persons_1m.py: wall time
per stage, pairs compared and stored, peak memory; beside it what a supervisor's review page costs
now (reading the stored candidates) and, with --baseline, what it cost before (blocking her
agency's survivors in Python and comparing them live, on every page load).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qorgau_persons_1m QORGAU_ENV=demo \\
        .venv/bin/python bench/identity/duplicates_1m.py [--processes N] [--pages 5] [--baseline]

The search is ``people.duplicates.find_duplicates`` as the nightly job and ``qorgau people
duplicates`` run it (it replaces the stored candidates). Peak memory: this process and the largest
of its forked workers (getrusage), and the PostgreSQL backend (VmHWM).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src"), str(HERE)]


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


def _live_review(actor) -> tuple[int, int]:
    """The review as it was computed on every page load before the stored search (the code of
    selectors.duplicate_pair_list before it): (pairs compared, pairs at the threshold)."""
    from django.conf import settings

    from qorgau.people import matching
    from qorgau.people.models import PairDecision, Person
    from qorgau.people.selectors import blocked_pairs, person_record

    people = {
        p.pk: p
        for p in Person.objects.filter(
            case__holding_agency_id=actor.agency_id, role="survivor"
        ).select_related("case")
    }
    decided = set(
        PairDecision.objects.filter(undone_at__isnull=True, person_a__in=list(people)).values_list(
            "person_a_id", "person_b_id"
        )
    )
    compared = found = 0
    prepared = {}
    for a, b in blocked_pairs(set(people)):
        a, b = sorted((a, b), key=str)
        if (a, b) in decided or people[a].case_id == people[b].case_id:
            continue
        for x in (a, b):
            if x not in prepared:
                prepared[x] = matching.prepare(person_record(people[x]))
        compared += 1
        found += matching.compare(prepared[a], prepared[b]).probability >= settings.QORGAU_MATCH_THRESHOLD
    return compared, found


def run(*, processes: int | None, pages: int, baseline: bool) -> None:
    from django.db import connection

    from qorgau.accounts.models import User
    from qorgau.people import selectors
    from qorgau.people.duplicates import find_duplicates
    from qorgau.people.models import DuplicateCandidate, Person

    persons = Person.objects.count()
    print(f"database: {persons} persons; processes: {processes or os.cpu_count()}")
    started = time.perf_counter()
    summary = find_duplicates(processes=processes)
    wall = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        f"search: {wall:.1f} s wall ("
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.seconds.items())
        + ")"
    )
    print(
        f"  {summary.survivors} survivors, "
        f"{summary.pairs_compared} pairs compared ({summary.pairs_compared / max(summary.seconds['comparing'], 1e-9):.0f}"
        f" pairs/s), {summary.persons_opened} persons opened, {summary.pairs_stored} pairs stored"
    )
    print(
        f"  peak RSS: this process {own / 1024:.0f} MiB, largest worker {workers / 1024:.0f} MiB, "
        f"PostgreSQL backend {_backend_hwm_kib(connection) / 1024:.0f} MiB"
    )
    supervisors = list(User.objects.filter(username__regex=r"^bench\..*\.sup$").select_related("agency"))
    if not supervisors:
        print("no bench supervisors (bench.<region>.sup): no page figures")
        return
    # The supervisor of the agency with the most stored pairs, else the first.
    busiest = max(
        supervisors,
        key=lambda u: DuplicateCandidate.objects.filter(
            person_a__case__holding_agency_id=u.agency_id
        ).count(),
    )
    times = []
    for _ in range(pages):
        clock = time.perf_counter()
        shown = selectors.duplicate_pair_list(actor=busiest)
        times.append(time.perf_counter() - clock)
    print(
        f"review page now ({busiest.username}, {len(shown)} pairs shown): median {statistics.median(times) * 1000:.0f} ms"
        f" of {pages}"
    )
    if baseline:
        clock = time.perf_counter()
        compared, found = _live_review(busiest)
        print(
            f"review page before (live, same agency): {time.perf_counter() - clock:.1f} s, "
            f"{compared} pairs compared, {found} at the threshold"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--baseline", action="store_true", help="also time the live review of before")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
    import django

    django.setup()
    run(processes=args.processes, pages=args.pages, baseline=args.baseline)


if __name__ == "__main__":
    main()
