"""Re-assessment due dates by level."""

from datetime import UTC, datetime, timedelta

import pytest

from qorgau.risk.levels import RiskLevel
from qorgau.risk.schedule import is_overdue, next_due

ASSESSED = datetime(2026, 2, 26, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("level", "due"),
    [
        (RiskLevel.EXTREME, datetime(2026, 3, 1, 10, 30, tzinfo=UTC)),  # 72 hours, across the end of February
        (RiskLevel.HIGH, datetime(2026, 3, 5, 10, 30, tzinfo=UTC)),
        (RiskLevel.MEDIUM, datetime(2026, 3, 28, 10, 30, tzinfo=UTC)),
        (RiskLevel.STANDARD, datetime(2026, 4, 27, 10, 30, tzinfo=UTC)),
    ],
)
def test_next_due_by_level(level, due):
    assert next_due(level, ASSESSED) == due
    assert next_due(int(level), ASSESSED) == due


def test_intervals_come_from_settings(settings):
    settings.QORGAU_REASSESS_DAYS = {"extreme": 1, "high": 2, "medium": 14, "standard": 90}
    assert next_due(RiskLevel.HIGH, ASSESSED) == ASSESSED + timedelta(days=2)
    assert next_due(RiskLevel.STANDARD, ASSESSED) == ASSESSED + timedelta(days=90)


def test_overdue_from_the_due_moment():
    due = next_due(RiskLevel.HIGH, ASSESSED)
    assert not is_overdue(RiskLevel.HIGH, ASSESSED, due - timedelta(seconds=1))
    assert is_overdue(RiskLevel.HIGH, ASSESSED, due)


def test_a_level_outside_the_scale_is_an_error():
    with pytest.raises(ValueError):
        next_due(9, ASSESSED)
