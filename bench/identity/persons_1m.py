"""Build N persons (default 1,000,000) on PostgreSQL for the intake-search benchmark.

    createdb -h 127.0.0.1 -U postgres qorgau_persons_1m
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qorgau_persons_1m QORGAU_ENV=demo \\
        nice .venv/bin/python bench/identity/persons_1m.py [--persons 1000000]

Each case is one household as an intake records it: the survivor, the man who hurt her (most
cases), their children and sometimes her mother as guardian (3.3 persons per case). Names are
invented from common Kazakh and Russian given names and surname roots (bench/identity/population.py,
widened so 1,000,000 people do not share a few dozen surnames), drawn with Zipf–Mandelbrot
frequencies (the commonest surname about 1.5%, the commonest given name about 5%), and
typed by the agency in one of the four scripts: Kazakh Cyrillic 45%, Russian Cyrillic 40%,
passport Latin 10%, 2021 Kazakh Latin 5%. Birth dates, IINs with valid check digits (unique:
the serial digits come from the batch), phones (one a household, +7 700 and seven digits: 10^4
numbers of the +7 700 000 demo range cannot number a million people), addresses.

Rows go through the real code: ``people.services.clean_identity`` (IIN check, phone E.164),
the model's ``EncryptedField`` (sealed per row and field, bench/generator/bulk.copy_rows) and
``people.services._index_entries`` for the blind indexes; cases are minimal open cases of the
regional crisis centres of bench/generator/world.py. Written with COPY, one transaction per
batch. Interrupt it and run the same command again: it goes on after the last finished batch
(the same seed gives the same people; ``household_batch(seed, b)`` gives them back without the
database, which is how bench/identity/intake_speed.py knows whom to search for). The secondary
indexes of the two person tables are dropped while loading and built once at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src"), str(HERE)]

STATE_TABLE = "bench_persons_state"
PERSONS_PER_BATCH = 2000  # about; a batch holds whole households
SCRIPTS = (("kk", 45), ("ru", 40), ("passport", 10), ("latin2021", 5))
REGIONS = 20

# More common given names beside population.py's, so that the commonest is a few per cent.
MORE_FEMALE = [
    "Аягөз", "Гүлжан", "Зарина", "Қарлығаш", "Лаура", "Әлия", "Ақбота", "Дариға", "Жадыра",
    "Жібек", "Айнұр", "Гүлшат", "Мейрамгүл", "Бибігүл", "Күләш", "Роза", "Сабина", "Алуа",
    "Арайлым", "Дильназ", "Екатерина", "Людмила", "Галина", "Валентина", "Оксана", "Марина",
    "Надежда", "Вера", "Любовь", "Кристина", "Дарья", "Виктория", "Анастасия", "Евгения",
]  # fmt: skip
MORE_MALE = [
    "Нұржан", "Ақылбек", "Самат", "Руслан", "Ильяс", "Азамат", "Бақытжан", "Мақсат", "Олжас",
    "Еркін", "Данияр", "Рустем", "Ринат", "Тимур", "Нұрболат", "Владимир", "Николай",
    "Михаил", "Дмитрий", "Виктор", "Александр", "Евгений", "Павел", "Юрий",
]  # fmt: skip
RUSSIAN_SURNAMES = [
    "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
]  # fmt: skip
RUSSIAN_GIVEN_F = {"Мария", "Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия"}
RUSSIAN_GIVEN_F |= set(MORE_FEMALE[20:])
RUSSIAN_GIVEN_M = {"Иван", "Сергей", "Алексей", "Андрей", "Владимир", "Николай", "Михаил", "Дмитрий"}
RUSSIAN_GIVEN_M |= {"Виктор", "Александр", "Евгений", "Павел", "Юрий"}
SUFFIXES = ["", "бек", "бай", "жан", "ғали", "хан", "тай", "бет", "құл", "бол"]
SETTLEMENTS = ["ауыл, 3-көше", "қала орталығы", "шағын аудан 5", "посёлок Лесной", "district 4"]


def _tables():
    from population import FEMALE, MALE, ROOTS

    female = list(dict.fromkeys(FEMALE + MORE_FEMALE))
    male = list(dict.fromkeys(MALE + MORE_MALE))
    stems = list(dict.fromkeys(ROOTS + [m for m in MALE if m not in RUSSIAN_GIVEN_M]))
    kazakh_roots = [stem + suffix for suffix in SUFFIXES for stem in stems]
    order = random.Random(20261202)  # fixed: the same frequencies for every seed
    for names in (female, male, kazakh_roots):
        order.shuffle(names)
    return {
        "kz_f": [n for n in female if n not in RUSSIAN_GIVEN_F],
        "kz_m": [n for n in male if n not in RUSSIAN_GIVEN_M],
        "ru_f": [n for n in female if n in RUSSIAN_GIVEN_F],
        "ru_m": [n for n in male if n in RUSSIAN_GIVEN_M],
        "kz_roots": kazakh_roots,
        "ru_surnames": RUSSIAN_SURNAMES,
    }


TABLES: dict | None = None
_WEIGHTS: dict = {}


def pick(rng: random.Random, kind: str, q: float) -> str:
    """A name of the table `kind`, Zipf–Mandelbrot: weight 1 / (rank + q)."""
    global TABLES
    if TABLES is None:
        TABLES = _tables()
    items = TABLES[kind]
    key = (kind, q)
    if key not in _WEIGHTS:
        weights, total = [], 0.0
        for rank in range(1, len(items) + 1):
            total += 1 / (rank + q)
            weights.append(total)
        _WEIGHTS[key] = weights
    return rng.choices(items, cum_weights=_WEIGHTS[key])[0]


def _ends_vowel(word: str) -> bool:
    return word[-1].lower() in "аәеиоөұүуыіэюя"


def surname_for(root: str, sex: str, russian: bool) -> str:
    if russian:
        return root + ("а" if sex == "F" else "")
    if root.endswith("й"):
        root = root[:-1] + "е"  # Турсынбай -> Турсынбаев
    base = root + ("в" if root.endswith("е") else "ев" if _ends_vowel(root) else "ов")
    return base + ("а" if sex == "F" else "")


def patronymic_for(father: str, sex: str, russian_style: bool) -> str:
    if russian_style:
        from population import russian

        father = russian(father, random.Random(0))
        return father + ("овна" if sex == "F" else "ович")
    return father + ("қызы" if sex == "F" else "ұлы")


@dataclass
class Member:
    """One person as the case's agency typed her (script applied), and the canonical truth."""

    role: str
    sex: str
    born: date
    iin: str  # always made; "" in `data` when the agency did not record it
    phone: str  # E.164-ish without "+"
    given: str  # canonical (Kazakh Cyrillic or Russian) forms, for the benchmark's queries
    surname: str
    patronymic: str
    data: dict = field(default_factory=dict)  # what person_create would get


