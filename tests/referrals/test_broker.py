"""The production job broker: a real Redis (REDIS_URL, set by CI). The job is enqueued, taken
from the queue and run, as the worker would."""

import os

import pytest
from huey import RedisHuey

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: the real-Redis test is skipped")
def test_escalation_job_runs_through_redis(pathway, send):
    from datetime import timedelta

    from django.utils import timezone

    from qorgau.referrals.models import Referral
    from qorgau.referrals.services import escalate_overdue_referrals

    huey = RedisHuey("qorgau-test", url=os.environ["REDIS_URL"], immediate=False)
    huey.flush()
    job = huey.task()(escalate_overdue_referrals)
    referral = send()
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    result = job()
    assert huey.pending_count() == 1
    huey.execute(huey.dequeue())
    assert result.get() == 1
    assert huey.pending_count() == 0
    huey.flush()
