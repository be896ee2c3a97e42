"""Background jobs of the API (idempotent)."""

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


def idempotency_keys_purge() -> int:
    """Answers kept for Idempotency-Key retries are erased once no retry may use them."""
    from qorgau.api.models import IdempotencyKey

    deleted, _ = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - settings.QORGAU_IDEMPOTENCY_KEEP
    ).delete()
    return deleted


@db_periodic_task(crontab(minute="41"))
def purge_idempotency_keys() -> int:
    """Hourly."""
    return idempotency_keys_purge()
