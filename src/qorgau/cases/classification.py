"""GBVIMS classification of an incident, its case context and its reporting-delay band.

The type comes from six questions asked in a fixed order; the first "yes" wins (the most
specific type). The classification never changes which services she receives.
"""

import calendar
from collections.abc import Iterable, Mapping
from datetime import date

from django.utils.translation import gettext_lazy as _

from qorgau.cases.models import Incident, IncidentPerpetrator

T = Incident.GbvType

# (answer field, type it decides, the question as staff ask it)
QUESTIONS = (
    (
        "q_penetration",
        T.RAPE,
        _("Was there any penetration of the vagina, anus or mouth — however slight — against her will?"),
    ),
    (
        "q_sexual_contact",
        T.SEXUAL_ASSAULT,
        _(
            "Was there unwanted sexual contact without penetration, an attempted rape, or female genital mutilation/cutting?"
        ),
    ),
    (
        "q_physical_assault",
        T.PHYSICAL_ASSAULT,
        _("Was she hit, slapped, kicked, pushed, choked, burned or hurt physically in another way?"),
    ),
    (
        "q_forced_marriage",
        T.FORCED_MARRIAGE,
        _("Was she married, or made to live as married, against her will (including as a child)?"),
    ),
    (
        "q_denial",
        T.DENIAL,
        _(
            "Was she denied money, food, documents, work, education, health care or other resources or services she is entitled to?"
        ),
    ),
    (
        "q_psychological",
        T.PSYCHOLOGICAL,
        _("Was she threatened, humiliated, controlled, stalked, isolated or harassed, including online?"),
    ),
)

SEXUAL_TYPES = frozenset({T.RAPE, T.SEXUAL_ASSAULT})


def classify(answers: Mapping[str, bool]) -> str:
    for field, gbv_type, _question in QUESTIONS:
        if answers.get(field):
            return gbv_type
    return T.NON_GBV


CONTEXT_LABELS = {
    "ipv": _("Intimate partner violence"),
    "child_sexual_abuse": _("Child sexual abuse"),
    "early_marriage": _("Early marriage"),
    "sexual_exploitation": _("Possible sexual exploitation"),
    "sexual_slavery": _("Possible sexual slavery"),
    "harmful_practice": _("Harmful traditional practice"),
}


def case_contexts(
    *,
    gbv_type: str,
    relationships: Iterable[str],
    survivor_age: int | None,
    money_or_goods_exchanged: bool,
    abduction: bool,
    harmful_practice: str,
) -> list[str]:
    """The case contexts the facts support, in a fixed order (gbv-standards.md)."""
    if gbv_type == T.NON_GBV:
        return []
    child = survivor_age is not None and survivor_age < 18
    sexual = gbv_type in SEXUAL_TYPES
    facts = {
        "ipv": bool(set(relationships) & IncidentPerpetrator.INTIMATE),
        "child_sexual_abuse": sexual and child,
        "early_marriage": gbv_type == T.FORCED_MARRIAGE and child,
        "sexual_exploitation": sexual and money_or_goods_exchanged,
        "sexual_slavery": sexual and abduction,
        "harmful_practice": harmful_practice not in ("", Incident.HarmfulPractice.NONE),
    }
    return [name for name in CONTEXT_LABELS if facts[name]]


DELAY_BANDS = {
    "0-3d": _("0–3 days"),
    "4-5d": _("4–5 days"),
    "6-14d": _("6–14 days"),
    "15d-1m": _("15 days – 1 month"),
    "gt1m": _("Over 1 month"),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def delay_band(occurred_on: date, reported_on: date) -> str:
    """Days from the incident to the first report, in the GBVIMS bands; "1 month" is a calendar month."""
    days = (reported_on - occurred_on).days
    if days < 0:
        raise ValueError("reported before it happened")
    if days <= 3:
        return "0-3d"
    if days <= 5:
        return "4-5d"
    if days <= 14:
        return "6-14d"
    if reported_on <= add_months(occurred_on, 1):
        return "15d-1m"
    return "gt1m"


def age_on(birth_date: date | None, birth_year: int | None, day: date) -> int | None:
    """Age in whole years on a day; from the year alone when that is all we know (may be 1 high)."""
    if birth_date:
        return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
    if birth_year:
        return day.year - birth_year
    return None
