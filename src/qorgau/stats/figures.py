"""The figures of each statistics page: counted from the facts, published as one release each.

Every page's tables cover every region at once, so switching the region filter shows slices of
one suppression pattern and comparing regions reveals nothing a single page does not. The type
and age-band filters narrow every table of the page alike.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from django.db import connections
from django.db.models import Count, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext_lazy as _

from qorgau.cases.care import LABELS as CARE_LABELS
from qorgau.cases.classification import add_months
from qorgau.directory.models import ServiceType
from qorgau.referrals.models import WellbeingRating
from qorgau.risk.levels import RiskLevel
from qorgau.stats import dimensions, registry
from qorgau.stats.db import stats_alias
from qorgau.stats.models import Fact, IncidentCount, IncidentFact
from qorgau.stats.release import Release, publish
from qorgau.stats.tables import TOTAL, CellKey, Table, key

INCIDENTS = "incidents"


@dataclass(frozen=True)
class Filters:
    start: date  # first month (its first day)
    end: date  # last month, included (its first day)
    region: str = ""
    gbv_type: str = ""
    age_band: str = ""

    @property
    def months(self) -> list[date]:
        found, month = [], self.start
        while month <= self.end:
            found.append(month)
            month = add_months(month, 1)
        return found

    def previous(self) -> "Filters":
        length = len(self.months)
        return Filters(
            add_months(self.start, -length),
            add_months(self.start, -1),
            self.region,
            self.gbv_type,
            self.age_band,
        )

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "region": self.region,
            "gbv_type": self.gbv_type,
            "age_band": self.age_band,
        }


# --- Reading the facts -------------------------------------------------------------------------


def _incidents(filters: Filters):
    rows = IncidentFact.objects.using(stats_alias()).filter(month__gte=filters.start, month__lte=filters.end)
    if filters.gbv_type:
        rows = rows.filter(gbv_type=filters.gbv_type)
    if filters.age_band:
        rows = rows.filter(age_band=filters.age_band)
    return rows


def _column(dimension: dimensions.Dimension):
    if dimension.code.startswith("extra:"):
        return KeyTextTransform(dimension.code.split(":", 1)[1], "extra")
    return dimension.code


def _fixed(filters: Filters) -> tuple:
    fixed = []
    if filters.gbv_type:
        fixed.append(("gbv_type", filters.gbv_type))
    if filters.age_band:
        fixed.append(("age_band", filters.age_band))
    return tuple(sorted(fixed))


def _count_by(rows, *columns) -> dict:
    named = {f"c{i}": c for i, c in enumerate(columns) if not isinstance(c, str)}
    names = [c if isinstance(c, str) else f"c{i}" for i, c in enumerate(columns)]
    query = rows.annotate(**named) if named else rows
    return {
        tuple(str(row[n]) for n in names): row["n"]
        for row in query.values(*names).annotate(n=Count("id")).order_by()
    }


def _count_sets(rows, sets: list[tuple], flags: tuple[str, ...]) -> tuple[list[dict], dict]:
    """`_count_by` for several groupings at once, and per region how many rows carry each flag:
    on PostgreSQL one scan of the facts (GROUPING SETS) instead of one query per grouping — the
    national dashboard's reads at a million incidents. Same results as the separate queries."""
    region_flags = {f: Count("id", filter=Q(**{f: True})) for f in flags}
    if connections[rows.db].vendor != "postgresql":
        counted = [_count_by(rows, *columns) for columns in sets]
        by_region = {r["region"]: r for r in rows.values("region").annotate(**region_flags).order_by()}
        return counted, by_region
    names: list[str] = []
    named: dict = {}
    grouped: list[tuple] = []
    for columns in [*sets, ("region",)]:
        group = []
        for column in columns:
            name = column if isinstance(column, str) else f"c{len(named)}"
            if not isinstance(column, str):
                named[name] = column
            if name not in names:
                names.append(name)
            group.append(name)
        grouped.append(tuple(group))
    inner = (rows.annotate(**named) if named else rows).values(*names, *flags).order_by()
    sql, params = inner.query.get_compiler(using=rows.db).as_sql()
    quote = connections[rows.db].ops.quote_name
    columns = ", ".join(quote(n) for n in names)
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {quote(f)})" for f in flags)
    # Only quoted field names and aliases are put into the text; every value stays a parameter.
    sets_sql = ", ".join("(" + ", ".join(quote(n) for n in group) + ")" for group in grouped)
    select = f"{columns}, GROUPING({columns}), COUNT(*)" + (f", {counts}" if counts else "")
    query = f"SELECT {select} FROM ({sql}) AS facts GROUP BY GROUPING SETS ({sets_sql})"  # noqa: S608
    masks = {
        sum(1 << (len(names) - 1 - i) for i, n in enumerate(names) if n not in group): position
        for position, group in enumerate(grouped)
    }
    counted: list[dict] = [{} for _group in grouped]
    by_region: dict = {}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(query, params)
        for row in cursor.fetchall():
            values = dict(zip(names, row[: len(names)], strict=True))
            position = masks[row[len(names)]]
            group = grouped[position]
            counted[position][tuple(str(values[n]) for n in group)] = row[len(names) + 1]
            if position == len(grouped) - 1:
                by_region[values["region"]] = dict(zip(flags, row[len(names) + 2 :], strict=True))
    return counted[: len(sets)], by_region


