"""The e-mail that tells someone to sign in. It says nothing else: no name, no case, no agency.

Each notification's e-mail is sent once in effect, even when a worker dies: the job that
`notify` enqueues sends it, and a sweep every minute sends what such a job left behind (with
Redis, a job taken by a worker that is then killed is gone). Each e-mail is sent while its
notification row is locked and is marked sent in the same transaction, so two workers never
both send it; only a worker killed between the mail server's acceptance and the commit sends it a
second time, then with the same Message-ID, so it stays one message.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qorgau.notifications.models import Notification

SWEEP_BATCH = 500


def _message_id(notification) -> str:
    """The same for every attempt at this notification's e-mail: a copy sent again after a crash
    is recognisably the same message (mail systems and clients drop it)."""
    return (
        f"<qorgau-notification-{notification.pk}@{urlsplit(settings.QORGAU_SITE_URL).hostname or 'qorgau'}>"
    )


def _send_one(notification_id: int) -> bool:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:  # sent already, or being sent by another worker right now
            return False
        user = notification.user
        if not user.email:
            return False
        with translation.override(user.language or settings.LANGUAGE_CODE):
            EmailMessage(
                subject=_("Qorgau: you have a new notification"),
                body=_("Something new is waiting for you in Qorgau. Sign in to see it: %(url)s")
                % {"url": f"{settings.QORGAU_SITE_URL}/notifications/"},
                to=[user.email],
                headers={"Message-ID": _message_id(notification)},
            ).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@db_task(retries=3, retry_delay=60)
def send_notification_emails(notification_ids: list[int]) -> int:
    return sum(_send_one(pk) for pk in notification_ids)


@db_periodic_task(crontab(minute="*"))
def send_missed_notification_emails() -> int:
    """E-mails whose job was lost: notifications older than QORGAU_EMAIL_RETRY_MINUTES, not sent."""
    cutoff = timezone.now() - timedelta(minutes=settings.QORGAU_EMAIL_RETRY_MINUTES)
    missed = (
        Notification.objects.filter(emailed_at__isnull=True, created_at__lt=cutoff)
        .exclude(user__email="")
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(_send_one(pk) for pk in missed)