@dataclass
class Household:
    index: int  # in the data set: the case number's serial
    region: int  # index into the world's region codes
    script: str
    opened_at: datetime
    members: list[Member]


class Serials:
    """IIN serial digits: batch b owns serials 4b..4b+3 per birth date and sex (mod 10000), so
    IINs are unique across 2,500 batches (5,000,000 persons); twins get consecutive ones."""

    def __init__(self, batch: int):
        self.base = (batch * 4) % 10000
        self.used: dict = {}

    def iin(self, born: date, sex: str) -> str:
        from qorgau.core.iin import make_iin

        n = self.used.get((born, sex), 0)
        while True:
            serial = (self.base + n) % 10000
            n += 1  # past its four (very rare): the next batch's, a possible duplicate
            iin = make_iin(born, sex, serial)
            if iin:
                self.used[(born, sex)] = n
                return iin


def _render(name: str, script: str, rng: random.Random) -> str:
    from population import render

    return render(name, script, rng)


def household(rng: random.Random, index: int, serials: Serials, start: datetime) -> Household:
    from population import typo

    script = rng.choices([s for s, _ in SCRIPTS], [w for _, w in SCRIPTS])[0]
    russian = rng.random() < 0.22
    phone = f"7700{rng.randrange(10**7):07d}"
    opened_at = start + timedelta(seconds=rng.randrange(3 * 365 * 86400))
    members: list[Member] = []

    def person(role, sex, born, *, root, father, ru_style, iin_p, phone_p, own_phone=False):
        if russian:
            given = pick(rng, "ru_f" if sex == "F" else "ru_m", 8)
        else:
            given = pick(rng, "kz_f" if sex == "F" else "kz_m", 8)
        surname = surname_for(root, sex, russian)
        patronymic = patronymic_for(father, sex, ru_style)
        iin = serials.iin(born, sex)
        number = f"7700{rng.randrange(10**7):07d}" if own_phone else phone
        typed = [_render(x, script, rng) for x in (surname, given, patronymic)]
        if rng.random() < 0.03:
            typed[0] = typo(typed[0], rng)
        if rng.random() < 0.03:
            typed[1] = typo(typed[1], rng)
        if rng.random() < 0.25:
            typed[2] = ""
        has_date = rng.random() < 0.93
        data = {
            "family_name": typed[0],
            "given_name": typed[1],
            "patronymic": typed[2],
            "other_names": [],
            "sex": sex,
            "birth_date": born if has_date else None,
            "birth_year": None if has_date else born.year,
            "iin": iin if rng.random() < iin_p else "",
            "phones": [f"+{number}"] if rng.random() < phone_p else [],
            "address": rng.choice(SETTLEMENTS) if rng.random() < 0.5 else "",
            "region": None,
            "disability": rng.choice(["none", "none", "none", "physical", "unknown"]),
            "citizenship": "KZ",
        }
        members.append(Member(role, sex, born, iin, number, given, surname, patronymic, data))
        return given

    def ru_style():
        return russian or (script == "ru" and rng.random() < 0.7)

    her_born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 56))
    her_father = pick(rng, "kz_m", 8) if not russian else pick(rng, "ru_m", 8)
    her_root = pick(rng, "ru_surnames" if russian else "kz_roots", 10)
    his_root = her_root if rng.random() < 0.5 else pick(rng, "ru_surnames" if russian else "kz_roots", 10)
    person(
        "survivor", "F", her_born, root=her_root, father=her_father, ru_style=ru_style(),
        iin_p=0.85, phone_p=0.9, own_phone=True,
    )  # fmt: skip
    if rng.random() < 0.85:
        his_born = her_born + timedelta(days=rng.randrange(-3 * 365, 10 * 365))
        his_father = pick(rng, "kz_m", 8) if not russian else pick(rng, "ru_m", 8)
        his_given = person(
            "perpetrator", "M", his_born, root=his_root, father=his_father, ru_style=ru_style(),
            iin_p=0.5, phone_p=0.6,
        )  # fmt: skip
    else:
        his_given = pick(rng, "kz_m", 8) if not russian else pick(rng, "ru_m", 8)
    latest = date(2025, 12, 31)
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        born = her_born + timedelta(days=rng.randrange(365 * 17, 365 * 40))
        twins = rng.random() < 0.02
        if born > latest:
            continue
        sex = "F" if rng.random() < 0.5 else "M"
        for _t in range(2 if twins else 1):
            person(
                "child", sex, born, root=his_root, father=his_given, ru_style=ru_style(),
                iin_p=0.8, phone_p=0.1,
            )  # fmt: skip
    if rng.random() < 0.1:
        born = her_born - timedelta(days=rng.randrange(365 * 18, 365 * 35))
        person(
            "guardian", "F", born, root=pick(rng, "ru_surnames" if russian else "kz_roots", 10),
            father=pick(rng, "kz_m", 8), ru_style=ru_style(), iin_p=0.7, phone_p=0.5, own_phone=True,
        )  # fmt: skip
    return Household(index, index % REGIONS, script, opened_at, members)