def _counted_ahead(filters: Filters, shown: list, flags: tuple) -> tuple[list[dict], dict] | None:
    """What `_count_sets` gives, read from the rebuild's IncidentCount (two small queries);
    None when it cannot answer: both a type and an age band chosen, or a breakdown the last
    rebuild did not count ahead (registered after it)."""
    if filters.gbv_type and filters.age_band:
        return None
    rows = IncidentCount.objects.using(stats_alias()).filter(
        gbv_type=filters.gbv_type or "",
        age_band=filters.age_band or "",
        month__gte=filters.start,
        month__lte=filters.end,
    )
    by_month = {
        (region, str(month)): n
        for region, month, n in rows.filter(dimension="month").values_list("region", "month", "n")
    }
    counted: dict = defaultdict(dict)
    for region, dimension, value, n in (
        rows.exclude(dimension="month")
        .values("region", "dimension", "value")
        .annotate(total=Sum("n"))
        .order_by()
        .values_list("region", "dimension", "value", "total")
    ):
        counted[dimension][(region, str(value))] = n
    if by_month and any(d.code not in counted for d in shown):
        return None
    by_region: dict = defaultdict(lambda: dict.fromkeys(flags, 0))
    for flag in flags:
        for (region, value), n in counted.get(flag, {}).items():
            by_region[region][flag] += n if value == "true" else 0
    return [by_month] + [counted.get(d.code, {}) for d in shown], dict(by_region)


def incident_tables(filters: Filters) -> tuple[list[Table], list[dimensions.Dimension]]:
    region_codes = tuple(code for code, _label in dimensions.regions())
    fixed = _fixed(filters)
    rows = _incidents(filters)
    months = tuple(m.isoformat()[:7] for m in filters.months)
    shown = [d for d in dimensions.breakdowns() if d.code not in dict(fixed)]
    flags = tuple(f"ctx_{code}" for code, _label in dimensions.CONTEXTS)
    counted, contexts = _counted_ahead(filters, shown, flags) or _count_sets(
        rows, [("region", "month")] + [("region", _column(d)) for d in shown], flags
    )
    by_month = {(r, m[:7]): n for (r, m), n in counted[0].items()}
    tables = [
        Table(
            INCIDENTS, ("region", "month"), {"region": region_codes, "month": months}, by_month, fixed=fixed
        )
    ]
    for dimension, counts in zip(shown, counted[1:], strict=True):
        values = dimension.values
        tables.append(
            Table(
                INCIDENTS,
                ("region", dimension.code),
                {"region": region_codes, dimension.code: values},
                counts,
                fixed=fixed,
            )
        )
    for code, _label in dimensions.CONTEXTS:
        counts = {(region,): int(row[f"ctx_{code}"] or 0) for region, row in contexts.items()}
        tables.append(
            Table(
                f"context:{code}",
                ("region",),
                {"region": region_codes},
                counts,
                fixed=fixed,
                within=INCIDENTS,
            )
        )
    return tables, shown


# --- What a page shows ----------------------------------------------------------------------


@dataclass
class Row:
    code: str
    label: str
    value: int | None  # None: suppressed
    previous: int | None = None
    share: float | None = None
    low: float | None = None
    high: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def change(self) -> int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class Breakdown:
    code: str
    title: str
    head: str
    rows: list[Row]
    total: Row | None = None
    note: str = ""


def _place(filters: Filters) -> dict:
    return {"region": filters.region} if filters.region else {}


def _cell(measure: str, fixed: tuple, **coords) -> CellKey:
    return key(measure, **dict(fixed), **coords)


