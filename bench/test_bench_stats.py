"""National statistics at scale (PostgreSQL): 1,000,000 synthetic incidents (STATS_BENCH_N).

    TEST_DATABASE_URL=postgres://... STATS_BENCH_N=1000000 make bench PYTEST_ARGS="-k stats -s"

Prints: the generator's and rebuild's time, the national dashboard's database time (all its
queries, summed from PostgreSQL's own timing) beside a bare `SELECT count(*)` of the fact table,
and a release of region × type × month tables for one year with suppression and the attacker
audit. Goals: dashboard queries < 1 s in total, the release < 60 s.
"""

import os
import time
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qorgau.cases.classification import add_months
from qorgau.stats import dimensions
from qorgau.stats.attack import audit
from qorgau.stats.figures import Filters, incident_tables
from qorgau.stats.models import IncidentFact
from qorgau.stats.refresh import rebuild
from qorgau.stats.release import protection
from qorgau.stats.suppression import protect
from qorgau.stats.synthetic import Plan, generate
from qorgau.stats.tables import Table, build

N = int(os.environ.get("STATS_BENCH_N", "20000"))


@pytest.mark.django_db(transaction=True)
def test_bench_stats(make_agency):
    if connection.vendor != "postgresql":
        pytest.skip("the statistics benchmark runs on PostgreSQL")
    make_agency()
    today = timezone.localdate()
    end = add_months(date(today.year, today.month, 1), -1)
    started = time.perf_counter()
    made = generate(
        Plan(incidents=N, end=end, months=120, pathway=False, batch=10000),
        progress=lambda line: print(line, flush=True),
    )
    generated = time.perf_counter() - started
    started = time.perf_counter()
    refresh = rebuild()
    rebuilt = time.perf_counter() - started
    print(
        f"\ngenerated {made['incidents']} incidents in {generated:.1f} s; rebuilt {refresh.incidents_counted} facts in {rebuilt:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    filters = Filters(add_months(end, -11), end)
    for label, run in (
        ("dashboard", lambda: (incident_tables(filters), incident_tables(filters.previous()))),
    ):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run()
            wall = time.perf_counter() - started
        server = 0.0
        with connection.cursor() as cursor:
            for query in queries.captured_queries:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                server += cursor.fetchone()[0][0]["Execution Time"] / 1000
        print(
            f"{label}: {len(queries.captured_queries)} queries, server time {server:.3f} s, wall {wall:.3f} s"
        )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT count(*) FROM stats_incidentfact")
        print(
            f"floor: SELECT count(*) of {cursor.fetchone()[0]} facts in {time.perf_counter() - started:.3f} s"
        )
    # The release: region × type × month for the last whole year, every margin.
    regions = tuple(code for code, _l in dimensions.regions())
    types = dimensions.Dimension("gbv_type", "", dimensions.GBV_TYPES).values
    months = tuple(m.isoformat()[:7] for m in filters.months)
    counts = {}
    for row in (
        IncidentFact.objects.filter(month__gte=filters.start, month__lte=filters.end)
        .values_list("region", "gbv_type", "month")
        .order_by()
    ):
        k = (row[0], row[1], row[2].isoformat()[:7])
        counts[k] = counts.get(k, 0) + 1
    tableset = build(
        [
            Table(
                "n",
                ("region", "gbv_type", "month"),
                {"region": regions, "gbv_type": types, "month": months},
                counts,
            )
        ]
    )
    started = time.perf_counter()
    pattern = protect(tableset, protection())
    protected = time.perf_counter() - started
    started = time.perf_counter()
    report = audit(tableset, pattern.suppressed, protection())
    audited = time.perf_counter() - started
    assert report.ok
    print(
        f"release: {len(tableset.values)} cells, {len(pattern.primary)} primary, {len(pattern.secondary)} secondary; "
        f"suppression {protected:.1f} s, attacker audit {audited:.1f} s, total {protected + audited:.1f} s"
    )
