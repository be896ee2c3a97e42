"""A notification whose e-mail job was lost (its worker was killed) is e-mailed by the sweep, once."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.utils import timezone

from qorgau.accounts.roles import Role
from qorgau.notifications.models import Notification
from qorgau.notifications.tasks import send_missed_notification_emails, send_notification_emails


def _lost(user, minutes_ago):
    """A notification as `notify` leaves it when the e-mail job never ran."""
    with time_machine.travel(timezone.now() - timedelta(minutes=minutes_ago)):
        return Notification.objects.create(
            user=user, kind="referral_new", params={"number": "QG-2026-000001"}
        )


def test_sweep_sends_what_a_lost_job_left_once(make_user, settings):
    with_mail = make_user(Role.CASEWORKER)
    with_mail.email = "caseworker@example.invalid"
    with_mail.save()
    without_mail = make_user(Role.CASEWORKER)
    old, fresh, mailless = _lost(with_mail, 10), _lost(with_mail, 1), _lost(without_mail, 10)
    assert settings.QORGAU_EMAIL_RETRY_MINUTES < 10

    assert send_missed_notification_emails.call_local() == 1
    assert [m.to for m in mail.outbox] == [["caseworker@example.invalid"]]
    assert "QG-2026" not in mail.outbox[0].body  # the e-mail says only "sign in"
    old.refresh_from_db(), fresh.refresh_from_db(), mailless.refresh_from_db()
    assert old.emailed_at and fresh.emailed_at is None and mailless.emailed_at is None

    # The job that was enqueued for it arrives late: nothing is sent twice.
    assert send_notification_emails.call_local([old.pk]) == 0
    assert send_missed_notification_emails.call_local() == 0
    assert len(mail.outbox) == 1
