"""Primary and secondary cell suppression over every table of a release at once.

Primary: every count from 1 to k-1 (zero is published). Secondary: for each suppressed cell in
turn, the cheapest further cells whose suppression lets that cell lie at least `p` above and `p`
below its true value (or down to zero) whatever the attacker does with every published number —
found exactly by a small mixed-integer programme solved with HiGHS (SciPy's `milp`).

The programme for one cell is the attacker's own problem turned around (Kelly, Golden and Assad,
Networks 1992; Fischetti and Salazar-González, Management Science 2001): besides the choice of
cells x (1 = suppressed) it holds two movements of the whole release, one lifting the cell by p
and one lowering it, each keeping every "total = sum of parts" and "part ≤ whole" relation true
and moving only suppressed cells (never below zero). Such movements exist exactly when the
attacker cannot pin the cell closer. Suppressing more never narrows anyone's interval, so a cell
protected once stays protected while later cells are handled; complementary cells join the queue
and are protected the same way. The attacker audit (`attack.py`) then checks the whole pattern;
exports run it again before anything leaves the server.

Cost of suppressing a cell: 1 + log(1 + value) (fewer cells, and small ones, lose the least
information) plus a tiny tie-breaker from the cell's key; cells are handled in a fixed order
(smallest first, then by key), so the same data always gives the same pattern, whatever order
the tables come in.
"""

import hashlib
import math
from collections import deque
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from qorgau.stats.attack import Attacker, Protection
from qorgau.stats.tables import TOTAL, CellKey, TableSet


class SuppressionError(RuntimeError):
    """No safe pattern was found: publish nothing."""


@dataclass(frozen=True)
class Pattern:
    suppressed: frozenset[CellKey]
    primary: frozenset[CellKey]
    programmes: int  # how many per-cell programmes were solved

    @property
    def secondary(self) -> frozenset[CellKey]:
        return self.suppressed - self.primary


def _tie_breaker(cell: CellKey) -> float:
    digest = hashlib.sha256(cell.label().encode()).digest()
    return int.from_bytes(digest[:6], "big") / 2**48 * 1e-3


