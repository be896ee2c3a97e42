"""Time-critical care after sexual violence: the windows that close, counted from the incident.

HIV post-exposure prophylaxis within 72 hours, emergency contraception within 120 hours, forensic
examination as early as possible (evidence is best within the first 72 hours). The hours are
configuration (QORGAU_CARE_WINDOWS_HOURS), not code.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.cases.classification import SEXUAL_TYPES

DEFAULT_WINDOWS = {"pep": 72, "emergency_contraception": 120, "forensic": 72}
LABELS = {
    "pep": _("HIV post-exposure prophylaxis (PEP)"),
    "emergency_contraception": _("Emergency contraception"),
    "forensic": _("Forensic examination (best evidence)"),
}


@dataclass(frozen=True)
class CareWindow:
    kind: str
    deadline: datetime
    is_open: bool
    remaining: timedelta
    approximate: bool

    @property
    def label(self):
        return LABELS[self.kind]


def incident_start(incident) -> tuple[datetime, bool]:
    """When it happened, and whether that is approximate (no time, or an approximate date).

    Without a time the window counts from the start of the day: never later than the truth.
    """
    moment = datetime.combine(incident.occurred_on, incident.occurred_at_time or time(0, 0))
    approximate = incident.occurred_at_time is None or incident.date_is_approximate
    return timezone.make_aware(moment), approximate


def care_windows(incident, now: datetime | None = None) -> list[CareWindow]:
    if incident.gbv_type not in SEXUAL_TYPES:
        return []
    now = now or timezone.now()
    start, approximate = incident_start(incident)
    hours = getattr(settings, "QORGAU_CARE_WINDOWS_HOURS", DEFAULT_WINDOWS)
    windows = []
    for kind, limit in hours.items():
        deadline = start + timedelta(hours=limit)
        windows.append(
            CareWindow(kind, deadline, now < deadline, max(deadline - now, timedelta(0)), approximate)
        )
    return windows


def open_care_windows(incident, now: datetime | None = None) -> list[CareWindow]:
    return [w for w in care_windows(incident, now) if w.is_open]
