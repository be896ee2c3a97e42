"""Retention: closed cases anonymised once their period has run out; her erasure on request.

Anonymising a case removes, in one transaction:
- every encrypted value of every row that belongs to the case (found through the models'
  foreign keys, up to two steps from the case: people, incidents, notes, consents, shares,
  referrals, assessments, safety plans, conference minutes, ...), which is all of her
  identifying data and all free text, since both are kept only in EncryptedFields;
- her blind-index entries (the case can no longer be found by IIN, phone or name);
- every stored file of a row that belongs to the case (evidence), from storage too;
- whatever another app registers with `register_anonymiser` (a callable taking the case id).

It keeps the rows and their clear fields (types, dates, regions, age at the incident, sex,
categories, outcomes), which are what the statistics rebuild (qorgau.stats.refresh) counts, so the
national figures do not change. The audit chain is left exactly as it is: its details never hold
identifying data (docs/developing.md), the case id in it is a random UUID that now leads to nothing
identifying, and `audit verify` stays exact (ADR 0013).

A run fixes `as_of` when it starts and anonymises each case in its own transaction, writing an
AnonymisedCase marker with it; an interrupted run resumes with the same `as_of` and skips every
case already marked, so nothing is done twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from qorgau.cases.classification import add_months
from qorgau.cases.models import Case, Incident
from qorgau.core.audit import audit_record
from qorgau.core.fields import EncryptedField
from qorgau.lifecycle.models import AnonymisedCase, RetentionRun

log = logging.getLogger(__name__)

CASE_TYPES = ("adult", "child")
_anonymisers: list[Callable[[object], int]] = []


def register_anonymiser(fn: Callable[[object], int]) -> None:
    """Another app's part of anonymising a case: `fn(case_id)` returns how many items it removed."""
    if fn not in _anonymisers:
        _anonymisers.append(fn)


def retention_years() -> dict[str, int]:
    return {"adult": settings.QORGAU_RETENTION_YEARS_ADULT, "child": settings.QORGAU_RETENTION_YEARS_CHILD}


# --- what belongs to a case ------------------------------------------------------------------------


@dataclass
class Part:
    model: type
    path: str  # lookup from the model to the case id
    encrypted: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _path_to_case(model, depth: int = 2) -> str | None:
    if model is Case:
        return "pk"
    if depth == 0:
        return None
    for f in model._meta.concrete_fields:
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is Case:
            return f"{f.name}_id"
    for f in model._meta.concrete_fields:
        if (
            f.is_relation
            and (f.many_to_one or f.one_to_one)
            and f.related_model
            and f.related_model is not model
        ):
            inner = _path_to_case(f.related_model, depth - 1)
            if inner and inner != "pk":
                return f"{f.name}__{inner}"
    return None


def case_parts() -> Iterator[Part]:
    for model in apps.get_models():
        if model._meta.app_label in {"lifecycle", "stats"}:
            continue
        encrypted = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        files = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not encrypted and not files:
            continue
        path = _path_to_case(model)
        if path:
            yield Part(model, path, encrypted, files)


def _index_model():
    return apps.get_model("people", "PersonIndex")


# --- which cases are due ---------------------------------------------------------------------------


def case_types(case_ids) -> dict:
    """ "child" when she was under 18 at any incident of the case, else "adult"."""
    children = set(
        Incident.objects.filter(case_id__in=list(case_ids), survivor_age__lt=18).values_list(
            "case_id", flat=True
        )
    )
    return {case_id: "child" if case_id in children else "adult" for case_id in case_ids}


def _years_before(moment: datetime, years: int) -> datetime:
    day = add_months(moment.date(), -12 * years)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def due_cases(as_of: datetime) -> list[tuple[object, str]]:
    """(case id, case type) of closed cases past their period and not yet anonymised, in id order."""
    years = retention_years()
    earliest = _years_before(as_of, min(years.values()))
    candidates = list(
        Case.objects.filter(status=Case.Status.CLOSED, closed_at__lte=earliest)
        .exclude(pk__in=AnonymisedCase.objects.values("case_id"))
        .order_by("pk")
        .values_list("pk", "closed_at")
    )
    types = case_types([pk for pk, _ in candidates])
    return [
        (pk, types[pk]) for pk, closed_at in candidates if closed_at <= _years_before(as_of, years[types[pk]])
    ]


