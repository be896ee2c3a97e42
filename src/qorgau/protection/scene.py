"""At the scene: a police officer types a man's IIN (or family name, given name and birth date)
and a reason, and sees every order that binds him anywhere in the country — its conditions, state
and end, the protected person's first name, the issuing unit and its duty phone. Nothing else of
the cases (no case number, no address, no other person).

- Who: police officers only (`can_look_up`). Prosecutors supervise orders through the cases they
  work on and do not stand at a door; the look-up is a country-wide oracle over perpetrators, so
  it stays with the role that needs it at 2 a.m. (docs/adr/0008-legal-protection.md).
- How he is found: `people.selectors.exact_person_ids`, blind indexes only, exact (no typo
  tolerance: an officer must never be shown another man's orders).
- What is shown comes from the registered sources (`register_source`): protective orders here;
  court requirements plug in the same way from their own module.
- Every look-up is audited (`scene.lookup`, its reason and the count found) and leaves an event
  in the access log of each case it drew from (`scene.matched`); the viewer never gets case ids.
- Each officer has QORGAU_SCENE_LOOKUP_LIMIT look-ups per QORGAU_SCENE_LOOKUP_WINDOW_MINUTES, like
  the people search (`people.policies.search_count`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.accounts.roles import Role
from qorgau.cases.policies import works_on_cases
from qorgau.core.audit import audit_record, audit_record_many

REASONS = {
    "call_out": _("Called to a domestic incident"),
    "breach_report": _("A reported breach of an order"),
    "patrol": _("A stop or check on patrol"),
    "serving": _("Serving or checking an order"),
    "other": pgettext_lazy("reason", "Other"),
}


class LookupLimited(Exception):
    """The officer has used up her look-ups for now."""


# --- Policy -------------------------------------------------------------------------------------------


def can_look_up(actor) -> bool:
    return works_on_cases(actor) and actor.has_role(Role.POLICE_OFFICER)


def _limit_key(actor) -> str:
    return f"qorgau:rl:scene-lookup:{actor.pk}"


def lookup_count(actor) -> None:
    """Count one look-up against her limit, or raise LookupLimited when it is used up."""
    window = settings.QORGAU_SCENE_LOOKUP_WINDOW_MINUTES * 60
    limit = settings.QORGAU_SCENE_LOOKUP_LIMIT
    now = time.time()
    recent = [t for t in cache.get(_limit_key(actor)) or [] if now - t < window]
    if len(recent) >= limit:
        raise LookupLimited
    cache.set(_limit_key(actor), [*recent, now][-max(limit, 1) :], timeout=window)


# --- What is shown ------------------------------------------------------------------------------------


@dataclass
class SceneItem:
    """One thing that binds him, as the officer may see it: no case, no address, no other person."""

    kind_label: str  # "Protective order", "Court requirements"
    number: str
    state: str  # a code of the source ("active", "expiring", ...)
    state_label: str
    in_force: bool
    starts_at: datetime | None
    ends_at: datetime | None
    conditions: list[str]  # labels, in the viewer's language
    conditions_text: str
    protected_first_name: str
    issuing_unit: str
    issuing_agency: str
    duty_phone: str  # display form, "" when the agency has none
    duty_phone_e164: str = ""
    # Only when the officer already works on the case (the case policy says so): where she
    # records a breach. Otherwise she reports it to the duty phone.
    breach_url: str = ""
    case_id: object = field(default=None, repr=False)  # for the access logs; never rendered


# A source takes the officer, the matched person ids and "now" and returns the SceneItems binding
# them (it builds them through its own policy: what the officer may see of them, nothing more).
Source = Callable[[object, list, datetime], list[SceneItem]]
_SOURCES: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    """Another kind of binding decision (court requirements) joins the look-up here."""
    _SOURCES[name] = source


def _display_phone(e164: str) -> str:
    from qorgau.core.phones import PhoneError, format_phone

    if not e164:
        return ""
    try:
        return format_phone(e164)
    except PhoneError:
        return e164


def first_names(case_ids) -> dict:
    """The survivor's given name per case: the only thing of her the scene shows."""
    from qorgau.people.models import Person

    names: dict = {}
    for person in Person.objects.filter(case_id__in=list(case_ids), role=Person.Role.SURVIVOR).order_by(
        "created_at"
    ):
        names.setdefault(person.case_id, (person.given_name or "").strip())
    return names


