"""The one door from case data into statistics: the worker's rebuild of the de-identified facts.

Only this module reads the case tables for statistics, and only fields kept in clear for that
purpose (types, dates, regions, categories) plus the blind-index digests that tell whether two
records are the same woman; it never opens an encrypted field. It counts only cases whose
survivor's consent to statistics is in force today, so a withdrawn consent leaves the figures at
the next rebuild. The rebuild replaces every fact in one transaction and leaves one audit event
with its counts.
"""

import logging
from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import JSONField, Q
from django.utils import timezone
from psycopg.types.json import Jsonb

from qorgau.cases.care import DEFAULT_WINDOWS
from qorgau.cases.classification import SEXUAL_TYPES, add_months
from qorgau.cases.models import (
    Case,
    CaseClosure,
    CaseEvent,
    CaseOutcome,
    Consent,
    Incident,
    IncidentPerpetrator,
)
from qorgau.core.audit import audit_record
from qorgau.people.models import Person
from qorgau.referrals.models import Referral, ServiceDelivery, WellbeingRating
from qorgau.risk.levels import RiskLevel
from qorgau.risk.models import Assessment, ConferenceAction, ConferenceReferral
from qorgau.stats import dimensions, registry
from qorgau.stats.dimensions import age_band
from qorgau.stats.identity import same_survivor_groups
from qorgau.stats.models import Fact, IncidentCount, IncidentFact, Refresh

log = logging.getLogger(__name__)

CONTEXT_FIELDS = (
    "ipv",
    "child_sexual_abuse",
    "early_marriage",
    "sexual_exploitation",
    "sexual_slavery",
    "harmful_practice",
)
# Which service given counts as each kind of time-critical care (cases.care's windows).
CARE_SERVICES = {
    "pep": {"medical"},
    "emergency_contraception": {"medical", "reproductive_health"},
    "forensic": {"forensic"},
}
ANSWERED = {"accepted", "in_progress", "completed", "not_attended"}
# Deaths that say the risk was not contained (a death of another cause says nothing about it).
GRAVE_OUTCOMES = {CaseOutcome.Kind.KILLED, CaseOutcome.Kind.DIED_UNKNOWN}
BATCH = 5000


def month_of(day) -> date:
    return date(day.year, day.month, 1)


def consented_case_ids(today: date) -> set:
    """Cases whose survivor's consent to anonymised statistics is in force today."""
    return set(
        Consent.objects.filter(purpose=Consent.Purpose.STATISTICS, withdrawn_at__isnull=True)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("case_id", flat=True)
    )


class _World:
    """What the rebuild learns about the consented cases, kept only for the rebuild."""

    def __init__(self, case_ids: set, today: date):
        self.case_ids = case_ids
        self.today = today
        self.survivor_of_case: dict = {}
        self.group_of_case: dict = {}
        self.case_region: dict = {}
        self.incidents_by_group: dict = defaultdict(list)  # group -> sorted occurred dates
        self.incident_regions: dict = defaultdict(list)  # case -> [(date, region)]
        self.given_by_group: dict = defaultdict(list)  # group -> [(service, date)]


def _consented_ids(world: _World):
    """The consented cases as a subquery (the same rule as consented_case_ids), so each table is
    read in one query; rows are still checked against the set taken at the start."""
    return (
        Consent.objects.filter(purpose=Consent.Purpose.STATISTICS, withdrawn_at__isnull=True)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=world.today))
        .order_by()
        .values("case_id")
    )


def _consented(queryset, world: _World):
    return queryset.filter(case_id__in=_consented_ids(world))


def _chunks(ids, size=BATCH):
    ids = sorted(ids, key=str)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _reported_before_import(row, imported_on: dict) -> bool:
    """An incident of a case imported from an agency's old register that was reported before the
    import: the agency counted it in its own returns then, and a year already published must not
    change because a register came in. What she reports after the import counts (ADR 0011)."""
    day = imported_on.get(row[1])
    return day is not None and row[3] < day


