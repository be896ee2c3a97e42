"""The audit chain's periodic jobs: the next months' partitions (PostgreSQL, nightly), and the
checkpoint: the head, signed, appended to a file outside the database
(QORGAU_AUDIT_CHECKPOINT_FILE), so a chain rolled back later is caught by `audit verify`."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from qorgau.core.audit import audit_checkpoint, audit_partitions_ensure


def _schedule():
    minutes = max(1, min(59, settings.QORGAU_AUDIT_CHECKPOINT_MINUTES))
    return crontab(minute=f"*/{minutes}")


@db_periodic_task(_schedule())
@lock_task("audit-checkpoint")
def checkpoint_audit_chain():
    audit_checkpoint()  # a broken segment raises: the job fails loudly and writes nothing


@db_periodic_task(crontab(minute="23", hour="3"))
@lock_task("audit-partitions")
def create_audit_partitions():
    audit_partitions_ensure()
