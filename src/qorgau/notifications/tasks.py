"""The e-mail that tells someone to sign in. It says nothing else: no name, no case, no agency."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from qorgau.notifications.models import Notification


@db_task(retries=3, retry_delay=60)
def send_notification_emails(notification_ids: list[int]) -> int:
    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("user")
    for notification in pending:
        user = notification.user
        if not user.email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            send_mail(
                subject=_("Qorgau: you have a new notification"),
                message=_("Something new is waiting for you in Qorgau. Sign in to see it: %(url)s")
                % {"url": f"{settings.QORGAU_SITE_URL}/notifications/"},
                from_email=None,
                recipient_list=[user.email],
            )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
