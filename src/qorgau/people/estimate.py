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

import numpy as np

from qorgau.people import matching

PRIOR_PAIRS = 200.0  # how many pairs' worth of belief the hand-set m carry
CONFIDENT = 0.99  # judged on the other fields, the pair is the same person
ROUNDS = 2  # the second round judges each field by the others' re-estimated m


# Every level of every field, numbered: a pair's level number in a field plus OFFSET[field].
SLOTS = [(name, key) for name, table in matching.FIELDS.items() for key in table]
_SIZES = [len(table) for table in matching.FIELDS.values()]
OFFSET = np.cumsum([0, *_SIZES[:-1]])
FIELD_OF = np.repeat(np.arange(len(_SIZES)), _SIZES)
_LEVELS = [level for table in matching.FIELDS.values() for level in table.values()]
_LOGS = np.array([level.logs for level in _LEVELS])


class LevelTable:
    """Compared pairs as arrays: one row per pair, one column per field of ``matching.FIELDS``;
    ``codes`` holds each pair's level number (``levels.Records.codes``), negative where the field
    was not compared. ``exact_log_u[field]`` is, per pair, the log u of an exact agreement on that
    name (its frequency); without it a level's own u."""

    def __init__(self, codes: np.ndarray, exact_log_u: dict[str, np.ndarray] | None = None, priors=None):
        priors = priors or matching.PRIORS
        self.base = np.log([priors["m"], priors["r"], priors["u"]])
        self.fields = len(_SIZES)
        self.seen = codes >= 0
        self.slot = np.where(self.seen, codes + OFFSET, -1)
        self.log_r = np.where(self.seen, _LOGS[self.slot, 1], 0.0)
        self.log_u = np.where(self.seen, _LOGS[self.slot, 2], 0.0)
        for col, name in enumerate(matching.FIELDS):
            if exact_log_u and name in exact_log_u:
                exact = codes[:, col] == list(matching.FIELDS[name]).index("exact")
                self.log_u[exact, col] = exact_log_u[name][exact]
        self.used = np.bincount(self.slot[self.seen], minlength=len(SLOTS)) > 0  # levels seen
        self.prior_m = np.array([level.m for level in _LEVELS])
        self.field_of = FIELD_OF

    def _log_m(self, m: np.ndarray) -> np.ndarray:
        return np.where(self.seen, np.log(m)[np.maximum(self.slot, 0)], 0.0)

    def fit(self) -> dict[tuple[str, str], float]:
        """The re-estimated m per (field, level key) of the levels seen."""
        if not len(self.slot):
            return {}
        seen_m = self.prior_m * self.used
        mass = np.bincount(self.field_of, weights=seen_m, minlength=self.fields)  # kept per field
        prior_share = seen_m / np.maximum(mass[self.field_of], 1e-300)
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
                members = np.flatnonzero((self.field_of == col) & self.used)
                counts = np.bincount(self.slot[rows, col], weights=confident[rows], minlength=len(m))[members]
                share = (counts + PRIOR_PAIRS * prior_share[members]) / (counts.sum() + PRIOR_PAIRS)
                new[members] = np.clip(share * mass[col], 1e-9, 1.0)
            m = new
        return {SLOTS[i]: float(m[i]) for i in np.flatnonzero(self.used)}

    def posteriors(self, fitted: dict[tuple[str, str], float]) -> np.ndarray:
        """P(same person) of every pair with the re-estimated m (as ``Matcher.posterior``)."""
        m = np.array([fitted.get(slot, prior) for slot, prior in zip(SLOTS, self.prior_m, strict=True)])
        logs = np.stack([self._log_m(m).sum(axis=1), self.log_r.sum(axis=1), self.log_u.sum(axis=1)])
        logs += self.base[:, None]
        logs -= logs.max(axis=0)
        odds = np.exp(logs)
        return odds[0] / odds.sum(axis=0)
