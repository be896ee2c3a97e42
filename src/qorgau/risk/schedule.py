"""When a risk assessment must be repeated, by level (settings.QORGAU_REASSESS_DAYS).

Defaults follow VioGén practice: high within 7 days, medium at 30; extreme 3 days (72 hours) and
standard 60 days are reported practice, configurable because they are unconfirmed.
"""

from datetime import datetime, timedelta

from django.conf import settings

from qorgau.risk.levels import RiskLevel


def reassessment_days(level: RiskLevel | int) -> int:
    return settings.QORGAU_REASSESS_DAYS[RiskLevel(level).key]


def next_due(
    level: RiskLevel | int, assessed_at: datetime, brought_forward: datetime | None = None
) -> datetime:
    """When the next assessment is due. Key it by the assessment's final level (after
    professional judgement): a raised level is re-assessed as often as an actuarial one. An event
    after the assessment (a breach of a protective order) may bring it forward (`reassess_by`)."""
    due = assessed_at + timedelta(days=reassessment_days(level))
    return min(due, brought_forward) if brought_forward is not None else due


def is_overdue(
    level: RiskLevel | int, assessed_at: datetime, now: datetime, brought_forward: datetime | None = None
) -> bool:
    return now >= next_due(level, assessed_at, brought_forward)
