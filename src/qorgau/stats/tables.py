"""Tables of counts with all their margins, as one set of cells and the relations between them.

A release is several tables that share margins: "region × type" and "region × age band" both
publish the region totals. Every cell is keyed by its measure and the coordinates that are not a
total, so a margin that two tables share is one cell here, and suppressing it in one table
suppresses it in both. The relations are what an attacker knows besides the published numbers:
every total is the sum of its parts, and a sub-count (accepted referrals) never exceeds its count.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import product

TOTAL = "*"

Coords = tuple[tuple[str, str], ...]  # ((dimension, value), ...) sorted; totals left out


@dataclass(frozen=True, order=True)
class CellKey:
    measure: str
    coords: Coords = ()

    def get(self, dimension: str) -> str:
        return dict(self.coords).get(dimension, TOTAL)

    def replace(self, dimension: str, value: str) -> "CellKey":
        coords = dict(self.coords)
        if value == TOTAL:
            coords.pop(dimension, None)
        else:
            coords[dimension] = value
        return CellKey(self.measure, tuple(sorted(coords.items())))

    def label(self) -> str:
        inside = ", ".join(f"{d}={v}" for d, v in self.coords) or "total"
        return f"{self.measure}[{inside}]"


def key(measure: str, **coords: str) -> CellKey:
    return CellKey(measure, tuple(sorted((d, str(v)) for d, v in coords.items() if v != TOTAL)))


@dataclass(frozen=True)
class Table:
    """One published table: a measure counted over some dimensions, with every margin.

    `domains` lists every value of each dimension in display order (cells that count nothing are
    published as 0 — a zero is information too); `counts` holds the inner cells by value tuple.
    `within` names a measure this one is a part of, cell by cell (accepted ≤ sent)."""

    measure: str
    dims: tuple[str, ...]
    domains: Mapping[str, tuple[str, ...]]
    counts: Mapping[tuple[str, ...], int]
    fixed: Coords = ()  # coordinates every cell of this table shares (e.g. a filter)
    within: str = ""

    def inner_keys(self) -> Iterable[tuple[tuple[str, ...], CellKey]]:
        for values in product(*(self.domains[d] for d in self.dims)):
            coords = dict(self.fixed)
            coords.update(zip(self.dims, values, strict=True))
            yield values, CellKey(self.measure, tuple(sorted(coords.items())))


@dataclass
class Relation:
    """Either total = Σ parts (kind "sum"), or part ≤ whole (kind "le", parts has one cell)."""

    kind: str
    total: CellKey
    parts: tuple[CellKey, ...]


@dataclass
class TableSet:
    values: dict[CellKey, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def cells_of(self, table: Table) -> list[CellKey]:
        """Every cell of a table, margins included."""
        found = []
        for values in product(*((*table.domains[d], TOTAL) for d in table.dims)):
            coords = dict(table.fixed)
            coords.update({d: v for d, v in zip(table.dims, values, strict=True) if v != TOTAL})
            found.append(CellKey(table.measure, tuple(sorted(coords.items()))))
        return found


class InconsistentTables(ValueError):
    """Two tables give different numbers for a cell they share: they were not counted from the
    same facts, and publishing both would contradict itself."""


def build(tables: Iterable[Table]) -> TableSet:
    """All cells (inner and margins) of the tables and the sum relations between them."""
    result = TableSet()
    seen_relations: set[tuple[str, CellKey, tuple[CellKey, ...]]] = set()

    def put(cell: CellKey, value: int) -> None:
        before = result.values.setdefault(cell, value)
        if before != value:
            raise InconsistentTables(f"{cell.label()}: {before} != {value}")

    def relate(kind: str, total: CellKey, parts: tuple[CellKey, ...]) -> None:
        signature = (kind, total, parts)
        if signature not in seen_relations:
            seen_relations.add(signature)
            result.relations.append(Relation(kind, total, parts))

    for table in tables:
        result.tables.append(table)
        totals: dict[CellKey, int] = {}
        for values, cell in table.inner_keys():
            count = int(table.counts.get(values, 0))
            if count < 0:
                raise ValueError(f"negative count in {cell.label()}")
            # Every margin the inner cell contributes to: each subset of its dims set to total.
            for mask in product((False, True), repeat=len(table.dims)):
                margin = cell
                for dim, is_total in zip(table.dims, mask, strict=True):
                    if is_total:
                        margin = margin.replace(dim, TOTAL)
                totals[margin] = totals.get(margin, 0) + count
        for cell, value in totals.items():
            put(cell, value)
        for cell in totals:
            for dim in table.dims:
                if cell.get(dim) == TOTAL:
                    parts = tuple(cell.replace(dim, v) for v in table.domains[dim])
                    relate("sum", cell, parts)
            if table.within:
                relate("le", CellKey(table.within, cell.coords), (cell,))
    for relation in result.relations:
        if relation.kind == "le" and relation.total not in result.values:
            raise InconsistentTables(f"{relation.parts[0].label()} is within a cell that is not published")
    return result