def _incident_facts(world: _World) -> tuple[list[IncidentFact], int, int]:
    survivors = {}
    for person_id, case_id, sex, disability in _consented(
        Person.objects.filter(role=Person.Role.SURVIVOR), world
    ).values_list("id", "case_id", "sex", "disability"):
        if case_id in world.case_ids:
            survivors.setdefault(case_id, (person_id, sex, disability))
    groups = same_survivor_groups([p for p, _s, _d in survivors.values()])
    world.survivor_of_case = survivors
    world.group_of_case = {case_id: groups[p] for case_id, (p, _s, _d) in survivors.items()}
    entry_points, imported_on = {}, {}
    for case_id, entry, origin, opened_at in (
        Case.objects.filter(pk__in=_consented_ids(world))
        .order_by()
        .values_list("id", "entry_point", "origin", "opened_at")
    ):
        if case_id in world.case_ids:
            entry_points[case_id] = entry
            if origin == Case.Origin.REGISTER:
                imported_on[case_id] = timezone.localtime(opened_at).date()
    rows = [
        row
        for row in _consented(Incident.objects.all(), world).values_list(
            "id",
            "case_id",
            "occurred_on",
            "reported_on",
            "region_id",
            "gbv_type",
            "survivor_age",
            "delay_band",
            "contexts",
            "created_at",
        )
        if row[1] in world.case_ids and not _reported_before_import(row, imported_on)
    ]
    relationship = {}
    for incident_id, rel in (
        IncidentPerpetrator.objects.filter(incident__case_id__in=_consented_ids(world))
        .order_by("id")
        .values_list("incident_id", "relationship")
    ):
        relationship.setdefault(incident_id, rel)
    extra: dict = defaultdict(dict)
    incident_ids = [r[0] for r in rows]
    for code, dimension in registry.DIMENSIONS.items():
        found = dimension.values_for(incident_ids)
        for incident_id in incident_ids:
            extra[incident_id][code] = found.get(incident_id, dimension.default)
    # One incident recorded by several agencies counts once: same woman, same day, same type.
    rows.sort(key=lambda r: (r[9], str(r[0])))
    kept, seen = [], set()
    for row in rows:
        incident_id, case_id, occurred_on, reported_on, region, gbv_type = row[:6]
        if case_id not in survivors:
            continue
        world.incident_regions[case_id].append((occurred_on, region))
        signature = (world.group_of_case[case_id], occurred_on, gbv_type)
        if signature in seen:
            continue
        seen.add(signature)
        kept.append(row)
    facts = []
    for incident_id, case_id, occurred_on, reported_on, region, gbv_type, age, delay, contexts, _at in kept:
        _person, sex, disability = survivors[case_id]
        group = world.group_of_case[case_id]
        world.incidents_by_group[group].append(occurred_on)
        facts.append(
            IncidentFact(
                survivor=group,
                occurred_on=occurred_on,
                month=month_of(reported_on),
                region=region,
                gbv_type=gbv_type,
                age_band=age_band(age),
                sex=sex,
                disability=disability,
                relationship=relationship.get(incident_id, IncidentPerpetrator.Relationship.UNKNOWN),
                delay_band=delay,
                entry_point=entry_points.get(case_id, Case.EntryPoint.OTHER),
                extra=extra.get(incident_id, {}),
                **{f"ctx_{c}": c in (contexts or []) for c in CONTEXT_FIELDS},
            )
        )
    for dates in world.incidents_by_group.values():
        dates.sort()
    for found in world.incident_regions.values():
        found.sort()
    return facts, len(rows), len(rows) - len(kept)


def _region_of(world: _World, case_id, day, fallback) -> str:
    """The region of the case's latest incident on or before the day (else the fallback)."""
    found = world.incident_regions.get(case_id) or []
    region = fallback
    for occurred_on, code in found:
        if occurred_on <= day:
            region = code
    return region or (found[0][1] if found else "")


def _next_incident_after(world: _World, case_id, day) -> date | None:
    dates = world.incidents_by_group.get(world.group_of_case.get(case_id), [])
    position = bisect_right(dates, day)
    return dates[position] if position < len(dates) else None