@dataclass
class IncidentFigures:
    filters: Filters
    release: Release
    previous_release: Release
    total: Row
    trend: Breakdown
    by_region: Breakdown | None
    breakdowns: list[Breakdown]
    contexts: Breakdown


def incident_figures(filters: Filters) -> IncidentFigures:
    tables, shown = incident_tables(filters)
    release = publish(tables)
    before = filters.previous()
    previous_tables, _shown = incident_tables(before)
    previous = publish(previous_tables)
    fixed = _fixed(filters)
    place = _place(filters)

    def row(code, label, measure=INCIDENTS, **coords) -> Row:
        cell = _cell(measure, fixed, **place, **coords)
        return Row(code, label, release.value(cell), previous.value(cell))

    total = row("total", str(_("All incidents")))
    trend_rows = []
    for month in filters.months:
        label = month.strftime("%m.%Y")
        cell = _cell(INCIDENTS, fixed, **place, month=month.isoformat()[:7])
        trend_rows.append(Row(month.isoformat()[:7], label, release.value(cell)))
    trend = Breakdown("month", str(_("Incidents by month")), str(_("Month")), trend_rows)
    by_region = None
    if not filters.region:
        by_region = Breakdown(
            "region",
            str(_("Incidents by region")),
            str(_("Region")),
            [
                Row(
                    code,
                    label,
                    release.value(_cell(INCIDENTS, fixed, region=code)),
                    previous.value(_cell(INCIDENTS, fixed, region=code)),
                )
                for code, label in dimensions.regions()
            ],
            total,
        )
    breakdowns = []
    for dimension in shown:
        rows = [
            row(value, dimension.label_of(value), **{dimension.code: value}) for value in dimension.values
        ]
        breakdowns.append(
            Breakdown(
                dimension.code,
                str(_("Incidents by %(what)s") % {"what": str(dimension.label).lower()}),
                str(dimension.label),
                rows,
                total,
            )
        )
    contexts = Breakdown(
        "context",
        str(_("Case context")),
        str(_("Case context")),
        [row(code, str(label), measure=f"context:{code}") for code, label in dimensions.CONTEXTS],
        note=str(_("An incident can have several contexts, or none: these do not add up to the total.")),
    )
    return IncidentFigures(filters, release, previous, total, trend, by_region, breakdowns, contexts)


# --- The pathway, risk work and outcomes ------------------------------------------------------


def _facts(kind: str, filters: Filters):
    return Fact.objects.using(stats_alias()).filter(
        kind=kind, month__gte=filters.start, month__lte=filters.end
    )


def _fact_tables(kind: str, filters: Filters, a_values: tuple, *, flags=(), measure=None) -> list[Table]:
    """Counts of a kind by region × a, and of its flagged parts ("answered", "late")."""
    region_codes = tuple(code for code, _label in dimensions.regions())
    measure = measure or kind
    rows = _facts(kind, filters)
    base = _count_by(rows, "region", "a")
    tables = [Table(measure, ("region", "a"), {"region": region_codes, "a": a_values}, base)]
    for flag_field, suffix in flags:
        counts = _count_by(rows.filter(**{flag_field: True}), "region", "a")
        tables.append(
            Table(
                f"{measure}:{suffix}",
                ("region", "a"),
                {"region": region_codes, "a": a_values},
                counts,
                within=measure,
            )
        )
    return tables


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Section:
    code: str
    title: str
    head: str
    columns: list[str]
    rows: list[Row]
    note: str = ""


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


