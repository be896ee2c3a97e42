"""The production job broker: a real Redis (REDIS_URL, set by CI). The project's own tasks — the
periodic escalation job and the notification e-mail it leads to — are enqueued on the project's
huey instance, taken from Redis and run, as the worker would."""

import os
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def redis_huey(monkeypatch):
    """The project's huey (its registered tasks) on a real Redis instead of the test's memory. The
    worker closes its database connection around each task; here the task shares the test's
    transaction, so that one step is left out."""
    monkeypatch.setattr("huey.contrib.djhuey.close_old_connections", lambda: None)
    saved = HUEY.storage, HUEY.immediate
    HUEY._immediate = False  # the setter would swap in a memory storage of its own
    HUEY.storage = RedisStorage("qorgau-test-broker", url=os.environ["REDIS_URL"])
    HUEY.flush()
    try:
        yield HUEY
    finally:
        HUEY.flush()
        HUEY.storage, HUEY._immediate = saved


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: the real-Redis test is skipped"
)
def test_the_projects_escalation_job_and_its_email_run_through_redis(
    redis_huey, pathway, send, django_capture_on_commit_callbacks
):
    from qorgau.notifications.models import Notification
    from qorgau.referrals.models import Referral
    from qorgau.referrals.tasks import check_overdue_referrals

    pathway["police_supervisor"].email = "supervisor@example.kz"
    pathway["police_supervisor"].save(update_fields=["email"])
    referral = send()
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=1))

    check_overdue_referrals()  # the registered periodic task, enqueued as the scheduler does
    assert redis_huey.pending_count() == 1
    task = redis_huey.dequeue()
    assert task.name.endswith("check_overdue_referrals")
    with django_capture_on_commit_callbacks(execute=True):
        assert redis_huey.execute(task) == 1  # one referral escalated
    assert Referral.objects.get(pk=referral.pk).escalated_at is not None

    # The notification e-mail was enqueued after commit, on the same broker; run it as the worker.
    assert redis_huey.pending_count() == 1
    redis_huey.execute(redis_huey.dequeue())
    assert [m.to for m in mail.outbox] == [["supervisor@example.kz"]]
    assert "Sign in" in mail.outbox[0].body and referral.case.number not in mail.outbox[0].body
    assert Notification.objects.filter(user=pathway["police_supervisor"], emailed_at__isnull=False).exists()
    assert redis_huey.pending_count() == 0
