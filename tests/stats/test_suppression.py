"""Suppression and the attacker: small cells in awkward places, linked tables, weak patterns.

The attacker (attack.audit) solves, for every suppressed cell, the least and greatest value it can
take given everything published. These tests build the layouts that break naive suppression and
check that the pattern survives the attacker — and that the attacker catches weak patterns."""

import random

import pytest

from qorgau.stats.attack import Attacker, Protection, audit
from qorgau.stats.suppression import protect
from qorgau.stats.tables import TOTAL, InconsistentTables, Table, build, key

RULES = Protection(k=5, p=5)


def grid(rows: dict, *, measure="n", fixed=()) -> Table:
    """A two-way table from {row: {column: count}}."""
    row_values = tuple(rows)
    col_values = tuple(sorted({c for cols in rows.values() for c in cols}))
    counts = {(r, c): n for r, cols in rows.items() for c, n in cols.items()}
    return Table(measure, ("r", "c"), {"r": row_values, "c": col_values}, counts, fixed=fixed)


def protected(tables):
    tableset = build(tables)
    pattern = protect(tableset, RULES)
    report = audit(tableset, pattern.suppressed, RULES)
    assert report.ok, [(f.cell.label(), f.low, f.high) for f in report.failures]
    return tableset, pattern, report


def test_a_single_small_cell_in_a_row_gets_complements_that_hide_it():
    _tableset, pattern, report = protected(
        [
            grid(
                {
                    "a": {"x": 2, "y": 10, "z": 7},
                    "b": {"x": 8, "y": 9, "z": 12},
                    "c": {"x": 15, "y": 11, "z": 20},
                }
            )
        ]
    )
    small = key("n", r="a", c="x")
    assert small in pattern.primary
    # Not alone in its row, nor in its column: either would give it away by subtraction.
    assert len([c for c in pattern.suppressed if c.get("r") == "a" and c.get("c") != TOTAL]) >= 2
    assert len([c for c in pattern.suppressed if c.get("c") == "x" and c.get("r") != TOTAL]) >= 2
    finding = next(f for f in report.findings if f.cell == small)
    assert finding.low <= 0 and finding.high >= 2 + 5


def test_two_small_cells_in_one_row_do_not_protect_each_other():
    # Two small cells alone in a row would each be known within the other's size (2+3=5).
    _tableset, pattern, report = protected(
        [
            grid(
                {
                    "a": {"x": 2, "y": 3, "z": 30},
                    "b": {"x": 20, "y": 25, "z": 40},
                    "c": {"x": 18, "y": 22, "z": 35},
                }
            )
        ]
    )
    assert {key("n", r="a", c="x"), key("n", r="a", c="y")} <= pattern.primary
    assert pattern.secondary, "complementary cells are needed"
    for cell in (key("n", r="a", c="x"), key("n", r="a", c="y")):
        finding = next(f for f in report.findings if f.cell == cell)
        assert finding.high - finding.value >= 5


def test_a_total_made_of_one_small_cell_and_zeros_is_hidden_with_it():
    # Row "a" is 3, 0, 0: its total equals the small cell, so the total must go too (and zeros
    # alone cannot hide anything: they are published as zero).
    tableset, pattern, _report = protected(
        [
            grid(
                {
                    "a": {"x": 3, "y": 0, "z": 0},
                    "b": {"x": 20, "y": 25, "z": 40},
                    "c": {"x": 18, "y": 22, "z": 35},
                }
            )
        ]
    )
    assert key("n", r="a", c="x") in pattern.suppressed
    assert key("n", r="a") in pattern.suppressed  # the row total, 3, is itself small
    assert tableset.values[key("n", r="a", c="y")] == 0


BY_TYPE = {
    "r1": {"t1": 2, "t2": 2, "t3": 6},
    "r2": {"t1": 30, "t2": 50, "t3": 45},
    "r3": {"t1": 25, "t2": 45, "t3": 40},
}
BY_AGE = {
    ("r1", "young"): 5,
    ("r1", "old"): 5,
    ("r2", "young"): 60,
    ("r2", "old"): 65,
    ("r3", "young"): 50,
    ("r3", "old"): 60,
}


