"""Where other apps plug their facts into the national statistics, without stats importing them.

Call these from an AppConfig.ready():

- `register_dimension(IncidentDimension(...))`: a category of incidents the app knows (the
  evidence app: the cyber-violence subtype). At each rebuild `values_for(incident_ids)` returns
  {incident id: value code} for the incidents it knows; the others get `default`.
- `register_fact_source(FactSource(...))`: counted things of the app (the protection app:
  protective orders issued, served, breached; proceedings by stage and outcome). At each rebuild
  `rows(case_ids)` yields `FactRow`s for the consented cases given; `tables` says how they are
  published (which categories, in which order, with which labels).
- `register_outcome(OutcomeSource(...))`: events that count as "the risk level was not enough"
  when the instruments are checked against outcomes (the protection app: a breach of an order).
  `first_dates(case_ids)` returns {case id: date of the first such event}.

Every app's rows pass through the same consent filter (only consented cases are given to it) and
the same suppression and attacker audit as the built-in figures.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class IncidentDimension:
    code: str
    label: object  # lazy translation
    choices: Callable[[], list[tuple[str, object]]]  # every value in display order, with labels
    values_for: Callable[[list], dict]
    default: str = "none"


@dataclass(frozen=True)
class FactRow:
    """One counted thing: `kind` as registered, the region, the month it belongs to, up to two
    categories and up to three measures (see models.Fact)."""

    kind: str
    region: str
    month: date
    a: str = ""
    b: str = ""
    flag: bool | None = None
    flag2: bool | None = None
    number: float | None = None


@dataclass(frozen=True)
class FactTable:
    """How a kind is published: counts by region × `a` (and `b` if given), and optionally the
    share with `flag` set, each category with its choices (code, label) in display order."""

    title: object
    a_label: object
    a_choices: Callable[[], list[tuple[str, object]]]
    flag_label: object = None


@dataclass(frozen=True)
class FactSource:
    kind: str
    label: object
    rows: Callable[[list], Iterable[FactRow]]
    tables: tuple[FactTable, ...] = field(default_factory=tuple)
    section: str = "legal"  # which dashboard page shows it


@dataclass(frozen=True)
class OutcomeSource:
    code: str
    label: object
    first_dates: Callable[[list], dict]


DIMENSIONS: dict[str, IncidentDimension] = {}
FACT_SOURCES: dict[str, FactSource] = {}
OUTCOMES: dict[str, OutcomeSource] = {}


def register_dimension(dimension: IncidentDimension) -> None:
    DIMENSIONS[dimension.code] = dimension


def register_fact_source(source: FactSource) -> None:
    FACT_SOURCES[source.kind] = source


def register_outcome(source: OutcomeSource) -> None:
    OUTCOMES[source.code] = source
