"""EXPLAIN every query of the hot pages on a generated database, and name the slow plans.

    .venv/bin/python bench/explain.py --database qorgau_scale_load

Signs in as a generated caseworker (in-process, production settings, the database's keys from
var/bench-keys/), opens a case page, the case list, a search by IIN and by name, and the intake's
identity check; captures their SQL and runs EXPLAIN (ANALYZE, BUFFERS) on each. Prints, per
page (EXPLAIN_FULL=1: with the whole SQL), the number of queries and every plan that scans a large table sequentially or sorts many
rows, with its time.
"""

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "src")]
SEQ = re.compile(r"Seq Scan on (\w+).*actual time=[\d.]+\.\.([\d.]+) rows=(\d+)")
SORT = re.compile(r"Sort .*actual time=[\d.]+\.\.([\d.]+) rows=(\d+)")


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="qorgau_scale_load")
    parser.add_argument("--min-rows", type=int, default=2000, help="report scans reading more rows than this")
    args = parser.parse_args(argv)
    os.environ.update(json.loads((REPO / "var" / "bench-keys" / f"{args.database}.json").read_text()))
    var_dir = Path(tempfile.mkdtemp(prefix="qorgau-explain-"))
    (var_dir / "static").symlink_to(REPO / "var" / "stack-static")
    os.environ.update(
        QORGAU_ENV="production",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="ERROR",
        QORGAU_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="qorgau.settings",
    )
    import django

    django.setup()
    from bench.load.prepare import totp_key
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qorgau.accounts.models import User
    from qorgau.cases.models import Case
    from qorgau.people.models import Person

    user = User.objects.filter(username__regex=r"^bench\.[0-9]+\.cw1$").order_by("username").first()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="load", key=totp_key(user.username), confirmed=True
    )  # the load test's device, so that its sign-ins keep working
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    case = Case.objects.filter(holding_agency_id=user.agency_id).order_by("-opened_at").first()
    survivor = (
        Person.objects.filter(case__holding_agency_id=user.agency_id, role="survivor")
        .exclude(iin=None)
        .first()
    )
    pages = {
        "case page": lambda: client.get(f"/cases/{case.pk}/", secure=True),
        "case list": lambda: client.get("/cases/", secure=True),
        "search by IIN": lambda: client.post("/cases/", {"q": survivor.iin}, secure=True),
        "search by name": lambda: client.post("/cases/", {"q": survivor.family_name}, secure=True),
        "identity check": lambda: client.post(
            "/cases/intake/check-identity/", {"iin": survivor.iin}, secure=True
        ),
        "dashboard": lambda: client.get("/dashboard/", secure=True),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint, relname FROM pg_class WHERE relkind = 'r' ORDER BY 1 DESC LIMIT 6"
        )
        print("largest tables:", ", ".join(f"{name} {rows:,}" for rows, name in cursor.fetchall()))
    for name, request in pages.items():
        request()  # warm
        with CaptureQueriesContext(connection) as captured:
            status = request().status_code
        slow = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            shown = sql if os.environ.get("EXPLAIN_FULL") else sql[:140]
            for table, ms, rows in SEQ.findall(plan):
                if int(rows) > args.min_rows or float(ms) > 5:
                    slow.append(f"seq scan {table}: {rows} rows, {ms} ms  <- {shown}")
            for ms, rows in SORT.findall(plan):
                if int(rows) > args.min_rows:
                    slow.append(f"sort of {rows} rows, {ms} ms  <- {shown}")
        total = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        print(f"{name} ({status}): {len(captured.captured_queries)} queries, {total:.1f} ms in SQL")
        for line in slow:
            print("   ", line)


if __name__ == "__main__":
    main()