def _tables():
    by_age = Table("n", ("r", "age"), {"r": ("r1", "r2", "r3"), "age": ("young", "old")}, BY_AGE)
    return grid(BY_TYPE), by_age


def test_cells_linked_through_two_tables_are_protected_across_both():
    by_type, by_age = _tables()
    tableset, pattern, _report = protected([by_type, by_age])
    # One margin cell, shared: the r1 total is the same cell in both tables, suppressed in both or neither.
    assert len([c for c in tableset.values if c == key("n", r="r1")]) == 1
    assert key("n", r="r1", c="t1") in pattern.primary


def test_linked_tables_defeat_patterns_made_for_each_table_alone():
    # Protected one by one, the type table hides the region total that the age table publishes:
    # the attacker reads it there and narrows the small cell down.
    by_type, by_age = _tables()
    alone_type = protect(build([by_type]), RULES).suppressed
    alone_age = protect(build([by_age]), RULES).suppressed
    type_cells, age_cells = set(build([by_type]).values), set(build([by_age]).values)
    shared = type_cells & age_cells
    assert alone_type & shared, "the layout must make the type table hide a shared margin"
    assert audit(build([by_type]), alone_type, RULES).ok  # safe on its own...
    published_somewhere = {c for c in shared if c not in alone_type or c not in alone_age}
    hidden = (alone_type | alone_age) - published_somewhere
    report = audit(build([by_type, by_age]), hidden, RULES)
    assert not report.ok  # ...but not next to the other table


def test_the_attacker_catches_primary_suppression_alone():
    tableset = build([grid({"a": {"x": 2, "y": 10}, "b": {"x": 8, "y": 9}})])
    report = audit(tableset, {key("n", r="a", c="x")}, RULES)
    assert not report.ok
    (failure,) = report.failures
    assert failure.low == failure.high == 2  # row total minus the published cell


def test_the_attacker_catches_a_rectangle_too_small_to_hide_the_cell():
    # A 2×2 rectangle whose other cells are 1, 1 and 2: the small cell can move by at most 1.
    tableset = build(
        [
            grid(
                {
                    "a": {"x": 2, "y": 1, "z": 30},
                    "b": {"x": 1, "y": 2, "z": 30},
                    "c": {"x": 30, "y": 30, "z": 30},
                }
            )
        ]
    )
    weak = {key("n", r=r, c=c) for r in "ab" for c in "xy"}
    report = audit(tableset, weak, RULES)
    assert not report.ok
    finding = next(f for f in report.findings if f.cell == key("n", r="a", c="x"))
    assert finding.high - finding.value < 5


def test_part_of_a_count_is_bounded_by_the_count():
    # Accepted referrals ≤ referrals: a suppressed sub-count under a published small count is pinned.
    sent = grid({"a": {"x": 6, "y": 40}, "b": {"x": 30, "y": 50}}, measure="sent")
    accepted = Table(
        "sent:ok",
        ("r", "c"),
        sent.domains,
        {("a", "x"): 0, ("a", "y"): 1, ("b", "x"): 30, ("b", "y"): 50},
        within="sent",
    )
    _tableset, pattern, _report = protected([sent, accepted])
    assert key("sent:ok", r="a", c="y") in pattern.primary


def test_the_same_data_gives_the_same_pattern_in_any_order():
    rng = random.Random(7)
    tables = [
        grid(
            {f"r{i}": {f"c{j}": rng.choice([0, 1, 2, 3, 7, 12, 30, 60]) for j in range(4)} for i in range(5)}
        ),
        Table("n", ("r", "age"), {"r": tuple(f"r{i}" for i in range(5)), "age": ("young",)}, {}),
    ]
    # The age table must agree on the shared margin: fill it from the first table's row totals.
    first = build(tables[:1])
    tables[1] = Table(
        "n",
        ("r", "age"),
        {"r": tuple(f"r{i}" for i in range(5)), "age": ("young",)},
        {(f"r{i}", "young"): first.values[key("n", r=f"r{i}")] for i in range(5)},
    )
    one = protect(build(tables), RULES).suppressed
    two = protect(build(list(reversed(tables))), RULES).suppressed
    assert one == two