def protective_orders_source(actor, person_ids: list, now: datetime) -> list[SceneItem]:
    """Orders issued and neither expired nor ended: in force, or issued and not yet in force (the
    officer may be the one to serve it)."""
    from django.urls import reverse

    from qorgau.cases.policies import case_access
    from qorgau.protection import policies
    from qorgau.protection.models import IN_FORCE, Condition, ProtectiveOrder

    if not person_ids:
        return []
    orders = list(
        ProtectiveOrder.objects.filter(person_id__in=person_ids, issued_at__isnull=False, expires_at__gt=now)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))
        .select_related("issuing_agency", "case")
    )
    names = first_names({o.case_id for o in orders})
    labels = dict(Condition.choices)
    items = []
    for order in orders:
        state = order.state_at(now)
        conditions = []
        for code in order.conditions:
            label = str(labels.get(code, code))
            if code == Condition.NO_APPROACH and order.approach_metres:
                label = _("%(label)s: %(metres)s m") % {"label": label, "metres": order.approach_metres}
            conditions.append(label)
        phone = order.issuing_agency.duty_phone
        breach_url = ""
        if order.issuing_agency_id == actor.agency_id and policies.can_record_violation(
            actor, order, case_access(actor, order.case)
        ):
            breach_url = reverse("protection:order", args=[order.case_id, order.pk]) + "#breach"
        items.append(
            SceneItem(
                kind_label=str(_("Protective order")),
                number=order.number,
                state=str(state),
                state_label=str(state.label),
                in_force=state in IN_FORCE,
                starts_at=order.starts_at,
                ends_at=order.expires_at,
                conditions=conditions,
                conditions_text=order.conditions_text or "",
                protected_first_name=names.get(order.case_id, ""),
                issuing_unit=order.issuing_unit,
                issuing_agency=order.issuing_agency.name,
                duty_phone=_display_phone(phone),
                duty_phone_e164=phone,
                breach_url=breach_url,
                case_id=order.case_id,
            )
        )
    return items


register_source("protective_orders", protective_orders_source)


# --- The look-up --------------------------------------------------------------------------------------


@dataclass
class SceneResult:
    items: list[SceneItem]
    by: str  # "iin" or "name"
    people: int  # how many person records matched (several cases may name him)

    @property
    def found(self) -> int:
        return len(self.items)


def scene_lookup(
    *,
    actor,
    reason: str,
    reason_text: str = "",
    iin: str = "",
    family_name: str = "",
    given_name: str = "",
    birth_date: date | None = None,
    now: datetime | None = None,
) -> SceneResult:
    """What binds the person described (already validated by the form). PermissionDenied for
    anyone but a police officer, LookupLimited past her limit; both audited."""
    from qorgau.people.selectors import exact_person_ids

    if not can_look_up(actor):
        raise PermissionDenied
    if reason not in REASONS:
        raise PermissionDenied
    by = "iin" if iin else "name"
    try:
        lookup_count(actor)
    except LookupLimited:
        audit_record(actor=actor, action="scene.lookup_limited", object_type="people.person", purpose=reason)
        raise
    now = now or timezone.now()
    person_ids = exact_person_ids(
        iin=iin, family_name=family_name, given_name=given_name, birth_date=birth_date
    )
    items = []
    for source in _SOURCES.values():
        items.extend(source(actor, person_ids, now))
    # In force first, then the soonest to end (what the officer must act on).
    items.sort(key=lambda i: (not i.in_force, i.ends_at or now, i.number))
    detail = {"reason": reason, "by": by, "found": len(items)}
    if reason_text:
        detail["reason_text"] = reason_text[:300]
    audit_record(
        actor=actor, action="scene.lookup", object_type="people.person", purpose=reason, detail=detail
    )
    audit_record_many(
        actor=actor,
        action="scene.matched",
        case_ids=sorted({i.case_id for i in items}, key=str),
        purpose="scene",
    )
    return SceneResult(items=items, by=by, people=len(person_ids))