def pathway_figures(filters: Filters) -> tuple[Release, list[Section]]:
    services = tuple(ServiceType.objects.order_by("sort", "code").values_list("code", flat=True))
    names = {s.code: s.name for s in ServiceType.objects.all()}
    care_kinds = tuple(CARE_LABELS)
    levels = tuple(level.key for level in RiskLevel)
    moments = tuple(WellbeingRating.Moment.values)
    tables = []
    tables += _fact_tables("referral", filters, services, flags=(("flag", "answered"), ("flag2", "late")))
    tables += _fact_tables("service", filters, services)
    tables += _fact_tables("care", filters, care_kinds, flags=(("flag", "met"),))
    tables += _fact_tables("reassessment", filters, levels, flags=(("flag", "on_time"),))
    tables += _fact_tables("conference_action", filters, ("",), flags=(("flag", "on_time"),))
    tables += _fact_tables("closure", filters, ("",))
    region_codes = tuple(code for code, _label in dimensions.regions())
    assessments = _facts("assessment", filters)
    tables.append(
        Table(
            "assessment",
            ("region", "b"),
            {"region": region_codes, "b": levels},
            _count_by(assessments, "region", "b"),
        )
    )
    closures = _facts("closure", filters).filter(flag__isnull=False)
    tables.append(
        Table("closure_followed", ("region",), {"region": region_codes}, _count_by(closures, "region"))
    )
    tables.append(
        Table(
            "closure_followed:again",
            ("region",),
            {"region": region_codes},
            _count_by(closures.filter(flag=True), "region"),
            within="closure_followed",
        )
    )
    ratings = _facts("wellbeing", filters)
    tables.append(
        Table(
            "ratings",
            ("region", "a", "b"),
            {"region": region_codes, "a": ("safety", "wellbeing"), "b": moments},
            _count_by(ratings, "region", "a", "b"),
        )
    )
    for source in registry.FACT_SOURCES.values():
        for spec in source.tables:
            values = tuple(code for code, _l in spec.a_choices())
            flags = (("flag", "flag"),) if spec.flag_label else ()
            tables += _fact_tables(source.kind, filters, values, flags=flags)
    release = publish(tables)
    place = _place(filters)

    def value(measure, **coords):
        return release.value(key(measure, **place, **coords))

    def usable(count: int | None) -> bool:
        return count is not None and count >= release.rules.k

    sections = []
    # Referrals: count, answered, late, and the response time where enough referrals back it.
    referral_hours = _facts("referral", filters).exclude(number__isnull=True)
    if filters.region:
        referral_hours = referral_hours.filter(region=filters.region)
    hours: dict = {}
    for service, number in referral_hours.values_list("a", "number"):
        hours.setdefault(service, []).append(number)
    rows = []
    for code in (*services, TOTAL):
        coords = {} if code == TOTAL else {"a": code}
        sent = value("referral", **coords)
        answered, late = value("referral:answered", **coords), value("referral:late", **coords)
        times = hours.get(code, []) if code != TOTAL else [h for v in hours.values() for h in v]
        row = Row(code, str(_("All services")) if code == TOTAL else names.get(code, code), sent)
        row.extra = {
            "answered": _share(answered, sent),
            "late": _share(late, sent),
            "median": median(times) if usable(sent) and len(times) >= release.rules.k else None,
            "p90": _quantile(times, 0.9) if usable(sent) and len(times) >= release.rules.k else None,
        }
        rows.append(row)
    sections.append(
        Section(
            "referrals",
            str(_("Referrals by service")),
            str(_("Service")),
            [
                str(_("Referrals")),
                str(_("Accepted")),
                str(_("Overdue")),
                str(_("Median response (hours)")),
                str(_("90th percentile (hours)")),
            ],
            rows,
        )
    )
    sections.append(
        Section(
            "services",
            str(_("Services given")),
            str(_("Service")),
            [str(_("Services given"))],
            [Row(c, names.get(c, c), value("service", a=c)) for c in services]
            + [Row(TOTAL, str(_("All services")), value("service"))],
        )
    )
    care_rows = []
    for kind in care_kinds:
        whole, met = value("care", a=kind), value("care:met", a=kind)
        care_rows.append(Row(kind, str(CARE_LABELS[kind]), whole, share=_share(met, whole)))
    sections.append(
        Section(
            "care",
            str(_("Time-critical care after sexual violence")),
            str(_("Care")),
            [str(_("Incidents")), str(_("Given in time"))],
            care_rows,
            note=str(
                _("Counted when a health or forensic service was recorded within the window (by date).")
            ),
        )
    )
    sections.append(
        Section(
            "assessments",
            str(_("Risk assessments by level")),
            str(_("Level")),
            [str(_("Assessments")), str(_("Re-assessments due")), str(_("Re-assessed on time"))],
            [
                Row(
                    level.key,
                    str(level.label),
                    value("assessment", b=level.key),
                    extra={
                        "due": value("reassessment", a=level.key),
                        "on_time": _share(
                            value("reassessment:on_time", a=level.key), value("reassessment", a=level.key)
                        ),
                    },
                )
                for level in RiskLevel
            ],
        )
    )
    due, on_time = value("conference_action"), value("conference_action:on_time")
    followed, again = value("closure_followed"), value("closure_followed:again")
    sections.append(
        Section(
            "outcomes",
            str(_("Conferences and closures")),
            str(_("Measure")),
            [str(_("Count")), str(_("Share"))],
            [
                Row(
                    "conference_actions",
                    str(_("Conference actions due")),
                    due,
                    share=_share(on_time, due),
                    extra={"share_label": str(_("done on time"))},
                ),
                Row("closures", str(_("Cases closed")), value("closure")),
                Row(
                    "closures_followed",
                    str(_("Closed at least 12 months ago")),
                    followed,
                    share=_share(again, followed),
                    extra={"share_label": str(_("with a new incident within 12 months"))},
                ),
            ],
        )
    )
    wellbeing_rows = []
    means = {}
    rating_rows = ratings.filter(region=filters.region) if filters.region else ratings
    for a, b, number in rating_rows.values_list("a", "b", "number"):
        means.setdefault((a, b), []).append(number)
    for moment, label in WellbeingRating.Moment.choices:
        counts = {a: value("ratings", a=a, b=moment) for a in ("safety", "wellbeing")}
        extra = {
            a: (
                sum(means[(a, moment)]) / len(means[(a, moment)])
                if usable(counts[a]) and means.get((a, moment))
                else None
            )
            for a in ("safety", "wellbeing")
        }
        wellbeing_rows.append(Row(moment, str(label), counts["safety"], extra=extra))
    sections.append(
        Section(
            "wellbeing",
            str(_("Her own safety and wellbeing ratings")),
            str(_("When")),
            [str(_("Ratings")), str(_("How safe she feels (of 10)")), str(_("How well she feels (of 10)"))],
            wellbeing_rows,
        )
    )
    for source in registry.FACT_SOURCES.values():
        for spec in source.tables:
            rows = []
            for code, label in spec.a_choices():
                whole = value(source.kind, a=code)
                rows.append(
                    Row(
                        code,
                        str(label),
                        whole,
                        share=_share(value(f"{source.kind}:flag", a=code), whole)
                        if spec.flag_label
                        else None,
                    )
                )
            columns = [str(_("Count"))] + ([str(spec.flag_label)] if spec.flag_label else [])
            sections.append(Section(source.kind, str(spec.title), str(spec.a_label), columns, rows))
    return release, sections