def _referral_facts(world: _World, ids: set) -> list[Fact]:
    answers = defaultdict(list)
    for case_id, at, params in (
        _consented(CaseEvent.objects.filter(kind__in=("referral_accept", "referral_decline")), world)
        .order_by()
        .values_list("case_id", "at", "params")
    ):
        if case_id in ids:
            answers[(case_id, params.get("agency_id"), params.get("service"))].append(at)
    facts = []
    now = timezone.now()
    for case_id, service, region, sent_at, due_at, status, urgent, to_agency in (
        _consented(Referral.objects.all(), world)
        .order_by()
        .values_list(
            "case_id",
            "service_id",
            "to_agency__region_id",
            "sent_at",
            "due_at",
            "status",
            "urgent",
            "to_agency_id",
        )
    ):
        if case_id not in ids:
            continue
        answered = min((at for at in answers[(case_id, to_agency, service)] if at >= sent_at), default=None)
        if answered is None and status != Referral.Status.SENT and status != Referral.Status.WITHDRAWN:
            answered = sent_at  # answered before events carried the agency: count it, not its time
        late = (answered or now) > due_at if (answered or status == Referral.Status.SENT) else None
        facts.append(
            Fact(
                kind="referral",
                region=region,
                month=month_of(timezone.localtime(sent_at)),
                a=service,
                b="urgent" if urgent else "normal",
                flag=status in ANSWERED,
                flag2=late,
                number=(answered - sent_at).total_seconds() / 3600
                if answered and answered > sent_at
                else None,
            )
        )
    return facts


def _service_facts(world: _World, ids: set) -> list[Fact]:
    facts = []
    for case_id, service, region, delivered_on in (
        _consented(ServiceDelivery.objects.all(), world)
        .order_by()
        .values_list("case_id", "service_id", "agency__region_id", "delivered_on")
    ):
        if case_id not in ids:
            continue
        world.given_by_group[world.group_of_case.get(case_id)].append((service, delivered_on))
        facts.append(Fact(kind="service", region=region, month=month_of(delivered_on), a=service))
    return facts


