"""Who may look for a person, and why.

Looking for a person by her IIN, phone, birth date or name tells the asker whether she is known
anywhere in the country: an oracle if unbounded. So a search needs
 * a user who works on cases (caseworker, supervisor ...), and
 * a reason: an intake she has open (the intake page was opened within QORGAU_INTAKE_SEARCH_MINUTES,
   or an intake draft of hers is named), or a stated purpose from ``STATED_PURPOSES``, and
 * to be within her own limit of QORGAU_IDENTITY_SEARCH_LIMIT searches per
   QORGAU_IDENTITY_SEARCH_WINDOW_MINUTES (per user, across devices and tokens).
What a candidate reveals follows the case policy: a case she may open is shown in full; any other
only as "known to another agency", with a sealed token to ask for access.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from qorgau.cases.policies import works_on_cases

STATED_PURPOSES = {
    "intake": _("Opening a case for her"),
    "referral": _("Receiving a referral about her"),
    "protection": _("A protective order or court step"),
    "perpetrator": _("Recording who did it"),
}

INTAKE_SESSION_KEY = "qorgau_intake_opened_at"


class SearchLimited(Exception):
    """The user has used up her searches for now."""


def can_search_people(actor) -> bool:
    return works_on_cases(actor)


def can_review_duplicates(actor) -> bool:
    return works_on_cases(actor) and actor.has_role("supervisor")


def can_import_register(actor, agency) -> bool:
    """Loading an agency's old register (`qorgau people import --commit`) opens a case for every
    woman not found, in that agency's name: a supervisor of that agency, nobody else."""
    return (
        works_on_cases(actor)
        and agency is not None
        and actor.agency_id == agency.pk
        and actor.has_role("supervisor")
    )


def intake_is_open(session) -> bool:
    opened = session.get(INTAKE_SESSION_KEY) if session is not None else None
    return bool(opened) and time.time() - float(opened) < settings.QORGAU_INTAKE_SEARCH_MINUTES * 60


def mark_intake_open(session) -> None:
    session[INTAKE_SESSION_KEY] = time.time()


def _limit_key(actor) -> str:
    return f"qorgau:rl:people-search:{actor.pk}"


def search_count(actor) -> None:
    """Count one search against her limit, or raise SearchLimited when it is used up."""
    window = settings.QORGAU_IDENTITY_SEARCH_WINDOW_MINUTES * 60
    limit = settings.QORGAU_IDENTITY_SEARCH_LIMIT
    now = time.time()
    recent = [t for t in cache.get(_limit_key(actor)) or [] if now - t < window]
    if len(recent) >= limit:
        raise SearchLimited
    cache.set(_limit_key(actor), [*recent, now][-max(limit, 1) :], timeout=window)
