"""The nightly duplicate search (idempotent: each run replaces the previous run's candidates)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from qorgau.core.audit import audit_source
from qorgau.people.duplicates import find_duplicates


@db_periodic_task(crontab(minute="37", hour="2"))
@lock_task("people-duplicates")
def search_duplicates() -> int:
    """Nightly, when the agencies are quiet: the survivors of the whole country compared for
    probable duplicates; the review pages read what it stores. Returns the pairs stored."""
    token = audit_source.set("job")
    try:
        return find_duplicates().pairs_stored
    finally:
        audit_source.reset(token)
