"""Build a national-size synthetic data set on PostgreSQL: cases in 20 regions with survivors,
perpetrators, incidents, consents, referrals in every state, assessments, safety plans, notes,
notifications and the audit chain that all of it would have left.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qorgau_scale_big QORGAU_ENV=demo \\
        .venv/bin/python bench/generate.py --cases 1000000

Rows are built by the same domain code as the services (bench/generator/bulk.py) and written with
COPY, one transaction per batch. Interrupt it at any time and run the same command again: it goes
on after the last finished batch (the same seed gives the same cases). `--cases` is the total the
data set should reach, so a later, larger run extends it.
"""

import argparse
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "src")]


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
    import django

    django.setup()


STATE_TABLE = "bench_generator_state"


def _process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu(connection) -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine only, else 0)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _state(cursor, seed: int):
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} "
        "(seed bigint PRIMARY KEY, done bigint NOT NULL, start timestamptz NOT NULL, seconds double precision NOT NULL)"
    )
    cursor.execute(f"SELECT done, start, seconds FROM {STATE_TABLE} WHERE seed = %s", [seed])
    return cursor.fetchone()


def generate(*, cases: int, seed: int = 1, batch: int = 1000, regions: int = 20, quiet: bool = False) -> dict:
    """Extend the data set of `seed` to `cases` cases. Returns the figures of this run."""
    from bench.generator.bulk import MODELS, CaseRows, build_case, next_numbers, write
    from bench.generator.spec import case_spec
    from bench.generator.world import build_world
    from django.db import connection, transaction
    from django.utils import timezone
    from tqdm import tqdm

    from qorgau.core.audit import audit_source
    from qorgau.directory.models import ServiceType

    if connection.vendor != "postgresql":
        raise SystemExit("generate: needs PostgreSQL (DATABASE_URL=postgres://...)")
    world = build_world(regions)
    codes = sorted(world)
    services = {s.code: s for s in ServiceType.objects.all()}
    with connection.cursor() as cursor:
        row = _state(cursor, seed)
        if row is None:
            start = timezone.now().replace(microsecond=0) - timedelta(days=3 * 365 + 30)
            cursor.execute(f"INSERT INTO {STATE_TABLE} VALUES (%s, 0, %s, 0)", [seed, start])
            done = 0
        else:
            done, start, _seconds = row
        cursor.execute("SET synchronous_commit TO off")  # a lost last batch is simply built again
    token = audit_source.set("web")
    began, first = time.monotonic(), done
    cpu_before = _process_cpu(), _backend_cpu(connection)
    bar = tqdm(total=cases, initial=done, unit="case", disable=quiet, smoothing=0.05)
    try:
        while done < cases:
            size = min(batch, cases - done)
            t0 = time.monotonic()
            specs = [case_spec(seed, i, codes, start, 3 * 365) for i in range(done, done + size)]
            with transaction.atomic():
                rows = CaseRows()
                for spec, number in zip(specs, next_numbers(specs), strict=True):
                    build_case(rows, spec, world[spec.region], number, services)
                write(rows)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {STATE_TABLE} SET done = %s, seconds = seconds + %s WHERE seed = %s",
                        [done + size, time.monotonic() - t0, seed],
                    )
            done += size
            bar.update(size)
    finally:
        bar.close()
        audit_source.reset(token)
    python_cpu, postgres_cpu = _process_cpu() - cpu_before[0], _backend_cpu(connection) - cpu_before[1]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        size_bytes = cursor.fetchone()[0]
        tables = [m._meta.db_table for m in MODELS] + ["core_auditevent"]
        cursor.execute(
            "SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest(%s::text[]) AS t", [tables]
        )
        data_bytes = int(cursor.fetchone()[0])
        cursor.execute(f"SELECT seconds FROM {STATE_TABLE} WHERE seed = %s", [seed])
        total_seconds = cursor.fetchone()[0]
    return {
        "cases": done,
        "built_now": done - first,
        "seconds_now": round(time.monotonic() - began, 1),
        "seconds_total": round(total_seconds, 1),
        "database_bytes": size_bytes,
        "data_bytes": data_bytes,  # the generated tables with their indexes and TOAST
        # CPU time, not wall time: on a shared machine it is the figure that says what a
        # dedicated one would do (one generator process and its PostgreSQL backend).
        "python_cpu_ms_per_case": round(python_cpu * 1000 / max(done - first, 1), 2),
        "postgres_cpu_ms_per_case": round(postgres_cpu * 1000 / max(done - first, 1), 2),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="total cases the data set should have")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1000, help="cases per transaction")
    parser.add_argument("--regions", type=int, default=20)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    figures = generate(
        cases=args.cases, seed=args.seed, batch=args.batch, regions=args.regions, quiet=args.quiet
    )
    per_million = figures["data_bytes"] / max(figures["cases"], 1) * 1_000_000
    print(
        f"generate: {figures['cases']} cases ({figures['built_now']} built in {figures['seconds_now']} s now, "
        f"{figures['seconds_total']} s in all); database {figures['database_bytes'] / 2**30:.2f} GiB, "
        f"{per_million / 2**30:.1f} GiB per million cases; CPU per case: Python "
        f"{figures['python_cpu_ms_per_case']} ms, PostgreSQL {figures['postgres_cpu_ms_per_case']} ms"
    )


if __name__ == "__main__":
    main()
