"""Every read of statistics: checks who asks, records the read, returns suppressed figures only.

Statistics never reach case data here: they read the de-identified facts (figures.py), and
every figure that leaves goes through a release's suppression and attacker audit.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from qorgau.core.audit import audit_record
from qorgau.stats import figures, policies
from qorgau.stats.db import stats_alias
from qorgau.stats.models import Refresh


def _check(actor, allowed: bool, what: str, detail: dict) -> None:
    if not allowed:
        audit_record(actor=actor, action="stats.view_denied", object_type="stats", object_id=what)
        raise PermissionDenied
    audit_record(actor=actor, action="stats.view", object_type="stats", object_id=what, detail=detail)


def last_refresh():
    return Refresh.objects.using(stats_alias()).order_by("-finished_at").first()


def incidents_get(*, actor, filters: figures.Filters, purpose: str = "view") -> figures.IncidentFigures:
    _check(actor, policies.can_view_statistics(actor), "incidents", {**filters.as_dict(), "purpose": purpose})
    return figures.incident_figures(filters)


def pathway_get(*, actor, filters: figures.Filters, purpose: str = "view"):
    _check(actor, policies.can_view_statistics(actor), "pathway", {**filters.as_dict(), "purpose": purpose})
    return figures.pathway_figures(filters)


def calibration_get(*, actor, region: str = "", purpose: str = "view") -> figures.Calibration:
    _check(actor, policies.can_view_calibration(actor), "calibration", {"region": region, "purpose": purpose})
    return figures.calibration_figures(
        today=timezone.localdate(), follow_up_months=settings.QORGAU_STATS_FOLLOW_UP_MONTHS, region=region
    )


def open_data_get(*, year: int) -> figures.IncidentFigures:
    """The public annual figures: the whole country and every region, suppressed like the rest."""
    from datetime import date

    filters = figures.Filters(date(year, 1, 1), date(year, 12, 1))
    audit_record(actor=None, action="stats.open_data", object_type="stats", object_id=str(year))
    return figures.incident_figures(filters)


def open_data_years() -> list[int]:
    """Years that are over (a year in progress is not published) and have facts."""
    months = figures.IncidentFact.objects.using(stats_alias()).dates("month", "year")
    this_year = timezone.localdate().year
    return sorted((d.year for d in months if d.year < this_year), reverse=True)
