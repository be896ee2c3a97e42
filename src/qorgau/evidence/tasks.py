"""Background jobs of the evidence locker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from qorgau.evidence.storage import staging_sweep


@db_periodic_task(crontab(minute="41"))
@lock_task("evidence-staging-sweep")
def sweep_evidence_staging() -> int:
    """Hourly: remove staged ciphertext left by an upload that crashed (older than
    QORGAU_EVIDENCE_STAGING_MAX_HOURS). It never had a row, so nothing else refers to it."""
    return staging_sweep()
