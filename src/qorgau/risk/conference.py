"""Multi-agency risk conference referral criteria (MARAC practice), as a pure function.

1. high risk by the instrument (the latest assessment's actuarial level is high or extreme);
2. professional judgement, with a written reason;
3. potential escalation: N or more incidents (default 3) within the past M calendar months
   (default 12);
4. repeat: any new incident within M calendar months (default 12) of the last conference
   referral — re-referred even below the thresholds;
5. order breached: a breach of a protective order (or of court requirements) within the past M calendar months (the repeat
   window) and after the last referral, when QORGAU_CONFERENCE_BREACH_CRITERION is on (default).

"Within M months" is exact and calendar-based: from the same day of the month M months earlier,
both ends included (on 15 March 2026 the 12-month window is 15 March 2025 to 15 March 2026). A day
that does not exist in the target month is the month's last day (12 months before 29 February
2028 is 28 February 2027). A "new" incident is one dated after the day of the last referral; the
repeat window ends on the same day M months after it, included. The caller passes the incidents
between the same survivor and perpetrator.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from qorgau.risk.levels import RiskLevel


class Criterion(models.TextChoices):
    HIGH_RISK = "high_risk", gettext_lazy("High risk by the instrument")
    JUDGEMENT = "judgement", gettext_lazy("Professional judgement")
    ESCALATION = "escalation", gettext_lazy("Potential escalation")
    REPEAT = "repeat", gettext_lazy("Repeat incident after a referral")
    BREACH = "order_breached", gettext_lazy("Protective order or court requirements breached")


@dataclass(frozen=True)
class CriterionMet:
    criterion: Criterion
    incident_dates: tuple[date, ...] = ()  # the incidents that made it fire (criteria 3 and 4)
    detail: dict = field(default_factory=dict)

    def describe(self) -> str:
        """One translated sentence saying why this criterion fired."""
        d = self.detail
        if self.criterion == Criterion.HIGH_RISK:
            return _("The latest assessment gives %(level)s.") % {"level": RiskLevel(d["level"]).label}
        if self.criterion == Criterion.JUDGEMENT:
            return _("Professional judgement: %(reason)s") % {"reason": d["reason"]}
        if self.criterion == Criterion.ESCALATION:
            count = len(self.incident_dates)
            return ngettext(
                "%(count)s incident since %(start)s (threshold: %(needed)s within %(months)s months).",
                "%(count)s incidents since %(start)s (threshold: %(needed)s within %(months)s months).",
                count,
            ) % {
                "count": count,
                "start": formats.date_format(d["since"]),
                "needed": d["needed"],
                "months": d["months"],
            }
        if self.criterion == Criterion.BREACH:
            return ngettext(
                "A protective order or court requirements were breached on %(dates)s.",
                "Protective orders or court requirements were breached on %(dates)s.",
                len(self.incident_dates),
            ) % {"dates": ", ".join(formats.date_format(x) for x in self.incident_dates)}
        return ngettext(
            "New incident on %(dates)s, within %(months)s months of the referral on %(referral)s.",
            "New incidents on %(dates)s, within %(months)s months of the referral on %(referral)s.",
            len(self.incident_dates),
        ) % {
            "dates": ", ".join(formats.date_format(x) for x in self.incident_dates),
            "months": d["months"],
            "referral": formats.date_format(d["referral"]),
        }


@dataclass(frozen=True)
class ConferenceCheck:
    criteria: tuple[CriterionMet, ...]

    @property
    def refer(self) -> bool:
        return bool(self.criteria)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.criterion.value for c in self.criteria)


def months_before(day: date, months: int) -> date:
    return day - relativedelta(months=months)


def months_after(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def conference_criteria(
    *,
    level: RiskLevel | int | None,
    judgement: bool = False,
    judgement_reason: str = "",
    incident_dates: Iterable[date | datetime] = (),
    last_referral: date | datetime | None = None,
    now: date | datetime | None = None,
    escalation_incidents: int | None = None,
    escalation_months: int | None = None,
    repeat_months: int | None = None,
    breach_dates: Iterable[date | datetime] = (),
) -> ConferenceCheck:
    """Which referral criteria fire. ``level`` is the latest assessment's actuarial level (None
    when there is none yet); ``judgement`` with ``judgement_reason`` is the professional
    judgement. Raises ValidationError naming the field for a judgement without a reason or a date
    after ``now``."""
    today = _day(now if now is not None else timezone.now())
    needed = escalation_incidents or settings.QORGAU_CONFERENCE_ESCALATION_INCIDENTS
    window = escalation_months or settings.QORGAU_CONFERENCE_ESCALATION_MONTHS
    repeat_window = repeat_months or settings.QORGAU_CONFERENCE_REPEAT_MONTHS
    incidents = sorted(_day(d) for d in incident_dates)
    referral = _day(last_referral) if last_referral is not None else None
    reason = judgement_reason.strip() if isinstance(judgement_reason, str) else ""
    if judgement and not reason:
        raise ValidationError({"judgement_reason": _("Write the reason for your professional judgement.")})
    if incidents and incidents[-1] > today:
        raise ValidationError({"incident_dates": _("An incident date is in the future.")})
    if referral and referral > today:
        raise ValidationError({"last_referral": _("The date of the last referral is in the future.")})

    met: list[CriterionMet] = []
    if level is not None and RiskLevel(level) >= RiskLevel.HIGH:
        met.append(CriterionMet(Criterion.HIGH_RISK, detail={"level": int(level)}))
    if judgement:
        met.append(CriterionMet(Criterion.JUDGEMENT, detail={"reason": reason}))
    since = months_before(today, window)
    recent = tuple(d for d in incidents if d >= since)
    if len(recent) >= needed:
        met.append(
            CriterionMet(Criterion.ESCALATION, recent, {"since": since, "needed": needed, "months": window})
        )
    if referral is not None:
        until = months_after(referral, repeat_window)
        repeats = tuple(d for d in incidents if referral < d <= until)
        if repeats:
            met.append(
                CriterionMet(Criterion.REPEAT, repeats, {"referral": referral, "months": repeat_window})
            )
    if settings.QORGAU_CONFERENCE_BREACH_CRITERION:
        breach_since = months_before(today, repeat_window)
        breaches = tuple(
            d
            for d in sorted(_day(b) for b in breach_dates)
            if breach_since <= d <= today and (referral is None or d > referral)
        )
        if breaches:
            met.append(CriterionMet(Criterion.BREACH, breaches, {"months": repeat_window}))
    return ConferenceCheck(tuple(met))


def _day(value: date | datetime) -> date:
    # An aware datetime is a local calendar day: an incident at 01:00 in Astana is that day's.
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value
