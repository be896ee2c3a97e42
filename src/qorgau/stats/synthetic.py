"""A synthetic history of cases for statistics: the demo's figures, the calibration test and the
benchmark (bench/test_bench_stats.py makes 1,000,000 incidents with it on PostgreSQL).

Everything is invented and written in bulk (PostgreSQL's COPY): cases held by inactive
"synthetic history" agencies (one per region, nobody works there, so no caseworker sees them),
survivors recorded by their IIN only (made with the reference algorithm, sealed and blind-indexed
as intake does; no names), a few incidents recorded twice by two agencies under the same IIN,
risk assessments whose later incidents follow a chosen rate per level. Regions are weighted by population, types, ages and months by a realistic skew.
"""

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic

from django.db import connection, models, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from qorgau.accounts.models import Agency, User
from qorgau.cases.classification import add_months, delay_band
from qorgau.cases.models import Case, CaseClosure, CaseOutcome, Consent, Incident, IncidentPerpetrator
from qorgau.core.crypto import aad_for
from qorgau.core.iin import make_iin
from qorgau.core.keys import blind, data_keyring
from qorgau.people.models import Person, PersonIndex
from qorgau.referrals.models import Referral, ServiceDelivery, WellbeingRating
from qorgau.risk.models import Assessment

# Approximate population in thousands (early 2024), for the skew of synthetic data only.
POPULATION = {
    "10": 600, "11": 780, "15": 930, "19": 1510, "23": 700, "27": 690, "31": 1220, "33": 700,
    "35": 1130, "39": 830, "43": 830, "47": 770, "55": 750, "59": 530, "61": 2100, "62": 220,
    "63": 730, "71": 1420, "75": 2230, "79": 1230,
}  # fmt: skip
TYPES = {
    "physical_assault": 40, "psychological": 30, "denial": 8, "sexual_assault": 6, "rape": 5,
    "forced_marriage": 2, "non_gbv": 9,
}  # fmt: skip
QUESTION = {
    "rape": "q_penetration", "sexual_assault": "q_sexual_contact", "physical_assault": "q_physical_assault",
    "forced_marriage": "q_forced_marriage", "denial": "q_denial", "psychological": "q_psychological",
}  # fmt: skip
AGES = ((8, 4), (15, 7), (22, 17), (33, 38), (50, 26), (67, 8))  # (typical age, weight)
# More reports in summer and around the New Year holidays.
SEASON = (1.1, 0.9, 0.95, 1.0, 1.05, 1.15, 1.2, 1.15, 1.0, 0.95, 0.9, 1.05)
RELATIONSHIPS = {
    "current_partner": 55, "former_partner": 12, "parent": 6, "in_law": 5, "other_family": 5, "child": 3,
    "acquaintance": 6, "stranger": 4, "unknown": 4,
}  # fmt: skip
ENTRY_POINTS = {
    "police": 40,
    "crisis_centre": 20,
    "hotline_111": 12,
    "health": 10,
    "ngo": 8,
    "self_referral": 5,
    "school": 2,
    "other": 3,
}
DISABILITY = {"none": 88, "physical": 4, "sensory": 2, "intellectual": 1, "psychosocial": 2, "unknown": 3}
LEVELS = {1: 50, 2: 30, 3: 15, 4: 5}  # standard, medium, high, extreme
REPEAT_RATE = {1: 0.08, 2: 0.18, 3: 0.32, 4: 0.5}  # share followed by a new incident within a year
SERVICES = ("psychological", "legal_aid", "medical", "shelter", "social_benefits")


@dataclass
class Plan:
    incidents: int
    end: date  # the last month of the history
    months: int = 36
    seed: int = 2026
    consent_share: float = 0.85
    duplicate_share: float = 0.03
    assessed_share: float = 0.5
    repeat_rate: dict = field(default_factory=lambda: dict(REPEAT_RATE))
    pathway: bool = True  # referrals, services, ratings, closures
    batch: int = 5000
    chunk: int = 50000  # incidents per transaction; a stopped run resumes at the next chunk


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _agencies() -> dict:
    found = {}
    for code in POPULATION:
        for kind, label in ((Agency.Kind.CRISIS_CENTRE, "centre"), (Agency.Kind.POLICE, "police")):
            agency, _ = Agency.objects.get_or_create(
                region_id=code,
                name_en=f"Synthetic history {label} {code}",
                defaults={
                    "kind": kind,
                    "name_kk": f"Синтетикалық тарих {code}",
                    "name_ru": f"Синтетическая история {code}",
                    "is_active": False,
                },
            )
            found[(code, label)] = agency
    return found


