"""The periodic check for referrals past their due time (idempotent; see services)."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qorgau.core.audit import audit_source
from qorgau.referrals.services import escalate_overdue_referrals


@db_periodic_task(crontab(minute=f"*/{settings.QORGAU_REFERRAL_CHECK_MINUTES}"))
def check_overdue_referrals() -> int:
    token = audit_source.set("job")
    try:
        return escalate_overdue_referrals()
    finally:
        audit_source.reset(token)
