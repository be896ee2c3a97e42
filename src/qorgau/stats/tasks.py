"""The periodic rebuild of the statistics facts (idempotent: each run replaces them all)."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from qorgau.core.audit import audit_source
from qorgau.stats.refresh import rebuild


def _schedule():
    minutes = max(1, settings.QORGAU_STATS_REFRESH_MINUTES)
    if minutes < 60:
        return crontab(minute=f"*/{minutes}")
    return crontab(minute="0", hour=f"*/{max(1, minutes // 60)}")


@db_periodic_task(_schedule())
@lock_task("stats-rebuild")
def rebuild_statistics():
    token = audit_source.set("job")
    try:
        rebuild()
        prepare_default_views()
    finally:
        audit_source.reset(token)


def prepare_default_views() -> None:
    """Suppress the pages an analyst opens first (the last twelve months, whole country), so they
    open at once; other filters are suppressed when first asked for, then cached."""
    from django.conf import settings
    from django.utils import timezone

    from qorgau.stats import figures
    from qorgau.stats.forms import default_period

    start, end = default_period()
    filters = figures.Filters(start, end)
    figures.incident_figures(filters)
    figures.pathway_figures(filters)
    figures.calibration_figures(
        today=timezone.localdate(), follow_up_months=settings.QORGAU_STATS_FOLLOW_UP_MONTHS
    )