def _author() -> User:
    user, created = User.objects.get_or_create(
        username="synthetic.history", defaults={"is_active": False, "must_change_password": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _iin(birth_year: int, sex: str, number: int) -> str:
    """A valid made-up IIN (the reference algorithm) for a woman born that year; the day of
    birth and the serial follow from the running number, so the history stays reproducible."""
    born = date(birth_year, 1, 1) + timedelta(days=number * 7919 % 365)
    for step in range(10):
        iin = make_iin(born, sex if sex in ("F", "M") else "F", (number + step) % 10000)
        if iin:
            return iin
    return ""


def _seal(model, name: str, pk, value: str) -> str:
    """The ciphertext EncryptedField.pre_save would store for this row and field."""
    field = model._meta.get_field(name)
    return data_keyring().seal(field._encode(value), aad_for(model._meta.label_lower, str(pk), field.attname))


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


class _Table:
    """How one model's rows are written by COPY: its columns and, for every column the generator
    leaves out, the value bulk_create would give it (field defaults, auto_now, empty encrypted
    fields stored as NULL) — so the rows are exactly those the ORM writes. Creation times come
    from one clock that moves a microsecond per row, so rows keep the order they were made in."""

    def __init__(self, model, clock):
        self.model = model
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
        ]
        self.names = [f.attname for f in fields]
        self.sql = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(model._meta.db_table),
            ", ".join(connection.ops.quote_name(f.column) for f in fields),
        )
        self.fixed: dict = {}
        self.made: dict = {}
        self.json = {f.attname for f in fields if isinstance(f, models.JSONField)}
        for f in fields:
            if (
                getattr(f, "auto_now", False)
                or getattr(f, "auto_now_add", False)
                or (f.has_default() and f.default is timezone.now)
            ):
                self.made[f.attname] = clock
            elif f.has_default() and f.default is timezone.localdate:
                self.fixed[f.attname] = timezone.localdate()
            elif f.has_default() and callable(f.default):
                self.made[f.attname] = f.default
            else:
                self.fixed[f.attname] = f.get_default()

    def row(self, values: dict) -> tuple:
        out = []
        for name in self.names:
            if name in values:
                value = values[name]
            elif name in self.made:
                value = self.made[name]()
            else:
                value = self.fixed[name]
            out.append(Jsonb(value) if name in self.json and value is not None else value)
        return tuple(out)


class _Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self) -> datetime:
        self.now += timedelta(microseconds=1)
        return self.now


# Parents before children, so foreign keys hold at each insert.
ORDER = (
    Case,
    Person,
    Incident,
    IncidentPerpetrator,
    PersonIndex,
    Consent,
    Assessment,
    Referral,
    ServiceDelivery,
    WellbeingRating,
    CaseClosure,
    CaseOutcome,
)


class _Writer:
    """Rows kept per table and written with PostgreSQL's COPY (bulk_create on other databases)."""

    def __init__(self, batch: int):
        self.batch = batch
        self.rows: dict = defaultdict(list)
        self.copy = connection.vendor == "postgresql"
        clock = _Clock()
        self.tables = {model: _Table(model, clock) for model in ORDER}

    def add(self, model, **values) -> dict:
        """Queue one row of the model; returns the values (with its id where the model has one)."""
        self.rows[model].append(values)
        return values

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for model in ORDER:
                rows = self.rows.pop(model, [])
                if not rows:
                    continue
                if not self.copy:
                    model.objects.bulk_create([model(**r) for r in rows], batch_size=self.batch)
                    continue
                table = self.tables[model]
                with cursor.cursor.copy(table.sql) as copy:
                    for values in rows:
                        copy.write_row(table.row(values))


def _chunk_done(plan: Plan, chunk: int) -> dict | None:
    """What an already written chunk made (each chunk is one transaction: its first case is
    there only if all of it is), or None."""
    first = _case_number(plan, chunk, 1)
    if not Case.objects.filter(number=first).exists():
        return None
    cases = Case.objects.filter(number__gte=first, number__lte=_case_number(plan, chunk, plan.chunk))
    return {
        "incidents": Incident.objects.filter(case__in=cases).count(),
        "cases": cases.count(),
        "duplicates": None,
    }


def _case_number(plan: Plan, chunk: int, number: int) -> str:
    return f"SY{plan.seed % 100:02d}-{chunk * plan.chunk + number:09d}"


