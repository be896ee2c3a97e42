"""Background jobs of risk work. Idempotent: a second run (or a second worker) notifies nobody twice."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qorgau.core.audit import audit_source
from qorgau.risk import services


@db_periodic_task(crontab(minute="7"))
def notify_overdue_reassessments() -> int:
    """Hourly: extreme risk is due again after three days, so a daily run could be most of a day late."""
    token = audit_source.set("job")
    try:
        return services.reassessments_overdue_notify()
    finally:
        audit_source.reset(token)


@db_periodic_task(crontab(minute="37"))
def purge_assessment_drafts() -> int:
    """Hourly: a risk assessment draft lives QORGAU_RISK_DRAFT_DAYS from its last save."""
    token = audit_source.set("job")
    try:
        return services.assessment_drafts_purge()
    finally:
        audit_source.reset(token)