# --- the dry run -----------------------------------------------------------------------------------


def retention_report(as_of: datetime | None = None) -> dict:
    """What a run now would remove, by case type: counts only, nothing changed."""
    as_of = as_of or timezone.now()
    due = due_cases(as_of)
    report: dict = {"as_of": as_of, "years": retention_years(), "types": {}}
    for case_type in CASE_TYPES:
        ids = [pk for pk, t in due if t == case_type]
        values = files = 0
        for part in case_parts():
            qs = part.model._base_manager.filter(**{f"{part.path}__in": ids})
            for name in part.encrypted:
                values += qs.filter(**{f"{name}__isnull": False}).count()
            for name in part.files:
                files += qs.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True}).count()
        report["types"][case_type] = {
            "cases": len(ids),
            "people": apps.get_model("people", "Person").objects.filter(case_id__in=ids).count(),
            "values": values,
            "index_entries": _index_model().objects.filter(case_id__in=ids).count(),
            "files": files,
        }
    return report


# --- doing it --------------------------------------------------------------------------------------


@transaction.atomic
def case_anonymise(
    *, case_id, reason: str, case_type: str | None = None, run: RetentionRun | None = None, actor=None
) -> AnonymisedCase | None:
    """Remove what identifies her from one case. Returns None when it was already done."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if AnonymisedCase.objects.filter(case_id=case.pk).exists():
        return None
    case_type = case_type or case_types([case.pk])[case.pk]
    values = rows = files = 0
    for part in case_parts():
        qs = part.model._base_manager.filter(**{part.path: case.pk})
        for name in part.encrypted:
            values += qs.filter(**{f"{name}__isnull": False}).update(**{name: None})
        for name in part.files:
            model_field = part.model._meta.get_field(name)
            for stored in qs.exclude(**{name: ""}).values_list(name, flat=True):
                if stored:
                    model_field.storage.delete(stored)  # deleted now: a retry finds it gone, harmlessly
                    files += 1
            qs.update(**{name: ""})
    rows += _index_model().objects.filter(case_id=case.pk).delete()[0]
    for anonymiser in _anonymisers:
        rows += anonymiser(case.pk)
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    marker = AnonymisedCase.objects.create(
        case=case,
        reason=reason,
        case_type=case_type,
        run=run,
        at=timezone.now(),
        values_removed=values,
        rows_removed=rows,
        files_removed=files,
    )
    audit_record(
        actor=actor,
        action="case.anonymise",
        obj=case,
        case_id=case.pk,
        purpose=reason,
        detail={"case_type": case_type, "values": values, "rows": rows, "files": files},
    )
    return marker


def retention_start(as_of: datetime | None = None) -> RetentionRun:
    """The unfinished run if there is one (to resume), else a new one as of now."""
    run = RetentionRun.objects.filter(finished_at__isnull=True).order_by("started_at").first()
    if run:
        return run
    as_of = as_of or timezone.now()
    return RetentionRun.objects.create(
        as_of=as_of, started_at=timezone.now(), cases_total=len(due_cases(as_of))
    )


def retention_run(
    run: RetentionRun, *, progress: Callable[[int], None] = lambda n: None, max_cases: int | None = None
) -> int:
    """Anonymise the run's due cases not yet done; returns how many this call did."""
    done = 0
    for case_id, case_type in due_cases(run.as_of):
        if max_cases is not None and done >= max_cases:
            return done
        if case_anonymise(
            case_id=case_id, reason=AnonymisedCase.Reason.RETENTION, case_type=case_type, run=run
        ):
            RetentionRun.objects.filter(pk=run.pk).update(cases_done=F("cases_done") + 1)
            done += 1
        progress(1)
    run.refresh_from_db()
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    audit_record(
        actor=None, action="retention.run", object_type="lifecycle.retentionrun", object_id=str(run.pk),
        detail={"as_of": run.as_of.isoformat(), "cases": run.cases_done},
    )  # fmt: skip
    return done
