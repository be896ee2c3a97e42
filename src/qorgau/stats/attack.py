"""The attacker: how far each suppressed cell can be pinned down from everything published.

For every suppressed cell the attacker solves two linear programmes over all cells of the
release — the smallest and the largest value the cell can take given every published number,
every "total = sum of parts" and "part ≤ whole" relation, and that counts are never negative.
A release passes only if every suppressed cell's interval reaches at least `p` above its true
value and `p` below it (or down to zero): nobody can say "there were 2", nor "between 1 and 4".

Suppressed cells that share no relation cannot inform each other, so each connected group of
suppressed cells is its own small programme (exactly the same answer, far less work).

HiGHS (highspy) solves the programmes; nothing here is a heuristic.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import highspy
import numpy as np

from qorgau.stats.tables import CellKey, TableSet

EPS = 1e-6


@dataclass(frozen=True)
class Protection:
    """k: counts from 1 to k-1 are suppressed (zero is published); p: how far from its true value
    each suppressed cell must be able to lie, both ways (down to zero at least)."""

    k: int = 5
    p: int = 5

    def needs_low(self, value: int) -> int:
        return min(value, self.p)

    def is_sensitive(self, value: int) -> bool:
        return 0 < value < self.k


@dataclass(frozen=True)
class Finding:
    cell: CellKey
    value: int
    low: float
    high: float
    need_low: float
    need_high: float

    @property
    def ok(self) -> bool:
        return self.low <= self.need_low + EPS and self.high >= self.need_high - EPS


@dataclass(frozen=True)
class AuditReport:
    findings: tuple[Finding, ...]

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.ok)

    @property
    def ok(self) -> bool:
        return not self.failures


class Attacker:
    """The release's cells and relations in index form, ready for many small programmes."""

    def __init__(self, tableset: TableSet):
        self.cells: list[CellKey] = sorted(tableset.values)
        self.index = {cell: i for i, cell in enumerate(self.cells)}
        self.values = np.array([tableset.values[c] for c in self.cells], dtype=float)
        # Each relation as (is_equality, [(cell index, coefficient)]) meaning Σ coef·y (=|≤) 0.
        self.relations: list[tuple[bool, list[tuple[int, float]]]] = []
        self.relations_of: dict[int, list[int]] = defaultdict(list)
        for relation in tableset.relations:
            terms = [(self.index[relation.total], 1.0)] if relation.kind == "sum" else []
            if relation.kind == "sum":
                terms += [(self.index[p], -1.0) for p in relation.parts]
            else:  # part - whole <= 0
                terms = [(self.index[relation.parts[0]], 1.0), (self.index[relation.total], -1.0)]
            number = len(self.relations)
            self.relations.append((relation.kind == "sum", terms))
            for cell, _coef in terms:
                self.relations_of[cell].append(number)
        self._cache: dict[tuple[frozenset, int, int], tuple[float, dict[int, float], float]] = {}
        self._models: dict[frozenset, _Model] = {}

    # --- structure --------------------------------------------------------------------------------

    def components(self, suppressed: set[int]) -> list[frozenset[int]]:
        """Groups of suppressed cells linked through relations that hold two or more of them."""
        parent = {c: c for c in suppressed}

        def find(c):
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        for cell in suppressed:
            for number in self.relations_of[cell]:
                for other, _coef in self.relations[number][1]:
                    if other in suppressed:
                        a, b = find(cell), find(other)
                        if a != b:
                            parent[max(a, b)] = min(a, b)
        groups: dict[int, set[int]] = defaultdict(set)
        for cell in suppressed:
            groups[find(cell)].add(cell)
        return [frozenset(g) for g in groups.values()]

    # --- one programme -----------------------------------------------------------------------------

    def extreme(
        self, component: frozenset[int], target: int, sign: int
    ) -> tuple[float, dict[int, float], float]:
        """The largest value of sign·y[target] over the component (sign -1: minus the smallest),
        and the Benders cut that LP duality gives for it: for every x (1 = suppressed),
            largest(x) <= sign·value[target] + offset + Σ coef[cell]·x[cell],
        with equality at the current pattern. Unbounded: (inf, {}, 0)."""
        memo = (component, target, sign)
        if memo in self._cache:
            return self._cache[memo]
        model = self._model(component)
        highs, column = model.highs, model.column
        if model.target is not None:
            highs.changeColCost(model.target, 0.0)
        model.target = column[target]
        highs.changeColCost(model.target, -float(sign))
        highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kUnbounded:  # nothing caps the cell from above
            answer = (math.inf, {}, 0.0)
        elif status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"attacker programme failed: {highs.modelStatusToString(status)}")
        else:
            solution = highs.getSolution()
            value = -highs.getInfo().objective_function_value
            answer = (value, *self._cut(model, solution))
        self._cache[memo] = answer
        return answer

    def _model(self, component: frozenset[int]) -> "_Model":
        """One HiGHS model per group of suppressed cells; each cell's two programmes only change
        the objective, so HiGHS starts from the previous optimum (a few pivots, not a new solve)."""
        model = self._models.pop(component, None)
        if model is None:
            model = _Model.build(self, component)
        self._models[component] = model
        while len(self._models) > 8:
            self._models.pop(next(iter(self._models)))
        return model

    def _cut(self, model: "_Model", solution) -> tuple[dict[int, float], float]:
        """How much each cell's freedom contributes to the bound, and the bound's constant beyond
        the cell's own value: the slack that "part ≤ whole" relations leave (duals × slack).

        HiGHS minimises -sign·y; its duals are derivatives of that minimum (row duals by the
        right-hand side, column duals by the lower bound), so the value's are their negatives."""
        coefs: dict[int, float] = {}
        # A suppressed cell held at zero holds the bound back by ν·(its true value).
        for j, cell in enumerate(model.order):
            nu = float(solution.col_dual[j])
            if nu > EPS and self.values[cell] > 0:
                coefs[cell] = nu * self.values[cell]
        duals = {number: -float(d) for number, d in zip(model.rows, solution.row_dual, strict=True)}
        offset = 0.0
        for number in model.rows:
            if not self.relations[number][0]:
                slack = -sum(coef * self.values[cell] for cell, coef in self.relations[number][1])
                offset += duals[number] * slack
        # A published cell's sensitivity: the duals of the relations it appears in.
        sensitivity: dict[int, float] = defaultdict(float)
        for number, gamma in duals.items():
            if abs(gamma) <= EPS:
                continue
            for cell, coef in self.relations[number][1]:
                if cell not in model.column:
                    sensitivity[cell] += -gamma * coef
        for cell, d in sensitivity.items():
            if d > EPS:
                coefs[cell] = math.inf  # no upper bound: freeing it lifts the bound without limit
            elif d < -EPS and self.values[cell] > 0:
                coefs[cell] = -d * self.values[cell]
        return coefs, offset

    # --- the audit ---------------------------------------------------------------------------------

    def intervals(self, suppressed: Iterable[int]) -> dict[int, tuple[float, float]]:
        suppressed = set(suppressed)
        found = {}
        for component in self.components(suppressed):
            for cell in component:
                high = self.extreme(component, cell, +1)[0]
                minus_low = self.extreme(component, cell, -1)[0]
                found[cell] = (-minus_low, high)
        return found

    def audit(self, suppressed: Iterable[int], protection: Protection) -> AuditReport:
        findings = []
        for cell, (low, high) in sorted(self.intervals(suppressed).items()):
            value = int(self.values[cell])
            findings.append(
                Finding(
                    cell=self.cells[cell],
                    value=value,
                    low=max(low, 0.0),
                    high=high,
                    need_low=value - protection.needs_low(value),
                    need_high=value + protection.p,
                )
            )
        return AuditReport(tuple(findings))


