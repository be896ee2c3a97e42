"""Writes of notifications: create (idempotently), mark read, and the content-free e-mail."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from qorgau.notifications.models import Notification


def notify(*, users, kind: str, url: str = "", params: dict | None = None, dedupe_key: str = "") -> list:
    """Notify each active user once. With a dedupe_key, a repeat call for the same user does
    nothing, so periodic jobs can run again after a restart without notifying twice."""
    created = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user, kind=kind, url=url, params=params or {}, dedupe_key=dedupe_key
                    )
                )
        except IntegrityError:
            continue  # already notified for this key
    if created:
        from qorgau.notifications.tasks import send_notification_emails

        ids = [n.pk for n in created]
        transaction.on_commit(lambda: send_notification_emails(ids))
    return created


def mark_read(*, actor, notification_id=None) -> int:
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
