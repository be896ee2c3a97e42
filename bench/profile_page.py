"""Where one page's time goes: queries, template rendering, decryption, the rest.

    .venv/bin/python bench/profile_page.py --database qorgau_scale_load [--page case|floor|search] [-n 30]

Runs in-process with the production settings of a database made by bench/load/run.py (its keys
from var/bench-keys/), signed in as a generated caseworker. Prints the median CPU time per request
without the profiler, then (profiled) the median time, the number of queries, and the share of template rendering, AES-GCM opening and SQL (cProfile).
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "src")]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="qorgau_scale_load")
    parser.add_argument("--page", choices=["case", "floor", "search"], default="case")
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args(argv)
    keys = json.loads((REPO / "var" / "bench-keys" / f"{args.database}.json").read_text())
    os.environ.update(keys)
    var_dir = Path(tempfile.mkdtemp(prefix="qorgau-profile-"))
    (var_dir / "static").symlink_to(REPO / "var" / "stack-static")  # collected by the load test
    os.environ.update(
        QORGAU_ENV="production",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="bench.settings_floor",
        LOG_LEVEL="ERROR",
        QORGAU_VAR_DIR=str(var_dir),
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
    cases = list(Case.objects.filter(holding_agency_id=user.agency_id).values_list("pk", flat=True)[: args.n])
    iin = next(p.iin for p in Person.objects.filter(case_id__in=cases, role="survivor") if p.iin)

    def request(pk):
        if args.page == "case":
            return client.get(f"/cases/{pk}/", secure=True)
        if args.page == "floor":
            return client.get(f"/bench/floor/{pk}/", secure=True)
        return client.post("/cases/", {"q": iin}, secure=True)

    for pk in cases:  # warm: templates compiled, connections open, every case's data cached once
        request(pk)
    # Without the profiler first: this process's CPU per request (what a web worker spends).
    cpu = []
    for pk in cases:
        started = time.process_time()
        request(pk)
        cpu.append(time.process_time() - started)
    times, queries = [], []
    profile = cProfile.Profile()
    for pk in cases:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            profile.enable()
            response = request(pk)
            profile.disable()
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured.captured_queries))
    stats = pstats.Stats(profile, stream=io.StringIO())
    total = sum(times)

    def share(*needles):
        seen = 0.0
        for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
            if any(n in f"{filename}:{name}" for n in needles):
                seen = max(seen, ct)
        return seen / total

    print(
        f"{args.page}: CPU {statistics.median(cpu) * 1000:.1f} ms per request without the profiler; "
        f"profiled: median {statistics.median(times) * 1000:.1f} ms over {len(times)} requests, "
        f"{statistics.median(queries):.0f} queries, {len(response.content) / 1024:.0f} KiB; "
        f"template rendering {share('template/base.py:render', 'template/response.py:render', 'shortcuts.py:render'):.0%}, "
        f"decryption {share('crypto.py:open'):.0%}, SQL {share('backends/utils.py:execute'):.0%} (cumulative, overlapping)"
    )
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(15)
    print(out.getvalue()[-4000:])


if __name__ == "__main__":
    main()
