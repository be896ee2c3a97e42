"""Many pairs compared at once: each pair's level per field, the same levels ``Matcher.keys`` gives
one pair, computed a field at a time over arrays (linking registers compares millions of pairs).

A pair is a row of level numbers, one per field of ``matching.FIELDS`` (the level's position in
its table), ``MISSING`` where either record lacks the field. Numbers (IIN, phone, birth date) are
compared as rows of digits; a name is compared once per distinct pair of folded names, by the
same ``_compare_folds`` as one pair; the name order is chosen as ``Matcher.keys`` chooses it.
"""

from __future__ import annotations

import math

import numpy as np

from qorgau.people import matching

MISSING = -1
COLUMN = {name: col for col, name in enumerate(matching.FIELDS)}
CODE = {name: {key: n for n, key in enumerate(table)} for name, table in matching.FIELDS.items()}


def _code(name: str, key: str) -> int:
    return CODE[name][key]


class _Numbers:
    """One number per record as a row of digit bytes, padded to one width."""

    def __init__(self, values: list[str]):
        width = max(max(map(len, values), default=0), 1)
        self.length = np.fromiter(map(len, values), dtype=np.int16, count=len(values))
        text = "".join(v.ljust(width, "_") for v in values).encode("ascii", "replace")
        self.digits = np.frombuffer(text, dtype=np.uint8).reshape(len(values), width)

    def compare(self, i: np.ndarray, k: np.ndarray):
        """(present, equal, one apart) per pair: one digit different or two neighbours swapped,
        as ``matching._one_apart``."""
        x, y = self.digits[i], self.digits[k]
        diff = x != y
        count = diff.sum(axis=1)
        same_length = self.length[i] == self.length[k]
        rows = np.arange(len(i))
        first = diff.argmax(axis=1)
        second = np.minimum(first + 1, x.shape[1] - 1)
        swapped = (
            (count == 2)
            & diff[rows, second]
            & (x[rows, first] == y[rows, second])
            & (x[rows, second] == y[rows, first])
        )
        present = (self.length[i] > 0) & (self.length[k] > 0)
        return present, same_length & (count == 0), same_length & ((count == 1) | swapped)


