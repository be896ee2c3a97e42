"""System checks (`qorgau check`, and before `migrate`): a bad instrument file or risk setting
stops a deployment instead of surfacing in front of a caseworker."""

from django.conf import settings
from django.core import checks

from qorgau.risk.levels import RiskLevel
from qorgau.risk.loader import check_all


def check_instruments(app_configs=None, **kwargs):
    return [
        checks.Error(str(error), hint="Fix the file, then run `qorgau instruments check`.", id="risk.E001")
        for error in check_all()
    ]


def check_settings(app_configs=None, **kwargs):
    errors = []
    days = settings.QORGAU_REASSESS_DAYS
    expected = {level.key for level in RiskLevel}
    if set(days) != expected or any(not isinstance(v, int) or v < 1 for v in days.values()):
        errors.append(
            checks.Error(
                f"QORGAU_REASSESS_DAYS must give a whole number of days (1 or more) for exactly "
                f"{', '.join(sorted(expected))}; it is {days!r}",
                id="risk.E002",
            )
        )
    for name in (
        "QORGAU_CONFERENCE_ESCALATION_INCIDENTS",
        "QORGAU_CONFERENCE_ESCALATION_MONTHS",
        "QORGAU_CONFERENCE_REPEAT_MONTHS",
    ):
        if getattr(settings, name) < 1:
            errors.append(checks.Error(f"{name} must be 1 or more", id="risk.E003"))
    return errors