START = datetime(2023, 1, 1, tzinfo=UTC)


def household_batch(seed: int, batch: int, first_index: int = 0) -> list[Household]:
    """The households of batch `batch` (about PERSONS_PER_BATCH persons), without the database."""
    rng = random.Random(seed * 1_000_003 + batch)
    serials = Serials(batch)
    out, persons = [], 0
    while persons < PERSONS_PER_BATCH:
        h = household(rng, first_index + len(out), serials, START)
        out.append(h)
        persons += len(h.members)
    return out


# --- Writing --------------------------------------------------------------------------------------


class _Spec:
    def __init__(self, opened_at):
        self.opened_at = opened_at


def _state(cursor, seed: int):
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (seed bigint PRIMARY KEY, batches bigint NOT NULL, "
        "persons bigint NOT NULL, cases bigint NOT NULL, seconds double precision NOT NULL, "
        "indexes text[] NOT NULL DEFAULT '{}')"
    )
    cursor.execute(f"SELECT batches, persons, cases, indexes FROM {STATE_TABLE} WHERE seed = %s", [seed])
    row = cursor.fetchone()
    if row is None:
        cursor.execute(f"INSERT INTO {STATE_TABLE} VALUES (%s, 0, 0, 0, 0, '{{}}')", [seed])
        return 0, 0, 0, []
    return row