class _Model:
    """The attacker's programme over one group of suppressed cells: a variable per cell (≥ 0),
    a row per relation that holds one of them, published cells moved to the right-hand side."""

    def __init__(self, highs, order, column, rows):
        self.highs, self.order, self.column, self.rows = highs, order, column, rows
        self.target: int | None = None

    @classmethod
    def build(cls, attacker: Attacker, component: frozenset[int]) -> "_Model":
        order = sorted(component)
        column = {cell: j for j, cell in enumerate(order)}
        rows = sorted({n for cell in order for n in attacker.relations_of[cell]})
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("threads", 1)
        n = len(order)
        highs.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))
        lower, upper, starts, indices, values = [], [], [], [], []
        for number in rows:
            is_sum, terms = attacker.relations[number]
            constant = 0.0
            starts.append(len(indices))
            for cell, coef in terms:
                if cell in column:
                    indices.append(column[cell]), values.append(coef)
                else:
                    constant += coef * attacker.values[cell]
            lower.append(-constant if is_sum else -highspy.kHighsInf)
            upper.append(-constant)
        if rows:
            highs.addRows(
                len(rows),
                np.array(lower),
                np.array(upper),
                len(indices),
                np.array(starts, dtype=np.int32),
                np.array(indices, dtype=np.int32),
                np.array(values, dtype=float),
            )
        return cls(highs, order, column, rows)


def audit(tableset: TableSet, suppressed: Iterable[CellKey], protection: Protection) -> AuditReport:
    """Play the attacker against a suppression pattern: every suppressed cell's possible range."""
    attacker = Attacker(tableset)
    return attacker.audit({attacker.index[c] for c in suppressed}, protection)