class _Protector:
    def __init__(self, tableset: TableSet, protection: Protection):
        self.attacker = Attacker(tableset)
        self.tables = tableset.tables
        self.protection = protection
        values = self.attacker.values
        self.by_measure: dict[str, list[tuple[int, dict[str, str]]]] = {}
        for i, c in enumerate(self.attacker.cells):
            self.by_measure.setdefault(c.measure, []).append((i, dict(c.coords)))
        self.costs = np.array(
            [1 + math.log1p(v) + _tie_breaker(c) for c, v in zip(self.attacker.cells, values, strict=True)]
        )

    def _domains(self, cell: CellKey) -> dict[str, tuple[str, ...]]:
        """Every dimension along which the cell has neighbours, with the values it can take."""
        domains: dict[str, set[str]] = {}
        coords = dict(cell.coords)
        for table in self.tables:
            fixed = dict(table.fixed)
            if table.measure != cell.measure or any(coords.get(d) != v for d, v in fixed.items()):
                continue
            if set(coords) - set(fixed) - set(table.dims):
                continue
            for dim in table.dims:
                domains.setdefault(dim, set()).update(table.domains[dim])
        return {dim: tuple(sorted(values)) for dim, values in sorted(domains.items())}

    def box(self, target: int, width: int | None, suppressed: set[int]) -> list[int]:
        """Cells around the target: along each of its dimensions, its own value, the total, and
        the `width` values with the most room (largest counts on the target's line) among all and
        among those already suppressed; every combination of these. None: the whole release."""
        if width is None:
            return list(range(len(self.attacker.cells)))
        cells, index, values = self.attacker.cells, self.attacker.index, self.attacker.values
        cell = cells[target]
        choices = []
        for dim, domain in self._domains(cell).items():
            line = [(cell.replace(dim, v), v) for v in domain if v != cell.get(dim)]
            line = [(index[c], v) for c, v in line if c in index]
            ranked = sorted(line, key=lambda pair: (-values[pair[0]], cells[pair[0]]))
            free = [pair for pair in ranked if pair[0] in suppressed]
            keep = {v for _i, v in ranked[:width]} | {v for _i, v in free[:width]}
            choices.append((dim, {cell.get(dim), TOTAL, *keep}))
        # Every combination of these choices that is a cell of the release. The release's cells
        # of this measure are walked, not the combinations: with ten dimensions the product of
        # their choices runs to millions while the cells number thousands.
        allowed = dict(choices)
        own = dict(cell.coords)
        found = {target}
        for i, coords in self.by_measure[cell.measure]:
            if all(
                coords.get(dim, TOTAL) in allowed[dim] if dim in allowed else coords.get(dim) == own.get(dim)
                for dim in coords.keys() | own.keys()
            ):
                found.add(i)
        # Parts and wholes of other measures ("accepted ≤ sent") move with them.
        for i in list(found):
            for number in self.attacker.relations_of[i]:
                if not self.attacker.relations[number][0]:
                    found.update(c for c, _coef in self.attacker.relations[number][1])
        return sorted(found)

    def cheapest_cover(self, target: int, suppressed: set[int], cells: list[int]) -> set[int] | None:
        """The cheapest cells among `cells` to suppress (besides those already suppressed) so that
        the target can move p up and enough down; None if `cells` cannot do it."""
        attacker, values = self.attacker, self.attacker.values
        n = len(cells)
        column = {cell: j for j, cell in enumerate(cells)}
        inside = set(cells)
        up = float(self.protection.p)
        down = float(self.protection.needs_low(int(values[target])))
        directions = [(+1, up)] + ([(-1, down)] if down > 0 else [])
        # Variables: x (n), then per direction: increase (n) and decrease (n).
        size = n * (1 + 2 * len(directions))
        rows, cols, data, lower, upper = [], [], [], [], []
        row = 0

        def add(entries, lo, hi):
            nonlocal row
            for col, coef in entries:
                rows.append(row), cols.append(col), data.append(coef)
            lower.append(lo), upper.append(hi)
            row += 1

        numbers = sorted({m for cell in cells for m in attacker.relations_of[cell]})
        for d, (sign, need) in enumerate(directions):
            inc, dec = n * (1 + 2 * d), n * (2 + 2 * d)
            for number in numbers:
                is_sum, terms = attacker.relations[number]
                entries = []
                for cell, coef in terms:
                    if cell in inside:
                        entries += [(inc + column[cell], coef), (dec + column[cell], -coef)]
                if is_sum:
                    add(entries, 0.0, 0.0)  # cells outside the neighbourhood stay where they are
                else:
                    slack = -sum(coef * values[cell] for cell, coef in terms)
                    add(entries, -np.inf, slack)
            # A cell moves only if suppressed, never below zero, and by at most what the target
            # needs: a movement that hides the target by `need` never has to shift one cell by
            # more along one path, and the tight limit keeps the programme quick to solve. (A
            # limit only makes the defender more careful: the attacker may still move further.)
            for cell in cells:
                j = column[cell]
                add([(inc + j, 1.0), (j, -need)], -np.inf, 0.0)
                add([(dec + j, 1.0), (j, -min(float(values[cell]), need))], -np.inf, 0.0)
            t = column[target]
            add([(inc + t, float(sign)), (dec + t, float(-sign))], need, np.inf)
        costs = np.zeros(size)
        x_lower = np.zeros(size)
        x_upper = np.full(size, np.inf)
        integrality = np.zeros(size)
        for cell in cells:
            j = column[cell]
            costs[j] = 0.0 if cell in suppressed else self.costs[cell]
            x_lower[j] = 1.0 if cell in suppressed or cell == target else 0.0
            x_upper[j] = 1.0
            integrality[j] = 1
        matrix = coo_array((data, (rows, cols)), shape=(row, size)).tocsr()
        result = milp(
            costs,
            integrality=integrality,
            bounds=Bounds(x_lower, x_upper),
            constraints=[LinearConstraint(matrix, np.array(lower), np.array(upper))],
            options={"mip_rel_gap": 0.0, "presolve": True, "time_limit": 10},
        )
        if result.status == 2:  # infeasible within these cells
            return None
        if result.x is None:  # out of time without any safe choice: try more cells
            return None if len(cells) < len(self.attacker.cells) else self._everything(target, suppressed)
        return {cells[j] for j in range(n) if result.x[j] > 0.5}

    def _everything(self, target: int, suppressed: set[int]) -> set[int]:
        """Last resort when the solver runs out of time on the whole release: every cell that
        shares a relation with the target, with theirs (safe, never minimal; the audit checks)."""
        return set(self.box(target, len(self.attacker.cells), suppressed)) | suppressed

    def protect_cell(self, target: int, suppressed: set[int]) -> tuple[set[int], int]:
        for solved, width in enumerate((2, 5, None), start=1):
            chosen = self.cheapest_cover(target, suppressed, self.box(target, width, suppressed))
            if chosen is not None:
                return chosen, solved
        raise SuppressionError(f"{self.attacker.cells[target].label()} cannot be protected")


DEFAULT_PROTECTION = Protection()


def protect(
    tableset: TableSet, protection: Protection = DEFAULT_PROTECTION, *, protect_secondary: bool = True
) -> Pattern:
    """The suppression pattern of a release: primary cells and a safe complement.

    With `protect_secondary` every suppressed cell, complementary ones included, gets the same
    protection range (so that no suppressed cell of the release can be pinned down)."""
    helper = _Protector(tableset, protection)
    cells, values = helper.attacker.cells, helper.attacker.values
    order = sorted(
        (i for i, v in enumerate(values) if protection.is_sensitive(int(v))),
        key=lambda i: (values[i], cells[i]),
    )
    primary = set(order)
    suppressed = set(primary)
    queue, queued, solved = deque(order), set(order), 0
    while queue:
        target = queue.popleft()
        # Cells already suppressed cost nothing here, so a target that is already hidden well
        # enough comes back with nothing new (cheaper than asking the attacker first).
        chosen, count = helper.protect_cell(target, suppressed)
        solved += count
        new = sorted(chosen - suppressed, key=lambda i: (values[i], cells[i]))
        suppressed |= chosen
        if protect_secondary:
            for cell in new:
                if cell not in queued:
                    queued.add(cell)
                    queue.append(cell)
    return Pattern(frozenset(cells[i] for i in suppressed), frozenset(cells[i] for i in primary), solved)
