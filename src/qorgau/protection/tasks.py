"""Background jobs of legal protection. Idempotent: a second run (or a second worker) notifies
nobody twice."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qorgau.core.audit import audit_source
from qorgau.protection import services


@db_periodic_task(crontab(minute="17"))
def notify_expiring_orders() -> int:
    """Hourly: orders expire at the hour they were issued, so the alert is at most an hour late."""
    token = audit_source.set("job")
    try:
        return services.orders_expiry_notify()
    finally:
        audit_source.reset(token)


@db_periodic_task(crontab(minute="27"))
def remind_hearings() -> int:
    """Hourly: the reminders of hearings (QORGAU_HEARING_REMINDER_DAYS before), once each."""
    token = audit_source.set("job")
    try:
        return services.hearing_reminders_send()
    finally:
        audit_source.reset(token)