def _drop_indexes(cursor, seed: int, saved: list[str]) -> list[str]:
    """Drop the secondary indexes of the person tables (kept in the state table to rebuild)."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
        "JOIN pg_index x ON x.indexrelid = c.oid WHERE i.tablename IN ('people_person', 'people_personindex') "
        "AND NOT x.indisprimary AND NOT x.indisunique"
    )
    found = cursor.fetchall()
    definitions = list(dict.fromkeys(saved + [d for _n, d in found]))
    cursor.execute(f"UPDATE {STATE_TABLE} SET indexes = %s WHERE seed = %s", [definitions, seed])
    for name, _d in found:
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    return definitions


def _build_indexes(cursor, seed: int, definitions: list[str]) -> None:
    cursor.execute("SET maintenance_work_mem TO '512MB'")
    for definition in definitions:
        cursor.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
    cursor.execute(f"UPDATE {STATE_TABLE} SET indexes = '{{}}' WHERE seed = %s", [seed])


def write_batch(households: list[Household], world, codes) -> tuple[int, int]:
    from bench.generator.bulk import copy_rows, copy_tuples, next_numbers

    from qorgau.cases.models import Case
    from qorgau.people.models import Person, PersonIndex
    from qorgau.people.services import IDENTITY_FIELDS, _index_entries, clean_identity

    numbers = next_numbers([_Spec(h.opened_at) for h in households])
    cases, persons, index_rows = [], [], []
    for h, number in zip(households, numbers, strict=True):
        rw = world[codes[h.region % len(codes)]]
        worker = rw.caseworkers[h.index % len(rw.caseworkers)]
        case = Case(
            number=number,
            holding_agency_id=worker.agency_id,
            opened_by=worker,
            assigned_to=worker,
            entry_point=("crisis_centre", "police", "health", "hotline_150", "ngo")[h.index % 5],
            preferred_language={"kk": "kk", "ru": "ru"}.get(h.script, ""),
            opened_at=h.opened_at,
            updated_at=h.opened_at,
        )
        case.holding_agency = worker.agency
        cases.append(case)
        for m in h.members:
            data, _warnings = clean_identity(m.data)
            person = Person(case=case, role=m.role, **{k: v for k, v in data.items() if k in IDENTITY_FIELDS})
            person.region_id = rw.centre.region_id
            person.created_at = person.updated_at = h.opened_at
            persons.append(person)
            index_rows += [
                (e.person_id, e.case_id, e.agency_id, e.kind, e.digest) for e in _index_entries(person)
            ]
    copy_rows(Case, cases)
    copy_rows(Person, persons)
    copy_tuples(PersonIndex, ("person_id", "case_id", "agency_id", "kind", "digest"), index_rows)
    return len(cases), len(persons)


def generate(*, persons: int, seed: int = 1, quiet: bool = False) -> dict:
    from bench.generator.world import build_world
    from django.db import connection, transaction
    from tqdm import tqdm

    if connection.vendor != "postgresql":
        raise SystemExit("persons_1m: needs PostgreSQL (DATABASE_URL=postgres://...)")
    world = build_world(REGIONS)
    codes = sorted(world)
    with connection.cursor() as cursor:
        batches, done, cases, saved = _state(cursor, seed)
        cursor.execute("SET synchronous_commit TO off")  # a lost last batch is simply built again
        definitions = _drop_indexes(cursor, seed, list(saved)) if done < persons else list(saved)
    began, first = time.monotonic(), done
    bar = tqdm(total=persons, initial=done, unit="person", disable=quiet, smoothing=0.05)
    try:
        while done < persons:
            t0 = time.monotonic()
            households = household_batch(seed, batches, first_index=cases)
            with transaction.atomic():
                n_cases, n_persons = write_batch(households, world, codes)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {STATE_TABLE} SET batches = batches + 1, persons = persons + %s, "
                        "cases = cases + %s, seconds = seconds + %s WHERE seed = %s",
                        [n_persons, n_cases, time.monotonic() - t0, seed],
                    )
            batches, done, cases = batches + 1, done + n_persons, cases + n_cases
            bar.update(n_persons)
    finally:
        bar.close()
    loaded = time.monotonic() - began
    t0 = time.monotonic()
    with connection.cursor() as cursor:
        _build_indexes(cursor, seed, definitions)
        for table in ("people_person", "people_personindex", "cases_case"):
            # As autovacuum would after the inserts: statistics, and the visibility map that lets
            # the intake search read the blind index without the table (index-only scans).
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_total_relation_size('people_person'), pg_total_relation_size('people_personindex'), "
            "(SELECT count(*) FROM people_personindex), (SELECT count(*) FROM people_person WHERE role = 'survivor')"
        )
        person_bytes, index_bytes, index_count, survivors = cursor.fetchone()
        cursor.execute(f"SELECT seconds FROM {STATE_TABLE} WHERE seed = %s", [seed])
        total = cursor.fetchone()[0]
    return {
        "persons": done,
        "survivors": survivors,
        "cases": cases,
        "index_rows": index_count,
        "built_now": done - first,
        "seconds_load": round(loaded, 1),
        "seconds_indexes": round(time.monotonic() - t0, 1),
        "seconds_total_batches": round(total, 1),
        "database_bytes": size,
        "person_bytes": person_bytes,
        "index_bytes": index_bytes,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000, help="total persons to reach")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    f = generate(persons=args.persons, seed=args.seed, quiet=args.quiet)
    print(
        f"persons_1m: {f['persons']} persons ({f['survivors']} survivors) in {f['cases']} cases, "
        f"{f['index_rows']} blind-index rows; {f['built_now']} built now in {f['seconds_load']} s "
        f"+ {f['seconds_indexes']} s for the indexes ({f['seconds_total_batches']} s of batches in all); "
        f"database {f['database_bytes'] / 2**30:.2f} GiB (people_person {f['person_bytes'] / 2**30:.2f} GiB, "
        f"people_personindex {f['index_bytes'] / 2**30:.2f} GiB)"
    )


if __name__ == "__main__":
    main()