def _care_facts(world: _World, incidents: list[IncidentFact]) -> list[Fact]:
    """Per counted sexual-violence incident and kind of care: given in time, given late, or not.
    Services count from any agency that holds one of her records; dates are days, so a window
    of 72 hours ends on the third day after the incident."""
    facts = []
    hours = getattr(settings, "QORGAU_CARE_WINDOWS_HOURS", DEFAULT_WINDOWS)
    for incident in incidents:
        if incident.gbv_type not in SEXUAL_TYPES:
            continue
        given = world.given_by_group.get(incident.survivor, [])
        for kind, limit in hours.items():
            services = CARE_SERVICES.get(kind, set())
            deadline = incident.occurred_on + timedelta(days=limit // 24)
            days = [d for s, d in given if s in services and d >= incident.occurred_on]
            facts.append(
                Fact(
                    kind="care",
                    region=incident.region,
                    month=month_of(incident.occurred_on),
                    a=kind,
                    flag=any(d <= deadline for d in days),
                    flag2=bool(days),
                )
            )
    return facts


def _deaths(world: _World, ids: set) -> dict:
    """{case: first date of a death that says the risk was not contained}."""
    return {
        case_id: occurred_on
        for case_id, occurred_on in _consented(CaseOutcome.objects.filter(kind__in=GRAVE_OUTCOMES), world)
        .order_by("-occurred_on")
        .values_list("case_id", "occurred_on")
        if case_id in ids
    }


def _risk_facts(world: _World, ids: set) -> list[Fact]:
    facts = []
    deaths_by_group: dict = {}
    for case_id, day in _deaths(world, ids).items():
        group = world.group_of_case.get(case_id)
        if group is not None:
            deaths_by_group[group] = min(day, deaths_by_group.get(group, day))
    others: dict = defaultdict(dict)
    for code, source in registry.OUTCOMES.items():
        for case_id, day in _in_chunks(source.first_dates, ids).items():
            group = world.group_of_case.get(case_id)
            if group is not None:
                others[group][code] = min(day, others[group].get(code, day))
    days_due = settings.QORGAU_REASSESS_DAYS
    by_case = defaultdict(list)
    for row in (
        _consented(Assessment.objects.all(), world)
        .order_by()
        .values_list("case_id", "instrument_id", "version", "level", "assessed_at", "agency__region_id")
    ):
        if row[0] in ids:
            by_case[row[0]].append(row)
    for case_id, rows in by_case.items():
        rows.sort(key=lambda r: r[4])
        group = world.group_of_case.get(case_id)
        for position, (_c, instrument, version, level, assessed_at, agency_region) in enumerate(rows):
            day = timezone.localtime(assessed_at).date()
            region = _region_of(world, case_id, day, agency_region)
            # The first thing after the assessment that says the level was not enough.
            outcomes = [_next_incident_after(world, case_id, day), deaths_by_group.get(group)]
            outcomes += list(others.get(group, {}).values())
            after = [d for d in outcomes if d is not None and d > day]
            first = min(after) if after else None
            key = RiskLevel(level).key
            facts.append(
                Fact(
                    kind="assessment",
                    region=region,
                    month=month_of(day),
                    a=f"{instrument}:{version}",
                    b=key,
                    flag=position > 0,
                    number=(first - day).days if first else None,
                )
            )
            due = assessed_at + timedelta(days=days_due.get(key, 60))
            if due <= timezone.now():
                following = rows[position + 1][4] if position + 1 < len(rows) else None
                facts.append(
                    Fact(
                        kind="reassessment",
                        region=region,
                        month=month_of(timezone.localtime(due)),
                        a=key,
                        flag=following is not None and following <= due,
                    )
                )
    for case_id, region, referred_at, status, basis in (
        _consented(ConferenceReferral.objects.all(), world)
        .order_by()
        .values_list("case_id", "region_id", "referred_at", "status", "basis")
    ):
        if case_id not in ids:
            continue
        facts.append(
            Fact(
                kind="conference",
                region=region,
                month=month_of(timezone.localtime(referred_at)),
                a=status,
                b=basis,
            )
        )
    today = world.today
    for case_id, region, due_on, done_at in (
        ConferenceAction.objects.filter(referral__case_id__in=_consented_ids(world))
        .order_by()
        .values_list("referral__case_id", "referral__region_id", "due_on", "done_at")
    ):
        if case_id not in ids:
            continue
        if done_at is None and due_on >= today:
            continue  # not due yet: neither on time nor late
        done_on = timezone.localtime(done_at).date() if done_at else None
        facts.append(
            Fact(
                kind="conference_action",
                region=region,
                month=month_of(due_on),
                flag=done_on is not None and done_on <= due_on,
            )
        )
    return facts


def _outcome_facts(world: _World, ids: set) -> list[Fact]:
    facts = []
    for case_id, moment, rated_on, safety, wellbeing, scale in (
        _consented(WellbeingRating.objects.all(), world)
        .order_by()
        .values_list("case_id", "moment", "rated_on", "safety", "wellbeing", "scale_max")
    ):
        if case_id not in ids:
            continue
        region = _region_of(world, case_id, rated_on, "")
        for code, value in (("safety", safety), ("wellbeing", wellbeing)):
            facts.append(
                Fact(
                    kind="wellbeing",
                    region=region,
                    month=month_of(rated_on),
                    a=code,
                    b=moment,
                    number=round(10 * value / max(scale, 1), 3),
                )
            )
    follow_up = settings.QORGAU_STATS_FOLLOW_UP_MONTHS
    for case_id, decided_at in (
        _consented(CaseClosure.objects.filter(status=CaseClosure.Status.APPROVED), world)
        .order_by()
        .values_list("case_id", "decided_at")
    ):
        if case_id not in ids:
            continue
        day = timezone.localtime(decided_at).date()
        end = add_months(day, follow_up)
        following = _next_incident_after(world, case_id, day)
        facts.append(
            Fact(
                kind="closure",
                region=_region_of(world, case_id, day, ""),
                month=month_of(day),
                flag=(following is not None and following <= end) if end <= world.today else None,
            )
        )
    return facts


def _in_chunks(read, ids: set) -> dict:
    """Another app's reader called per chunk of cases (its queries take them as a list)."""
    found: dict = {}
    for chunk in _chunks(ids, 20000):
        found.update(read(chunk))
    return found


def _registry_facts(ids: set) -> list[Fact]:
    facts = []
    for source in registry.FACT_SOURCES.values():
        for row in (row for chunk in _chunks(ids, 20000) for row in source.rows(chunk)):
            facts.append(
                Fact(
                    kind=row.kind,
                    region=row.region,
                    month=month_of(row.month),
                    a=row.a,
                    b=row.b,
                    flag=row.flag,
                    flag2=row.flag2,
                    number=row.number,
                )
            )
    return facts


def _write(model, rows: list) -> None:
    """Insert the facts: PostgreSQL's COPY (a million facts in seconds), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=BATCH)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    json_fields = {f.attname for f in fields if isinstance(f, JSONField)}
    names = [f.attname for f in fields]
    sql = "COPY {} ({}) FROM STDIN".format(
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(f.column) for f in fields),
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                tuple(Jsonb(getattr(row, n)) if n in json_fields else getattr(row, n) for n in names)
            )


def _write_counts() -> None:
    """The dashboard's counts ahead (IncidentCount), from the facts just written: one statement
    on PostgreSQL (each fact unpivoted into its breakdown values, three grains at once), the
    same counts in Python elsewhere."""
    breakdowns = dimensions.breakdowns()
    contexts = [f"ctx_{code}" for code, _label in dimensions.CONTEXTS]
    if connection.vendor != "postgresql":
        counted: dict = defaultdict(int)
        for fact in IncidentFact.objects.all():
            values = [("month", None)]
            for d in breakdowns:
                if d.code.startswith("extra:"):
                    found = fact.extra.get(d.code.split(":", 1)[1])
                    values.append((d.code, None if found is None else str(found)))
                else:
                    values.append((d.code, str(getattr(fact, d.code))))
            values += [(c, "true" if getattr(fact, c) else "false") for c in contexts]
            for gbv_type, band in (("", ""), (fact.gbv_type, ""), ("", fact.age_band)):
                for dimension, value in values:
                    counted[(fact.month, fact.region, gbv_type, band, dimension, value)] += 1
        IncidentCount.objects.bulk_create(
            [
                IncidentCount(
                    month=k[0], region=k[1], gbv_type=k[2], age_band=k[3], dimension=k[4], value=k[5], n=n
                )
                for k, n in counted.items()
            ],
            batch_size=BATCH,
        )
        return
    quote = connection.ops.quote_name
    values, params = ["('month', NULL::text)"], []
    for d in breakdowns:
        if d.code.startswith("extra:"):
            values.append("(%s, f.extra ->> %s)")
            params += [d.code, d.code.split(":", 1)[1]]
        else:
            values.append(f"(%s, f.{quote(IncidentFact._meta.get_field(d.code).column)}::text)")
            params.append(d.code)
    for column in contexts:
        values.append(f"(%s, CASE WHEN f.{quote(column)} THEN 'true' ELSE 'false' END)")
        params.append(column)
    # Only quoted column names are put into the text; codes and keys are parameters.
    sql = f"""
        INSERT INTO {quote(IncidentCount._meta.db_table)}
            (month, region, gbv_type, age_band, dimension, value, n)
        SELECT f.month, f.region,
            CASE WHEN GROUPING(f.gbv_type) = 1 THEN '' ELSE f.gbv_type END,
            CASE WHEN GROUPING(f.age_band) = 1 THEN '' ELSE f.age_band END,
            d.dimension, d.value, COUNT(*)
        FROM {quote(IncidentFact._meta.db_table)} AS f
        CROSS JOIN LATERAL (VALUES {", ".join(values)}) AS d (dimension, value)
        GROUP BY GROUPING SETS (
            (f.month, f.region, d.dimension, d.value),
            (f.month, f.region, f.gbv_type, d.dimension, d.value),
            (f.month, f.region, f.age_band, d.dimension, d.value)
        )
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild(*, today: date | None = None) -> Refresh:
    """Rebuild every fact from the consented cases; returns what was counted."""
    started = timezone.now()
    today = today or timezone.localdate()
    world = _World(consented_case_ids(today), today)
    incidents, consented, duplicates = _incident_facts(world)
    ids = set(world.group_of_case)
    facts = []
    facts += _referral_facts(world, ids)
    facts += _service_facts(world, ids)
    facts += _risk_facts(world, ids)
    facts += _outcome_facts(world, ids)
    facts += _care_facts(world, incidents)
    facts += _registry_facts(ids)
    with transaction.atomic():
        IncidentFact.objects.all().delete()
        IncidentCount.objects.all().delete()
        Fact.objects.all().delete()
        _write(IncidentFact, incidents)
        _write(Fact, facts)
        _write_counts()
        refresh = Refresh.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            incidents_consented=consented,
            incidents_counted=len(incidents),
            duplicates=duplicates,
            facts=len(facts),
        )
        audit_record(
            actor=None,
            action="stats.refresh",
            obj=refresh,
            detail={"incidents": len(incidents), "duplicates": duplicates, "facts": len(facts)},
        )
    log.info(
        "statistics rebuilt: %s incidents, %s duplicates, %s facts", len(incidents), duplicates, len(facts)
    )
    return refresh
