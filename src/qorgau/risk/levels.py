"""The shared risk scale and the three possible answers.

Every instrument maps its own level names (DASH "standard/medium/high", a danger screen's "high
danger", a weighted instrument's "variable/increased/severe/extreme") onto one ordered scale, so a
case's risk history can be charted across instruments and re-assessment intervals keyed by level.
Stored as a small integer: ordering and "at least high" are plain comparisons, in Python and SQL.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.IntegerChoices):
    STANDARD = 1, _("Standard")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    EXTREME = 4, _("Extreme")

    @classmethod
    def from_key(cls, key: str) -> "RiskLevel":
        """The level named in files and settings: "standard", "medium", "high", "extreme"."""
        return cls[key.upper()]

    @property
    def key(self) -> str:
        return self.name.lower()


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")