def test_zero_is_published_and_small_counts_are_not():
    _tableset, pattern, _report = protected([grid({"a": {"x": 0, "y": 40}, "b": {"x": 30, "y": 50}})])
    assert key("n", r="a", c="x") not in pattern.suppressed
    assert not pattern.suppressed


def test_tables_that_disagree_on_a_shared_cell_are_refused():
    with pytest.raises(InconsistentTables):
        build([grid({"a": {"x": 3}}), Table("n", ("r",), {"r": ("a",)}, {("a",): 4})])


def test_the_cut_from_duality_matches_the_attackers_answer():
    """value(x) = sign·a + offset + Σ coef·x at the current pattern: the Benders cut is exact there."""
    tableset = build(
        [
            grid(
                {
                    "a": {"x": 2, "y": 10, "z": 7},
                    "b": {"x": 8, "y": 9, "z": 12},
                    "c": {"x": 15, "y": 11, "z": 20},
                }
            )
        ]
    )
    attacker = Attacker(tableset)
    suppressed = {attacker.index[key("n", r=r, c=c)] for r in "ab" for c in "xz"}
    for component in attacker.components(suppressed):
        for cell in component:
            for sign in (+1, -1):
                value, coefs, offset = attacker.extreme(component, cell, sign)
                at_pattern = sum(v for c, v in coefs.items() if c in suppressed)
                assert value == pytest.approx(sign * attacker.values[cell] + offset + at_pattern)


def test_the_neighbourhood_is_every_combination_of_the_choices_that_is_a_cell():
    """The box a cell's programme is built on, against the definition written out by brute force
    (every combination of each dimension's choices, kept where it is a cell of the release). Many
    tables that share one margin, as the national dashboard's region × breakdown tables do."""
    from itertools import product

    from qorgau.stats.suppression import _Protector

    rng = random.Random(11)
    dims = {"region": ("r0", "r1", "r2", "r3"), "type": ("a", "b", "c"), "age": ("y", "o"), "sex": ("f", "m")}
    cube = {values: rng.choice([0, 1, 2, 4, 9, 30]) for values in product(*dims.values())}
    names = list(dims)

    def margin(*ds):
        counts = {}
        for values, n in cube.items():
            inner = tuple(values[names.index(d)] for d in ds)
            counts[inner] = counts.get(inner, 0) + n
        return Table("n", ds, {d: dims[d] for d in ds}, counts)

    tableset = build(
        [margin("region", "type"), margin("region", "age"), margin("region", "sex"), margin("type", "age")]
    )
    helper = _Protector(tableset, RULES)
    cells, index, values = helper.attacker.cells, helper.attacker.index, helper.attacker.values
    for target, cell in enumerate(cells):
        suppressed = set(rng.sample(range(len(cells)), 6))
        for width in (1, 2):
            choices = []
            for dim, domain in helper._domains(cell).items():
                line = [(cell.replace(dim, v), v) for v in domain if v != cell.get(dim)]
                line = [(index[c], v) for c, v in line if c in index]
                ranked = sorted(line, key=lambda pair: (-values[pair[0]], cells[pair[0]]))
                free = [pair for pair in ranked if pair[0] in suppressed]
                keep = {v for _i, v in ranked[:width]} | {v for _i, v in free[:width]}
                choices.append((dim, sorted({cell.get(dim), TOTAL, *keep})))
            expected = {target}
            for combination in product(*(options for _dim, options in choices)):
                candidate = cell
                for (dim, _options), value in zip(choices, combination, strict=True):
                    candidate = candidate.replace(dim, value)
                if candidate in index:
                    expected.add(index[candidate])
            box = set(helper.box(target, width, suppressed))
            assert expected <= box, cell.label()
            # Beyond the combinations, only parts and wholes of other measures (none here).
            assert box == expected, cell.label()
