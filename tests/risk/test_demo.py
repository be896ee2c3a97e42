"""The demo world's risk work: every level, due and overdue re-assessments, a conference with open actions."""

from django.core.management import call_command
from django.utils import timezone

from qorgau.risk import selectors
from qorgau.risk.models import Assessment, Conference, ConferenceAction, ConferenceReferral, SafetyPlan
from qorgau.risk.schedule import is_overdue


def test_demo_risk_work_covers_every_level_and_the_conference_follow_up(db):
    call_command("demo-data", without=["stats"])
    counts = (Assessment.objects.count(), SafetyPlan.objects.count(), ConferenceReferral.objects.count())
    call_command("demo-data", without=["stats"])
    assert (
        Assessment.objects.count(),
        SafetyPlan.objects.count(),
        ConferenceReferral.objects.count(),
    ) == counts

    current = list(Assessment.objects.filter(is_current=True))
    assert {a.level for a in current} == {1, 2, 3, 4}
    assert Assessment.objects.filter(judgement_level__isnull=False).exists()
    assert Assessment.objects.filter(too_many_unknown=True).exists()
    now = timezone.now()
    overdue = [a for a in current if is_overdue(a.level, a.assessed_at, now)]
    assert overdue and len(overdue) < len(current)  # some due later, some overdue
    # Built without the statistics demo (its synthetic history holds levels only, no answers).
    assessed = Assessment.objects.exclude(digest="synthetic")
    assert assessed.exists() and all(selectors.explain(a)[0] is not None for a in assessed)

    for region in ("71", "75", "35"):
        held = Conference.objects.get(region_id=region, status="held")
        assert held.referrals.filter(status="heard").exists()
        assert Conference.objects.filter(region_id=region, status="scheduled", scheduled_for__gt=now).exists()
        open_actions = ConferenceAction.objects.filter(referral__conference=held).exclude(status="done")
        assert open_actions.exists() and any(a.is_overdue for a in open_actions)
    assert ConferenceReferral.objects.filter(status="waiting").exists()
    for plan in SafetyPlan.objects.all():
        assert all(c["phone"].startswith("+7700000") for c in plan.content["trusted_contacts"])
