"""The scene look-up at scale (PostgreSQL): SCENE_BENCH_N active protective orders (default 2,000),
one per case, each case with a survivor and the perpetrator the order binds — rows as the services
write them (people through `Person.save`'s sealing, blind indexes from `people.services`'
`_index_entries`, orders with the service's duration and expiry), inserted in bulk.

    TEST_DATABASE_URL=postgres://... SCENE_BENCH_N=100000 \\
        .venv/bin/pytest bench/test_bench_scene_lookup.py -p no:randomly -s

Prints the median and p95 server time of `protection.scene.scene_lookup` (all its queries, summed
from PostgreSQL's EXPLAIN ANALYZE, plus the audit writes) by IIN and by name and birth date,
beside a floor: one bare indexed query of the same blind index (`people_personindex (kind,
digest)`). Goal: p95 < 50 ms. It reports figures; it never fails on speed.
"""

import os
import random
import statistics
import time
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.cases.models import Case
from qorgau.core.iin import make_iin
from qorgau.core.keys import blind
from qorgau.people.models import Person, PersonIndex
from qorgau.people.services import _index_entries
from qorgau.protection import scene
from qorgau.protection.models import ProtectiveOrder

N = int(os.environ.get("SCENE_BENCH_N", "2000"))
LOOKUPS = int(os.environ.get("SCENE_BENCH_LOOKUPS", "200"))
BATCH = 5000

SURNAMES = ["Жандосов", "Сейітов", "Омаров", "Нұрланов", "Қасымов", "Әбілов", "Бекова", "Тоқтаров",
            "Серікбаев", "Ермеков", "Ахметов", "Мұхамедиев", "Байжанов", "Қуанышев", "Төлеуов"]  # fmt: skip
GIVEN_M = ["Ерлан", "Серік", "Нұржан", "Асқар", "Дәурен", "Бауыржан", "Мұрат", "Ғалым", "Қайрат", "Айдос"]
GIVEN_F = ["Айгүл", "Гүлназ", "Әйгерім", "Жанар", "Сәуле", "Мөлдір", "Динара", "Ақбота"]


def _iin(born: date, sex: str, serial: int) -> str:
    for n in range(serial, serial + 40):
        if iin := make_iin(born, sex, n % 10000):
            return iin
    raise AssertionError(born)


def _identity(rng: random.Random, n: int, sex: str) -> dict:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
    surname = rng.choice(SURNAMES)
    if sex == "F" and not surname.endswith("а"):
        surname += "а"
    return {
        "family_name": surname,
        "given_name": rng.choice(GIVEN_M if sex == "M" else GIVEN_F),
        "patronymic": "",
        "sex": sex,
        "birth_date": born,
        "iin": _iin(born, sex, n),
        "phones": [f"+7700{n % 10_000_000:07d}"] if sex == "F" else [],
    }


def build_orders(n: int, *, centre, polices, worker, officer, seed: int = 7) -> list[dict]:
    """N cases, each with a survivor, a perpetrator and an order served on him, written with COPY
    (bench.generator.bulk: encrypted fields sealed by their own pre_save); returns the
    perpetrators' identities (for the look-ups)."""
    from bench.generator.bulk import copy_rows, copy_tuples

    rng = random.Random(seed)
    now = timezone.now()
    days = settings.QORGAU_PROTECTIVE_ORDER_DAYS
    identities = []
    for start in range(0, n, BATCH):
        size = min(BATCH, n - start)
        cases = []
        for i in range(size):
            case = Case(
                number=f"QG-BENCH-{start + i:07d}",
                holding_agency=centre,
                entry_point="crisis_centre",
                opened_by=worker,
                assigned_to=worker,
                status="active",
            )
            case.updated_at = case.opened_at
            cases.append(case)
        copy_rows(Case, cases)
        people, men = [], []
        for i, case in enumerate(cases):
            k = start + i
            her = _identity(rng, 2 * k + 1, "F")
            him = _identity(rng, 2 * k + 2, "M")
            people.append(Person(case=case, role=Person.Role.SURVIVOR, **her))
            men.append(Person(case=case, role=Person.Role.PERPETRATOR, **him))
            identities.append(him)
        for person in people + men:
            person.created_at = person.updated_at = now  # auto_now fields COPY does not fill
        copy_rows(Person, people + men)
        copy_tuples(
            PersonIndex,
            ("person_id", "case_id", "agency_id", "kind", "digest"),
            [
                (e.person_id, e.case_id, e.agency_id, e.kind, e.digest)
                for person in people + men
                for e in _index_entries(person)
            ],
        )
        orders = []
        for i, (case, man) in enumerate(zip(cases, men, strict=True)):
            issued = now - timedelta(days=rng.randrange(0, days - 1), hours=rng.randrange(0, 23))
            order = ProtectiveOrder(
                case=case,
                person=man,
                number=f"PO-B-{start + i:07d}",
                issuing_agency=polices[(start + i) % len(polices)],
                issuing_unit="District police",
                duration_days=days,
                conditions=["no_contact", "no_approach"],
                approach_metres=200,
                conditions_text="",
                created_by=officer,
                issued_at=issued,
                starts_at=issued,
                served_at=issued + timedelta(hours=1),
                served_how="in_person",
                served_by=officer,
                version=2,
            )
            order.expires_at = order.compute_expiry()
            orders.append(order)
        copy_rows(ProtectiveOrder, orders)
        if (start + size) % 20000 == 0:
            print(f"  {start + size} orders written", flush=True)
    return identities


