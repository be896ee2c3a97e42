"""The load test: signed-in staff against gunicorn with production settings behind nginx, on
PostgreSQL and Redis, beside the floor (bench/floor.py) in the same run. Loopback only; every
phase is bounded in users, requests' time and total time, and stops by itself.

    .venv/bin/python bench/load/run.py --database qorgau_scale_load --cases 20000   # a full run
    .venv/bin/python bench/load/run.py --quick                                       # CI: a few seconds

The database is generated (bench/generate.py) with this run's keys the first time; its keys are
kept in var/bench-keys/<database>.json so later runs open the same data (a database whose keys
are missing is made again; --quick always starts from an empty one). Prints one table:
requests/s, p50, p95, p99 and errors per kind of request, and the case page's throughput as a
fraction of the floor's. The figures also go to var/load/<database>.json.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO)]

from bench.load.totp import totp  # noqa: E402

from deploy import stack as deploy_stack  # noqa: E402

BIN = Path(sys.executable).parent


def _keys_path(database: str) -> Path:
    return REPO / "var" / "bench-keys" / f"{database}.json"


def _keys(database: str) -> dict:
    path = _keys_path(database)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(deploy_stack.new_keys()))
        path.chmod(0o600)
    return json.loads(path.read_text())


def _psql(sql: str, database="postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atc", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _processes(stack, database: str) -> dict[str, list[int]]:
    """The processes that serve the load: gunicorn's workers, nginx's workers, PostgreSQL's
    backends for this database."""
    nginx = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(stack.procs["nginx"].pid)], capture_output=True, text=True
    )
    backends = _psql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'")
    return {
        "web": stack.web_worker_pids(),
        "nginx": [int(p) for p in nginx.stdout.split()],
        "postgres": [int(p) for p in backends.split()],
    }


class CpuMeter:
    """CPU seconds each kind of process spent during a phase (pids seen before or after it)."""

    def __init__(self, stack, database):
        self.stack, self.database = stack, database

    def __enter__(self):
        self.before = {
            kind: {pid: _cpu(pid) for pid in pids}
            for kind, pids in _processes(self.stack, self.database).items()
        }
        return self

    def __exit__(self, *exc):
        after = _processes(self.stack, self.database)
        self.seconds = {}
        for kind, start in self.before.items():
            pids = set(start) | set(after[kind])
            self.seconds[kind] = sum(max(_cpu(pid) - start.get(pid, 0.0), 0.0) for pid in pids)


def _sign_in_all(stack, accounts: Path) -> None:
    """Sign every account in once, through nginx, with password and one-time code; the phases
    then use these sessions."""
    data = json.loads(accounts.read_text())
    for account in data:
        client = stack.client()
        answer = client.sign_in(
            account["username"], account["password"], lambda a=account: totp(a["totp_key"])
        )
        if answer.status != 302:
            raise SystemExit(f"load: {account['username']} could not sign in ({answer.status})")
        account["cookies"] = dict(client.cookies)
    accounts.write_text(json.dumps(data, ensure_ascii=False))


def _locust(host: str, user_class: str, users: int, seconds: int, accounts: Path, out: Path) -> dict:
    prefix = out / user_class
    options = f"--headless -u {users} -r {max(users // 2, 1)} -t {seconds}s --stop-timeout 10 --only-summary"
    locustfile = REPO / "bench" / "load" / "locustfile.py"
    done = subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(locustfile),
            user_class,
            "--host",
            host,
            *options.split(),
            "--csv",
            str(prefix),
        ],
        env=dict(os.environ, QORGAU_LOAD_ACCOUNTS=str(accounts), PYTHONPATH=str(REPO)),
        check=False,  # locust exits 1 when any request failed; the table says which
        timeout=seconds + 120,
        capture_output=True,
    )
    if not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"load: locust did not run:\n{done.stderr.decode()[-3000:]}")
    rows = {}
    with open(f"{prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            if row["Name"] in ("Aggregated", "sign-in"):
                continue
            if not int(row["Request Count"]):
                continue
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
            }
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in list(csv.DictReader(failures.open()))[:5]:
            print(
                f"load: {user_class} failure: {row['Method']} {row['Name']}: {row['Error'][:200]} x{row['Occurrences']}"
            )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="qorgau_scale_load")
    parser.add_argument("--cases", type=int, default=20000, help="generate up to this many cases first")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60, help="length of each phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6"))
    parser.add_argument("--quick", action="store_true", help="CI: 300 cases, 10 users, 20 s per phase")
    args = parser.parse_args(argv)
    if args.quick:
        args.cases, args.users, args.seconds = 300, 10, 20
        args.database = args.database if args.database != "qorgau_scale_load" else "qorgau_scale_load_quick"
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{args.database}'") == "1"
    # Without its keys a generated database is unreadable (another checkout made it): start again.
    # The quick form always starts from an empty database, so CI never depends on what was left.
    if exists and (args.quick or not _keys_path(args.database).exists()):
        _psql(f'DROP DATABASE "{args.database}" WITH (FORCE)')
        exists = False
    if not exists:
        _psql(f'CREATE DATABASE "{args.database}"')
    database_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    keys = _keys(args.database)
    out = REPO / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qorgau-load-") as tmp:
        env = deploy_stack.production_env(
            database_url=database_url, redis_url=args.redis_url, var_dir=Path(tmp), keys=keys
        )
        started = time.monotonic()
        gen = subprocess.run(
            [sys.executable, str(REPO / "bench" / "generate.py"), "--cases", str(args.cases), "--quiet"],
            env=env, cwd=REPO, check=True, capture_output=True, text=True,
        )  # fmt: skip
        print(gen.stdout.strip(), f"({time.monotonic() - started:.0f} s)")
        accounts = Path(tmp) / "accounts.json"
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "load" / "prepare.py"), str(accounts), "--users", str(min(args.users, 60))],
            env=env, cwd=REPO, check=True, capture_output=True,
        )  # fmt: skip
        deploy_stack.qorgau(env, "axes_reset")  # earlier runs' failed sign-ins must not pause this one
        with deploy_stack.running(
            database_url=database_url,
            redis_url=args.redis_url,
            tmp=Path(tmp),
            keys=keys,
            workers=args.workers,
            threads=args.threads,
            signin_per_minute=100_000,  # every simulated user comes from 127.0.0.1
            # Each simulated user searches far more often than a person at intake would; the
            # per-user limit on identity searches (an insider control) is not what is measured.
            QORGAU_IDENTITY_SEARCH_LIMIT="100000",
            DJANGO_SETTINGS_MODULE="bench.settings_floor",
        ) as stack:
            host = f"https://127.0.0.1:{stack.https_port}"
            for _ in range(4 * args.workers):  # warm every worker: imports, templates, connections
                stack.client().get("/accounts/sign-in/")
            _sign_in_all(stack, accounts)
            with CpuMeter(stack, args.database) as floor_cpu:
                floor = _locust(host, "Floor", args.users, args.seconds, accounts, Path(tmp))
            with CpuMeter(stack, args.database) as staff_cpu:
                staff = _locust(host, "Staff", args.users, args.seconds, accounts, Path(tmp))
        size = int(_psql("SELECT pg_database_size(current_database())", args.database))
    rows = {**floor, **staff}
    print(
        f"\nload: {args.users} users, {args.seconds} s per phase, gunicorn {args.workers}x{args.threads} "
        f"behind nginx, {args.cases} cases, database {size / 2**30:.2f} GiB, "
        f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'request':24} {'count':>7} {'err':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for name, r in rows.items():
        print(
            f"{name:24} {r['requests']:7d} {r['failures']:5d} {r['rps']:7.1f} {r['p50']:7.0f} {r['p95']:7.0f} {r['p99']:7.0f}"
        )
    ratio = None
    if "case page" in staff and "floor" in floor and floor["floor"]["rps"]:
        # The staff phase mixes requests; compare the whole phase's rate, and the case page's share.
        staff_rps = sum(r["rps"] for r in staff.values())
        ratio = staff_rps / floor["floor"]["rps"]
        print(
            f"\nstaff mix at {staff_rps:.1f} req/s = {ratio:.2f} x the floor's {floor['floor']['rps']:.1f} req/s"
        )
    cpu = {}
    for phase, meter, phase_rows in (("floor", floor_cpu, floor), ("staff", staff_cpu, staff)):
        count = sum(r["requests"] for r in phase_rows.values()) or 1
        cpu[phase] = {kind: round(seconds * 1000 / count, 1) for kind, seconds in meter.seconds.items()}
        print(
            f"{phase} phase: CPU per request "
            + ", ".join(f"{kind} {ms} ms" for kind, ms in cpu[phase].items())
            + f" ({count} requests)"
        )
    report = {
        "args": vars(args),
        "rows": rows,
        "ratio_to_floor": ratio,
        "cpu_ms_per_request": cpu,
        "database_bytes": size,
        "load_average": os.getloadavg(),
    }
    (out / f"{args.database}.json").write_text(json.dumps(report, indent=2))
    errors = sum(r["failures"] for r in rows.values())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
