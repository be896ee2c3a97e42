"""How often each comparison level is seen for the same person, re-estimated on the registers
being linked, starting from and held near the model's own numbers.

Two registers differ in quality: one agency copies IINs from documents, another types them from
what she says. The hand-set ``m`` of ``matching`` are rates of such errors for a typical register;
how often a field disagrees for the same person in *these* two registers can be read off the data.

Each field is estimated leaving that field out: the pairs that every *other* field judges the same person
with confidence are taken, and the field's m is the share of each of its levels among them (with the hand-set m as a prior worth ``PRIOR_PAIRS`` pairs). A field never judges
itself, so an error rate cannot talk itself up, which plain EM over all fields does when most
compared pairs are unrelated people who share a name (it then learns "same person" as "same
name"). The relatives' and the unrelated classes keep their numbers (``r`` and ``u`` describe
families and chance, not a register), so the likeness that keeps sisters apart is not learnt
away, and so do the priors. Used by ``linkage.link`` only: the intake search compares one typed
person with the country and keeps the hand-set numbers.
"""

from __future__ import annotations

import math

import numpy as np

from qorgau.people import matching

PRIOR_PAIRS = 200.0  # how many pairs' worth of belief the hand-set m carry
CONFIDENT = 0.99  # judged on the other fields, the pair is the same person
ROUNDS = 2  # the second round judges each field by the others' re-estimated m


Compact = tuple[tuple[str, str, float, float, float], ...]  # (field, level key, m, r, u) per field


def compact(comparison: matching.Comparison) -> Compact:
    """What the fit needs of a comparison, in plain values (they cross process boundaries)."""
    return tuple((name, level.key, level.m, level.r, level.u) for name, level in comparison.levels)


class LevelTable:
    """The levels of many compared pairs as arrays: one row per pair, one column per field."""

    def __init__(self, pairs: list[Compact], priors: dict | None = None):
        priors = priors or matching.PRIORS
        self.base = np.log([priors["m"], priors["r"], priors["u"]])
        names: dict[str, int] = {}
        self.slots: dict[tuple[str, str], int] = {}
        start: list[float] = []
        for levels in pairs:
            for name, key, m, _r, _u in levels:
                names.setdefault(name, len(names))
                if (name, key) not in self.slots:
                    self.slots[(name, key)] = len(start)
                    start.append(m)
        n, f = len(pairs), len(names)
        self.fields = f
        self.slot = np.full((n, f), -1)
        self.log_r = np.zeros((n, f))
        self.log_u = np.zeros((n, f))
        for row, levels in enumerate(pairs):
            for name, key, _m, r, u in levels:
                col = names[name]
                self.slot[row, col] = self.slots[(name, key)]
                self.log_r[row, col] = math.log(r)
                self.log_u[row, col] = math.log(u)
        self.seen = self.slot >= 0
        self.prior_m = np.asarray(start)
        self.field_of = np.zeros(len(start), dtype=int)
        for (name, _key), i in self.slots.items():
            self.field_of[i] = names[name]

    def _log_m(self, m: np.ndarray) -> np.ndarray:
        return np.where(self.seen, np.log(m)[np.maximum(self.slot, 0)], 0.0)

    def fit(self) -> dict[tuple[str, str], float]:
        """The re-estimated m per (field, level key) of the levels seen."""
        if not len(self.slot):
            return {}
        mass = np.bincount(self.field_of, weights=self.prior_m, minlength=self.fields)  # kept per field
        prior_share = self.prior_m / mass[self.field_of]
        m = self.prior_m.copy()
        for _round in range(ROUNDS):
            log_m = self._log_m(m)
            totals = np.stack([log_m.sum(axis=1), self.log_r.sum(axis=1), self.log_u.sum(axis=1)])
            new = m.copy()
            for col in range(self.fields):
                own = np.stack([log_m[:, col], self.log_r[:, col], self.log_u[:, col]])
                logs = totals - own + self.base[:, None]
                logs -= logs.max(axis=0)
                odds = np.exp(logs)
                # Only pairs the other fields call the same person with confidence: thousands of
                # unrelated pairs with a small probability each would otherwise add up to a crowd.
                confident = (odds[0] / odds.sum(axis=0) >= CONFIDENT).astype(float)
                rows = self.seen[:, col]
                members = np.flatnonzero(self.field_of == col)
                counts = np.bincount(self.slot[rows, col], weights=confident[rows], minlength=len(m))[members]
                share = (counts + PRIOR_PAIRS * prior_share[members]) / (counts.sum() + PRIOR_PAIRS)
                new[members] = np.clip(share * mass[col], 1e-9, 1.0)
            m = new
        return {key: float(m[i]) for key, i in self.slots.items()}

    def posteriors(self, fitted: dict[tuple[str, str], float]) -> np.ndarray:
        """P(same person) of every pair with the re-estimated m (as ``Matcher.posterior``)."""
        m = self.prior_m.copy()
        for key, i in self.slots.items():
            m[i] = fitted.get(key, m[i])
        logs = np.stack([self._log_m(m).sum(axis=1), self.log_r.sum(axis=1), self.log_u.sum(axis=1)])
        logs += self.base[:, None]
        logs -= logs.max(axis=0)
        odds = np.exp(logs)
        return odds[0] / odds.sum(axis=0)