def _server_ms(queries) -> float:
    total = 0.0
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue  # the audit writes are measured by their wall time below
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            total += cursor.fetchone()[0][0]["Execution Time"]
    return total


def _pct(values, p) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


@pytest.fixture
def world(make_agency, make_user):
    centre = make_agency(Agency.Kind.CRISIS_CENTRE, name="Bench centre")
    polices = [
        make_agency(Agency.Kind.POLICE, region=r, name=f"Bench police {r}") for r in ("71", "75", "79")
    ]
    for n, agency in enumerate(polices):
        agency.duty_phone = f"+7700000980{n}"
        agency.save()
    return {
        "centre": centre,
        "polices": polices,
        "worker": make_user(Role.CASEWORKER, agency=centre),
        "officer": make_user(Role.POLICE_OFFICER, agency=polices[0]),
        "far": make_user(Role.POLICE_OFFICER, agency=polices[2]),
    }


@pytest.mark.django_db
def test_bench_scene_lookup(world, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the scene benchmark runs on PostgreSQL")
    settings.QORGAU_SCENE_LOOKUP_LIMIT = 10**9
    started = time.perf_counter()
    men = build_orders(N, centre=world["centre"], polices=world["polices"], worker=world["worker"],
                       officer=world["officer"])  # fmt: skip
    built = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM people_personindex")
        index_rows = cursor.fetchone()[0]
    print(f"\nbuilt {N} active orders ({index_rows} blind index rows) in {built:.1f} s")
    rng = random.Random(11)
    sample = [rng.choice(men) for _ in range(LOOKUPS)]
    officer = world["far"]
    for by in ("iin", "name"):
        server, wall, floor = [], [], []
        found = 0
        for him in sample:
            kwargs = (
                {"iin": him["iin"]}
                if by == "iin"
                else {"family_name": him["family_name"], "given_name": him["given_name"],
                      "birth_date": him["birth_date"]}
            )  # fmt: skip
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                result = scene.scene_lookup(actor=officer, reason="call_out", **kwargs)
                wall.append((time.perf_counter() - t0) * 1000)
            found += result.found
            server.append(_server_ms(queries.captured_queries))
            with connection.cursor() as cursor:
                cursor.execute(
                    "EXPLAIN (ANALYZE, FORMAT JSON) SELECT person_id FROM people_personindex "
                    "WHERE kind = %s AND digest = %s",
                    ["iin", blind("iin", him["iin"])],
                )
                floor.append(cursor.fetchone()[0][0]["Execution Time"])
        assert found >= len(sample)  # every man sampled has his order (namesakes may add more)
        print(
            f"by {by}: {len(sample)} look-ups, {found} orders shown; "
            f"server (SELECTs) median {statistics.median(server):.2f} ms, p95 {_pct(server, 95):.2f} ms; "
            f"wall with audit median {statistics.median(wall):.2f} ms, p95 {_pct(wall, 95):.2f} ms; "
            f"floor (one indexed blind-index query) median {statistics.median(floor):.3f} ms, "
            f"p95 {_pct(floor, 95):.3f} ms"
        )


@pytest.mark.django_db
def test_bulk_rows_are_the_services_rows(world, open_case):
    """The bench's bulk path writes what the services write: the same blind indexes for the same
    man, and an order the look-up finds with the same state and conditions."""
    from tests.protection.conftest import share_by_referral

    from qorgau.protection import services

    build_orders(1, centre=world["centre"], polices=world["polices"], worker=world["worker"],
                 officer=world["officer"], seed=3)  # fmt: skip
    bulk_man = Person.objects.get(case__number="QG-BENCH-0000000", role="perpetrator")
    him = {
        f: getattr(bulk_man, f)
        for f in ("family_name", "given_name", "patronymic", "sex", "birth_date", "iin")
    }
    him["phones"] = []
    case = open_case(world["worker"], perpetrator=("current_partner", him))
    share_by_referral(case, world["polices"][0], ["general", "legal", "safety"], world["worker"])
    man = case.people.get(role="perpetrator")
    order = services.protective_order_create(
        actor=world["officer"], case=case, person_id=man.pk, number="PO-SERVICE-1",
        issuing_unit="District police", conditions=["no_contact", "no_approach"], approach_metres=200,
        issue=True, issued_at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    services.protective_order_serve(
        actor=world["officer"], case=case, order_id=order.pk, expected_version=order.version,
        served_at=timezone.now() - timedelta(hours=1), served_how="in_person",
    )  # fmt: skip

    def digests(person):
        return sorted(PersonIndex.objects.filter(person=person).values_list("kind", "digest"))

    assert digests(bulk_man) == digests(man)
    result = scene.scene_lookup(actor=world["far"], reason="call_out", iin=man.iin)
    items = {i.number: i for i in result.items}
    assert set(items) == {"PO-B-0000000", "PO-SERVICE-1"}
    bulk, service = items["PO-B-0000000"], items["PO-SERVICE-1"]
    assert (bulk.state, bulk.conditions, bulk.in_force) == (
        service.state,
        service.conditions,
        service.in_force,
    )
    row = ProtectiveOrder.objects.get(number="PO-SERVICE-1")
    bulk_row = ProtectiveOrder.objects.get(number="PO-B-0000000")
    assert (row.duration_days, row.version, row.expires_at - row.starts_at) == (
        bulk_row.duration_days,
        bulk_row.version,
        bulk_row.expires_at - bulk_row.starts_at,
    )
