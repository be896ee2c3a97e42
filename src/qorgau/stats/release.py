"""A release: tables counted from the facts, suppressed together, and audited before use.

`publish(tables)` builds the cells, finds (or takes from the cache) a suppression pattern, and
returns a `Release` only if the attacker audit passes. Exports call `Release.verify()` again
right before any byte leaves the server; a failure there is an error, never a file.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings

from qorgau.stats.attack import Attacker, AuditReport, Protection
from qorgau.stats.models import PatternCache
from qorgau.stats.suppression import protect
from qorgau.stats.tables import CellKey, Table, TableSet, build


class AuditFailed(RuntimeError):
    """The attacker can pin a suppressed cell down: nothing of this release may be published."""

    def __init__(self, report: AuditReport):
        self.report = report
        worst = report.failures[0]
        super().__init__(
            f"{len(report.failures)} suppressed cells can be narrowed down, e.g. {worst.cell.label()} "
            f"to [{worst.low:g}, {worst.high:g}]"
        )


def protection() -> Protection:
    return Protection(k=settings.QORGAU_STATS_K, p=settings.QORGAU_STATS_PROTECTION)


def _digest(tableset: TableSet, rules: Protection) -> str:
    cells = sorted(tableset.values.items())
    relations = sorted((r.kind, r.total, r.parts) for r in tableset.relations)
    payload = json.dumps(
        {
            "k": rules.k,
            "p": rules.p,
            "cells": [[c.measure, c.coords, v] for c, v in cells],
            "relations": [
                [kind, total.label(), [p.label() for p in parts]] for kind, total, parts in relations
            ],
        },
        sort_keys=True,
        default=list,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Release:
    tableset: TableSet
    suppressed: frozenset[CellKey]
    rules: Protection

    def value(self, cell: CellKey) -> int | None:
        """The published count, or None where it is suppressed."""
        if cell in self.suppressed:
            return None
        return self.tableset.values.get(cell, 0)

    def is_suppressed(self, cell: CellKey) -> bool:
        return cell in self.suppressed

    def audit(self) -> AuditReport:
        attacker = Attacker(self.tableset)
        return attacker.audit({attacker.index[c] for c in self.suppressed}, self.rules)

    def verify(self) -> AuditReport:
        """The attacker audit, run again; raises AuditFailed unless every suppressed cell holds."""
        report = self.audit()
        if not report.ok:
            raise AuditFailed(report)
        return report


def publish(tables: list[Table], rules: Protection | None = None) -> Release:
    rules = rules or protection()
    tableset = build(tables)
    digest = _digest(tableset, rules)
    cells = sorted(tableset.values)
    cached = PatternCache.objects.filter(digest=digest).values_list("suppressed", flat=True).first()
    if cached is not None:
        return Release(tableset, frozenset(cells[i] for i in cached), rules)
    pattern = protect(tableset, rules)
    release = Release(tableset, pattern.suppressed, rules)
    release.verify()
    index = {cell: i for i, cell in enumerate(cells)}
    PatternCache.objects.get_or_create(
        digest=digest, defaults={"suppressed": sorted(index[c] for c in pattern.suppressed)}
    )
    return release