class Records:
    """The records of both registers (a first, then b) as arrays, made once before comparing.

    ``exact_log_u[field][i]``: log u of agreeing exactly on record i's name (its frequency when the
    matcher has frequencies), the u the matcher gives that level for a pair whose a-side is i."""

    def __init__(self, a: list[matching.Prepared], b: list[matching.Prepared], matcher: matching.Matcher):
        self.matcher, self.offset = matcher, len(a)
        people = a + b
        self.iin = _Numbers([p.iin for p in people])
        self.iin_valid = np.array([matching._checksum_ok(p.iin) for p in people], dtype=bool)
        # A register row has one phone; a record with more is compared by matching.compare_phones.
        self.phones = [p.phones for p in people]
        self.phone = _Numbers([min(p.phones) if p.phones else "" for p in people])
        self.several_phones = np.array([len(p.phones) > 1 for p in people], dtype=bool)
        self.dob = _Numbers([p.dob for p in people])
        self.year = np.array([p.year or 0 for p in people], dtype=np.int32)
        self.sex = _ids([p.sex for p in people])
        self.region = _ids([p.region for p in people])
        vocabulary: dict[str, int] = {}

        def ids(parts):
            return np.array(
                [vocabulary.setdefault(n.fold, len(vocabulary)) if n else MISSING for n in parts],
                dtype=np.int32,
            )

        self.surname = ids([p.surname for p in people])
        self.given = ids([p.given for p in people])
        self.patronymic = ids([p.patronymic for p in people])
        self.folds = list(vocabulary)
        self.exact_log_u = {}
        for name, parts in (("surname", [p.surname for p in a]), ("given_name", [p.given for p in a])):
            plain = matching.FIELDS[name]["exact"].logs[2]
            u = [matcher.exact_u(name, n.fold) if n else None for n in parts]
            self.exact_log_u[name] = np.array([math.log(x) if x else plain for x in u])

    def codes(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The level numbers of the pairs (a[i], b[j]), one row per pair, one column per field."""
        k = j + self.offset
        out = np.full((len(i), len(COLUMN)), MISSING, dtype=np.int8)

        present, equal, near = self.iin.compare(i, k)
        valid = self.iin_valid[i] & self.iin_valid[k]
        out[:, COLUMN["iin"]] = _choose(
            "iin", present, [(equal, "exact"), (near & valid, "near_valid"), (near, "near")], "differ"
        )

        present, equal, near = self.phone.compare(i, k)
        column = _choose("phone", present, [(equal, "exact"), (near, "near")], "differ")
        for row in np.flatnonzero(present & (self.several_phones[i] | self.several_phones[k])):
            column[row] = _code(
                "phone", matching.compare_phones(self.phones[i[row]], self.phones[k[row]]) or ""
            )
        out[:, COLUMN["phone"]] = column

        dated, equal, near = self.dob.compare(i, k)
        x, y = self.dob.digits[i], self.dob.digits[k]
        same_year = (x[:, :4] == y[:, :4]).all(axis=1)
        swapped = same_year & (x[:, 4:6] == y[:, 6:8]).all(axis=1) & (x[:, 6:8] == y[:, 4:6]).all(axis=1)
        out[:, COLUMN["birth_date"]] = _choose(
            "birth_date",
            dated,
            [(equal, "exact"), (swapped, "swapped"), (near, "near"), (same_year, "year")],
            "differ",
        )

        for name, values in (("sex", self.sex), ("region", self.region)):
            present = (values[i] >= 0) & (values[k] >= 0)
            out[:, COLUMN[name]] = _choose(name, present, [(values[i] == values[k], "exact")], "differ")

        ya, yb = self.year[i], self.year[k]
        out[:, COLUMN["birth_year"]] = _choose(
            "birth_year",
            ~dated & (ya > 0) & (yb > 0),
            [(ya == yb, "exact"), (np.abs(ya - yb) == 1, "near")],
            "differ",
        )
        self._names(out, i, k)
        return out

    def _names(self, out: np.ndarray, i: np.ndarray, k: np.ndarray) -> None:
        """Surname, given name, patronymic and order, the order kept unless swapping the b-side's
        given name and surname speaks more for the same person (as Matcher.keys)."""
        sa, ga, sb, gb = self.surname[i], self.given[i], self.surname[k], self.given[k]
        surname, given = self._fold_levels("surname", sa, sb), self._fold_levels("given_name", ga, gb)
        patronymic = self._fold_levels("patronymic", self.patronymic[i], self.patronymic[k])
        four = (sa >= 0) & (ga >= 0) & (sb >= 0) & (gb >= 0)
        agree = (
            np.isin(surname, [MISSING, _code("surname", "exact"), _code("surname", "root")])
            & np.isin(given, [MISSING, _code("given_name", "exact"), _code("given_name", "root")])
            & np.isin(patronymic, [MISSING, _code("patronymic", "exact")])
        )
        try_swap = np.flatnonzero(~agree)
        swapped = np.zeros(len(i), dtype=bool)
        if len(try_swap):
            t, a_side = try_swap, i[try_swap]
            surname_swapped = self._fold_levels("surname", sa[t], gb[t])
            given_swapped = self._fold_levels("given_name", ga[t], sb[t])
            kept_ratio = self._ratio(a_side, surname[t], given[t], patronymic[t], four[t], "kept")
            swap_ratio = self._ratio(
                a_side, surname_swapped, given_swapped, patronymic[t], four[t], "swapped"
            )
            better = swap_ratio > kept_ratio  # a tie keeps the order, as max() keeps the first
            swapped[t[better]] = True
            surname[t[better]], given[t[better]] = surname_swapped[better], given_swapped[better]
        out[:, COLUMN["surname"]], out[:, COLUMN["given_name"]] = surname, given
        out[:, COLUMN["patronymic"]] = patronymic
        order = np.where(swapped, _code("order", "swapped"), _code("order", "kept"))
        out[:, COLUMN["order"]] = np.where(four, order, MISSING)

    def _fold_levels(self, name: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The level of each pair of folded names, computed once per distinct pair."""
        out = np.full(len(x), MISSING, dtype=np.int8)
        present = np.flatnonzero((x >= 0) & (y >= 0))
        if not len(present):
            return out
        distinct, inverse = np.unique(
            x[present].astype(np.int64) * len(self.folds) + y[present], return_inverse=True
        )
        patronymic = name == "patronymic"
        levels = np.array(
            [
                _code(name, key) if key else MISSING
                for key in (
                    matching._compare_folds(
                        self.folds[v // len(self.folds)], self.folds[v % len(self.folds)], patronymic
                    )
                    for v in distinct.tolist()
                )
            ],
            dtype=np.int8,
        )
        out[present] = levels[inverse.reshape(-1)]
        return out

    def _ratio(self, a_side, surname, given, patronymic, four, order: str) -> np.ndarray:
        """log m/u of the name levels, added in the order Matcher._log_ratio adds them."""
        total = np.zeros(len(a_side))
        for name, codes in (("surname", surname), ("given_name", given), ("patronymic", patronymic)):
            table = matching.FIELDS[name].values()
            ratio = np.array([level.logs[0] - level.logs[2] for level in table] + [0.0])
            part = ratio[codes]  # MISSING (-1) reads the trailing 0.0
            if name in self.exact_log_u:
                exact = codes == _code(name, "exact")
                m = matching.FIELDS[name]["exact"].logs[0]
                part = np.where(exact, m - self.exact_log_u[name][a_side], part)
            total = total + part
        level = matching.ORDER_LEVELS[order]
        return total + np.where(four, level.logs[0] - level.logs[2], 0.0)


def _ids(values: list[str]) -> np.ndarray:
    """Equal non-empty values get equal numbers; empty is MISSING."""
    seen: dict[str, int] = {}
    return np.array([seen.setdefault(v, len(seen)) if v else MISSING for v in values], dtype=np.int32)


def _choose(name: str, present: np.ndarray, cases: list, otherwise: str) -> np.ndarray:
    """The first case that holds, else ``otherwise``; MISSING where not present."""
    return np.select(
        [~present] + [c for c, _key in cases],
        [MISSING] + [_code(name, key) for _c, key in cases],
        _code(name, otherwise),
    ).astype(np.int8)