# --- Risk levels checked against outcomes -------------------------------------------------------

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a share (95% by default); sound for small n and shares near 0 or 1."""
    if n == 0:
        return 0.0, 1.0
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Calibration:
    release: Release
    follow_up_months: int
    assessed_until: date
    by_version: list[tuple[str, list[Row]]]
    by_region: list[tuple[str, list[Row]]]
    outcomes: list[str]


def calibration_figures(*, today: date, follow_up_months: int, region: str = "") -> Calibration:
    """For assessments at least `follow_up_months` old: the share followed within that time by a
    new incident, a death recorded on the case or an outcome another app registers (a breach)."""
    this_month = date(today.year, today.month, 1)
    until = add_months(this_month, -follow_up_months - 1)  # whole months, all at least that old
    window_days = follow_up_months * 366 // 12
    rows = Fact.objects.using(stats_alias()).filter(kind="assessment", month__lte=until)
    versions = tuple(sorted(set(rows.values_list("a", flat=True))))
    levels = tuple(level.key for level in RiskLevel)
    region_codes = tuple(code for code, _label in dimensions.regions())
    followed = rows.filter(number__lte=window_days)
    tables = [
        Table("calibration", ("a", "b"), {"a": versions, "b": levels}, _count_by(rows, "a", "b")),
        Table(
            "calibration:followed",
            ("a", "b"),
            {"a": versions, "b": levels},
            _count_by(followed, "a", "b"),
            within="calibration",
        ),
        Table(
            "calibration",
            ("region", "b"),
            {"region": region_codes, "b": levels},
            _count_by(rows, "region", "b"),
        ),
        Table(
            "calibration:followed",
            ("region", "b"),
            {"region": region_codes, "b": levels},
            _count_by(followed, "region", "b"),
            within="calibration",
        ),
    ]
    release = publish(tables)

    def rows_for(**coords) -> list[Row]:
        found = []
        for level in RiskLevel:
            n = release.value(key("calibration", b=level.key, **coords))
            x = release.value(key("calibration:followed", b=level.key, **coords))
            row = Row(level.key, str(level.label), n, extra={"followed": x})
            if n is not None and x is not None and n > 0:
                row.share = x / n
                row.low, row.high = wilson(x, n)
            found.append(row)
        return found

    by_version = [(version, rows_for(a=version)) for version in versions]
    by_region = [
        (label, rows_for(region=code)) for code, label in dimensions.regions() if not region or code == region
    ]
    outcomes = [str(_("a new incident")), str(_("her death recorded on the case"))] + [
        str(source.label) for source in registry.OUTCOMES.values()
    ]
    return Calibration(release, follow_up_months, until, by_version, by_region, outcomes)