def generate(plan: Plan, *, progress=None) -> dict:
    """Write the synthetic history in chunks of `plan.chunk` incidents, one transaction each;
    returns how many incidents, cases and duplicates it made. A run stopped half way resumes:
    chunks already written (found by their first case number) are skipped, and every chunk draws
    from its own seeded generator, so the history is the same however often it was resumed."""
    agencies = {key: agency.pk for key, agency in _agencies().items()}
    author = _author().pk
    made = {"incidents": 0, "cases": 0, "duplicates": 0, "resumed_chunks": 0}
    chunks = -(-plan.incidents // plan.chunk)
    started = monotonic()
    for chunk in range(chunks):
        target = min(plan.chunk, plan.incidents - chunk * plan.chunk)
        done = _chunk_done(plan, chunk)
        if done is None:
            with transaction.atomic():
                done = _generate_chunk(plan, chunk, target, agencies, author)
        else:
            made["resumed_chunks"] += 1
        for key, value in done.items():
            if value is not None:
                made[key] += value
        if progress and chunks > 1:
            elapsed = monotonic() - started
            progress(
                f"synthetic history: chunk {chunk + 1}/{chunks}, {made['incidents']} incidents, "
                f"{elapsed:.0f} s"
            )
    if connection.vendor == "postgresql":
        # Fresh planner statistics, as autovacuum would take after a load this size.
        with connection.cursor() as cursor:
            for model in ORDER:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return made


def _generate_chunk(plan: Plan, chunk: int, target: int, agencies: dict, author) -> dict:
    # The first chunk keeps the plan's seed, so small histories (tests, the demo) are as before.
    seed = plan.seed if chunk == 0 else f"{plan.seed}-{chunk}"
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
    writer = _Writer(plan.batch)
    start = add_months(date(plan.end.year, plan.end.month, 1), -(plan.months - 1))
    month_weights = [SEASON[add_months(start, i).month - 1] for i in range(plan.months)]
    regions = list(POPULATION)
    region_weights = [POPULATION[r] for r in regions]
    types = list(TYPES)
    type_weights = list(TYPES.values())
    today = timezone.localdate()
    made = {"incidents": 0, "cases": 0, "duplicates": 0}
    number = 0

    def case_for(region, label, entry, opened_on):
        nonlocal number
        number += 1
        made["cases"] += 1
        return writer.add(
            Case,
            id=uuid.UUID(int=rng.getrandbits(128)),
            number=_case_number(plan, chunk, number),
            holding_agency_id=agencies[(region, label)],
            entry_point=entry,
            opened_at=_moment(opened_on),
            opened_by_id=author,
            status=Case.Status.OPEN,
        )

    def incident(case, region, gbv_type, occurred_on, age, perpetrator):
        reported_on = min(occurred_on + timedelta(days=int(rng.expovariate(1 / 6))), today)
        made["incidents"] += 1
        return writer.add(
            Incident,
            id=uuid.UUID(int=rng.getrandbits(128)),
            case_id=case["id"],
            occurred_on=occurred_on,
            reported_on=reported_on,
            region_id=region,
            gbv_type=gbv_type,
            survivor_age=age,
            delay_band=delay_band(occurred_on, reported_on),
            contexts=["ipv"]
            if perpetrator in ("current_partner", "former_partner") and gbv_type != "non_gbv"
            else [],
            created_by_id=author,
            **({QUESTION[gbv_type]: True} if gbv_type in QUESTION else {}),
        )

    def consent(case, occurred_on):
        writer.add(
            Consent,
            case_id=case["id"],
            purpose=Consent.Purpose.STATISTICS,
            method="written",
            recorded_by_id=author,
            given_on=occurred_on,
        )

    while made["incidents"] < target:
        region = rng.choices(regions, weights=region_weights)[0]
        month = add_months(start, rng.choices(range(plan.months), weights=month_weights)[0])
        last_day = (add_months(month, 1) - timedelta(days=1)).day
        occurred_on = min(month.replace(day=rng.randint(1, last_day)), today)
        gbv_type = rng.choices(types, weights=type_weights)[0]
        typical, _w = rng.choices(AGES, weights=[w for _a, w in AGES])[0]
        age = max(1, int(rng.gauss(typical, 4))) if rng.random() > 0.04 else None
        if gbv_type == "forced_marriage" and age and age > 30:
            age = rng.randint(15, 25)
        entry = _pick(rng, ENTRY_POINTS)
        relation = _pick(rng, RELATIONSHIPS)
        case = case_for(region, "police" if entry == "police" else "centre", entry, occurred_on)
        person = writer.add(
            Person,
            id=uuid.UUID(int=rng.getrandbits(128)),
            case_id=case["id"],
            role=Person.Role.SURVIVOR,
            sex="F" if rng.random() < 0.93 else "M",
            birth_year=(occurred_on.year - age) if age else None,
            disability=_pick(rng, DISABILITY),
            region_id=region,
        )
        # Her IIN when her age is known (as intake records it: sealed, with its blind index).
        iin = _iin(person["birth_year"], person["sex"], chunk * plan.chunk + number) if age else ""
        if iin:
            person["iin"] = _seal(Person, "iin", person["id"], iin)
            iin_digest = blind("iin", iin)
            writer.add(
                PersonIndex,
                person_id=person["id"],
                case_id=case["id"],
                agency_id=case["holding_agency_id"],
                kind="iin",
                digest=iin_digest,
            )
        perpetrator = writer.add(
            Person,
            id=uuid.UUID(int=rng.getrandbits(128)),
            case_id=case["id"],
            role=Person.Role.PERPETRATOR,
            sex="M",
        )
        first = incident(case, region, gbv_type, occurred_on, age, relation)
        writer.add(
            IncidentPerpetrator, incident_id=first["id"], person_id=perpetrator["id"], relationship=relation
        )
        consented = rng.random() < plan.consent_share
        if consented:
            consent(case, occurred_on)
        # The same incident, recorded again by the other agency of the region (same IIN digest).
        if rng.random() < plan.duplicate_share:
            other = case_for(
                region, "centre" if entry == "police" else "police", "crisis_centre", occurred_on
            )
            twin = writer.add(
                Person,
                id=uuid.UUID(int=rng.getrandbits(128)),
                case_id=other["id"],
                role=Person.Role.SURVIVOR,
                sex=person["sex"],
                disability=person["disability"],
                birth_year=person["birth_year"],
            )
            if iin:
                twin["iin"] = _seal(Person, "iin", twin["id"], iin)
                writer.add(
                    PersonIndex,
                    person_id=twin["id"],
                    case_id=other["id"],
                    agency_id=other["holding_agency_id"],
                    kind="iin",
                    digest=iin_digest,
                )
            incident(other, region, gbv_type, occurred_on, age, relation)
            if consented:
                consent(other, occurred_on)
            made["duplicates"] += 1
        if rng.random() < plan.assessed_share:
            level = _pick(rng, LEVELS)
            writer.add(
                Assessment,
                case_id=case["id"],
                instrument_id="checklist-24",
                version=1,
                digest="synthetic",
                level=level,
                actuarial_level=level,
                score=0,
                assessed_at=_moment(occurred_on),
                assessed_by_id=author,
                agency_id=case["holding_agency_id"],
            )
            if rng.random() < plan.repeat_rate.get(level, 0):
                again = occurred_on + timedelta(days=rng.randint(20, 330))
                if again <= today and made["incidents"] < target:
                    incident(case, region, gbv_type, again, age, relation)
                    if level == 4 and rng.random() < 0.04:
                        writer.add(
                            CaseOutcome,
                            case_id=case["id"],
                            kind=CaseOutcome.Kind.KILLED,
                            occurred_on=again,
                            recorded_by_id=author,
                        )
        if plan.pathway and consented:
            _pathway(rng, writer, case, agencies, region, occurred_on, author, today)
    writer.flush()
    return made


def _pathway(rng, writer, case, agencies, region, day, author, today) -> None:
    service = rng.choice(SERVICES)
    sent_at = _moment(day)
    due_at = sent_at + timedelta(hours=48)
    answer = rng.random()
    status = "completed" if answer < 0.7 else ("declined" if answer < 0.8 else "sent")
    writer.add(
        Referral,
        case_id=case["id"],
        service_id=service,
        from_agency_id=case["holding_agency_id"],
        to_agency_id=agencies[(region, "centre")],
        sent_by_id=author,
        status=status,
        sent_at=sent_at,
        due_at=due_at,
        status_changed_at=sent_at + timedelta(hours=rng.expovariate(1 / 30)),
    )
    if status == "completed":
        writer.add(
            ServiceDelivery,
            case_id=case["id"],
            service_id=service,
            agency_id=agencies[(region, "centre")],
            provider_id=author,
            delivered_on=min(day + timedelta(days=rng.randint(0, 10)), today),
        )
    first = rng.randint(2, 6)
    writer.add(
        WellbeingRating,
        case_id=case["id"],
        moment="intake",
        rated_on=day,
        safety=first,
        wellbeing=first,
        scale_max=10,
        recorded_by_id=author,
    )
    closed_on = day + timedelta(days=rng.randint(60, 240))
    if closed_on <= today and rng.random() < 0.6:
        later = min(10, first + rng.randint(0, 5))
        writer.add(
            WellbeingRating,
            case_id=case["id"],
            moment="closure",
            rated_on=closed_on,
            safety=later,
            wellbeing=later,
            scale_max=10,
            recorded_by_id=author,
        )
        writer.add(
            CaseClosure,
            case_id=case["id"],
            reason="needs_met",
            status="approved",
            requested_by_id=author,
            decided_by_id=author,
            decided_at=_moment(closed_on),
        )


@transaction.atomic
def generate_atomic(plan: Plan) -> dict:
    return generate(plan)
