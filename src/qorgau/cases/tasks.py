"""Background jobs of cases (idempotent: a second run, or a second worker, changes nothing more)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qorgau.cases import intake
from qorgau.core.audit import audit_source


@db_periodic_task(crontab(minute="17"))
def purge_intake_drafts() -> int:
    """Hourly: an intake draft lives 24 hours from its last save, then it is erased."""
    token = audit_source.set("job")
    try:
        return intake.draft_purge()
    finally:
        audit_source.reset(token)
