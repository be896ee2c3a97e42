"""Audit-chain append throughput with concurrent writers on PostgreSQL (issue 14).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qorgau_bench QORGAU_ENV=demo \
        .venv/bin/python bench/audit_throughput.py --writers 1 4 16 --seconds 10 [--hold-ms 0] [--lanes 1 8]

Each writer is its own forked process (own connection, no shared GIL) appending `audit_record` events,
one transaction each, for a bounded time; `--hold-ms` keeps the transaction open that long after
the append, as a service's write does (the event joins the write's transaction, so the head
stays locked until it commits). Prints events/s and append latency per writer count, then
checks the chain with `audit verify`. `--control` runs the same transactions without the head
(an HMAC and an INSERT into a table of their own): if that scales with writers and the chain
does not, the head is the bottleneck. `--lanes` runs the chain with each number of lanes
(QORGAU_AUDIT_LANES; 1 is the single head of before). Figures only: it never fails on speed.
Runs `migrate` first.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
    import django

    django.setup()


CONTROL = "bench_audit_control"


def _control_append() -> None:
    """The same work without the shared head: one HMAC, one INSERT into a table of its own."""
    import hashlib
    import hmac

    from django.db import connection

    digest = hmac.new(b"k" * 32, str(time.time()).encode(), hashlib.sha256).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {CONTROL} (hash) VALUES (%s)", [digest])


def _writer(barrier, seconds: float, hold_ms: float, queue, control: bool) -> None:
    from django.db import connection, transaction

    from qorgau.core.audit import audit_record

    def append():
        if control:
            _control_append()
        else:
            audit_record(actor=None, action="bench.append", object_type="bench", object_id="x")

    latencies = []
    append()  # connected and warm
    barrier.wait()
    deadline = time.time() + seconds
    while time.time() < deadline:
        t0 = time.perf_counter()
        with transaction.atomic():
            append()
            if hold_ms:
                time.sleep(hold_ms / 1000)
        latencies.append(time.perf_counter() - t0)
    connection.close()
    queue.put(latencies)


def run(writers: int, seconds: float, hold_ms: float, control: bool = False, lanes: int = 1) -> dict:
    from django.conf import settings
    from django.db import connection

    from qorgau.core.audit import audit_lanes_ensure

    settings.QORGAU_AUDIT_LANES = lanes  # the forked writers inherit it
    audit_lanes_ensure()
    connection.close()  # each forked writer opens its own connection
    ctx = multiprocessing.get_context("fork")
    queue, barrier = ctx.Queue(), ctx.Barrier(writers + 1)
    procs = [
        ctx.Process(target=_writer, args=(barrier, seconds, hold_ms, queue, control)) for _ in range(writers)
    ]
    for proc in procs:
        proc.start()
    barrier.wait()
    started = time.time()
    latencies = [lat for _ in procs for lat in queue.get()]
    late = time.time() - started - seconds  # well over 0: the last append waited long for the head
    for proc in procs:
        proc.join()
    latencies.sort()
    return {
        "chain": "control (no head)" if control else "audit",
        "lanes": None if control else lanes,
        "writers": writers,
        "hold_ms": hold_ms,
        "events": len(latencies),
        "events_per_s": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000, 2) if latencies else None,
        "finished_late_s": round(late, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--hold-ms", type=float, nargs="+", default=[0])
    parser.add_argument("--lanes", type=int, nargs="+", default=[1, 8], help="QORGAU_AUDIT_LANES to run")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of every configuration; medians printed"
    )
    parser.add_argument(
        "--control", action="store_true", help="also run the same appends without the shared head"
    )
    args = parser.parse_args(argv)
    _setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("audit_throughput: needs PostgreSQL (DATABASE_URL=postgres://...)")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {CONTROL} (id bigserial PRIMARY KEY, hash text)")
    connection.close()
    modes = [(False, lanes) for lanes in args.lanes] + ([(True, 1)] if args.control else [])
    runs: dict[tuple, list[dict]] = {}
    for _round in range(args.repeat):  # rounds interleave the configurations: noise hits them alike
        for hold in args.hold_ms:
            for control, lanes in modes:
                for writers in args.writers:
                    result = run(writers, args.seconds, hold, control, lanes)
                    runs.setdefault((hold, control, lanes, writers), []).append(result)
                    print(result, flush=True)
    if args.repeat > 1:
        print(f"medians of {args.repeat} rounds: events/s (p50 ms, p95 ms)")
        for (hold, control, lanes, writers), results in runs.items():
            rate = statistics.median(r["events_per_s"] for r in results)
            p50 = statistics.median(r["p50_ms"] for r in results)
            p95 = statistics.median(r["p95_ms"] for r in results)
            chain = "control (no head)" if control else f"audit, {lanes} lane{'s' if lanes > 1 else ''}"
            print(
                f"| hold {hold:g} ms | {chain} | {writers} writers | {rate:.1f} ({p50:.0f}, {p95:.0f} ms) |"
            )
    from qorgau.core.audit import audit_verify

    result = audit_verify()
    print({"verify_ok": result.ok, "events": result.checked, "problem": result.problem})


if __name__ == "__main__":
    main()
