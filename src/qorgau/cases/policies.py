"""The one access policy for survivors' cases. Every read and write of case data asks it.

Who sees a case:
- staff with a case role (accounts.roles.CASE_ROLES) at the agency that holds it: everything;
- staff with a case role at another agency, only through a live CaseShare:
  - an accepted referral: while her consent to that referral for this agency (or its type) is
    in force, and only the sections her sharing consent covers; her contact details only with
    a contact consent. Withdrawing a consent takes effect at the next read.
  - an emergency grant by a supervisor of the holding agency: the granted sections and her
    contact details, until it expires or is revoked; it does not need consent.
- nobody else: agency admins, analysts, campaign coordinators and system admins never see case
  data, whatever their agency.

What a share shows: the survivor's name, sex and year of birth (to recognise her), then per
section: "general" (incidents, other people in the case, general notes), "legal" (perpetrators'
identity, legal notes), "health", "psychological", "safety" (their notes).
"""

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from qorgau.accounts.roles import CASE_ROLES, Role
from qorgau.cases.models import ALL_SECTIONS, Case, CaseShare, Consent

if TYPE_CHECKING:
    from qorgau.accounts.models import Agency, User

HOLDER, SHARED, NONE = "holder", "shared", "none"


@dataclass(frozen=True)
class CaseAccess:
    level: str = NONE
    sections: frozenset = field(default_factory=frozenset)
    contact: bool = False  # her phones, address and safe-contact instructions
    via: tuple = ()

    @property
    def can_view(self) -> bool:
        return self.level != NONE

    @property
    def is_holder(self) -> bool:
        return self.level == HOLDER

    def sees(self, section: str) -> bool:
        return section in self.sections


NO_ACCESS = CaseAccess()


def agency_of(actor: "User") -> "Agency":
    """The actor's agency; staff without one may do nothing here (the policy refused them already)."""
    if actor.agency is None:
        raise PermissionDenied
    return actor.agency


def agency_id_of(actor: "User") -> int:
    return agency_of(actor).pk


def works_on_cases(actor) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.agency_id
        and actor.roles & CASE_ROLES
    )


def _share_access(share: CaseShare, consents: list[Consent], agency, today) -> tuple[bool, frozenset, bool]:
    """Whether a live share opens the case right now, which sections, and her contact details.

    A referral opens it only while her referral consent for this agency (or its type) is in
    force; it then shows who she is, plus the sections her sharing consent covers."""
    if share.source == CaseShare.Source.EMERGENCY:
        return True, frozenset(share.sections), True
    active = [c for c in consents if c.is_active(today) and c.covers(agency)]
    if not any(c.purpose == Consent.Purpose.REFERRAL for c in active):
        return False, frozenset(), False
    consented = set()
    for consent in active:
        if consent.purpose == Consent.Purpose.SHARE:
            consented.update(consent.sections)
    contact = any(c.purpose == Consent.Purpose.CONTACT for c in active)
    return True, frozenset(share.sections) & frozenset(consented), contact


def _shared_access(actor, *, case_ids=None, now=None) -> dict:
    """CaseAccess through live shares to the actor's agency, per case id (two queries)."""
    now = now or timezone.now()
    live = CaseShare.objects.filter(agency_id=actor.agency_id, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if case_ids is not None:
        live = live.filter(case_id__in=case_ids)
    shares = list(live)
    consents_by_case: dict = {}
    for consent in Consent.objects.filter(case_id__in={s.case_id for s in shares}):
        consents_by_case.setdefault(consent.case_id, []).append(consent)
    today = timezone.localdate(now)
    found: dict = {}
    for share in shares:
        opens, sections, contact = _share_access(
            share, consents_by_case.get(share.case_id, []), actor.agency, today
        )
        if not opens:
            continue  # a referral whose consent is gone gives nothing
        before = found.get(share.case_id, NO_ACCESS)
        found[share.case_id] = CaseAccess(
            SHARED,
            before.sections | sections,
            before.contact or contact,
            tuple(sorted({*before.via, share.source})),
        )
    return found


# Access is decided once per actor and case for the life of the actor object (one request: each
# request loads its own user) and for a few seconds at most. A write that changes access (a share
# created or ended, a consent recorded or withdrawn) calls `access_changed()`, so nothing decided
# before it is reused after it.
MEMO_SECONDS = 5
_epoch = itertools.count()
_current_epoch = next(_epoch)


def access_changed() -> None:
    global _current_epoch
    _current_epoch = next(_epoch)


def case_access(actor: "User | None", case: Case, *, now=None) -> CaseAccess:
    if actor is None or not works_on_cases(actor):
        return NO_ACCESS
    if actor.agency_id == case.holding_agency_id:
        return CaseAccess(HOLDER, ALL_SECTIONS, True, ("holder",))
    if now is not None:
        return _shared_access(actor, case_ids=[case.pk], now=now).get(case.pk, NO_ACCESS)
    memo = actor.__dict__.setdefault("_qorgau_case_access", {})
    key = (actor.agency_id, case.pk)
    moment = timezone.now()
    found = memo.get(key)
    if (
        found is None
        or found[0] != _current_epoch
        or not 0 <= (moment - found[1]).total_seconds() < MEMO_SECONDS
    ):
        found = (_current_epoch, moment, _shared_access(actor, case_ids=[case.pk]).get(case.pk, NO_ACCESS))
        memo[key] = found
    return found[2]


def visible_cases_q(actor, *, now=None) -> Q:
    """A filter for the cases the actor may see (for lists, search and counts)."""
    if not works_on_cases(actor):
        return Q(pk__in=[])
    # Live shares are few per agency (work in progress), so each is checked exactly in Python.
    return Q(holding_agency_id=actor.agency_id) | Q(pk__in=list(_shared_access(actor, now=now)))


# --- What the actor may do ----------------------------------------------------------------------


def can_open_case(actor) -> bool:
    return works_on_cases(actor)


def can_edit_case(actor, case: Case) -> bool:
    return case_access(actor, case).is_holder


def can_add_note(actor, case: Case, section: str) -> bool:
    return case_access(actor, case).sees(section)


def can_record_consent(actor, case: Case) -> bool:
    return case_access(actor, case).is_holder and actor.has_role(Role.CASEWORKER, Role.SUPERVISOR)


def can_grant_emergency(actor, case: Case) -> bool:
    return case_access(actor, case).is_holder and actor.has_role(Role.SUPERVISOR)


def can_review_emergency(actor, share: CaseShare) -> bool:
    return can_grant_emergency(actor, share.case) and share.granted_by_id != actor.pk


def can_see_access_log(actor, case: Case) -> bool:
    """The holding agency's caseworkers and supervisors can show her who looked at her case."""
    return case_access(actor, case).is_holder and actor.has_role(Role.CASEWORKER, Role.SUPERVISOR)


def can_answer_access_requests(actor, case: Case) -> bool:
    return case_access(actor, case).is_holder and actor.has_role(Role.SUPERVISOR)


def can_decide_closure(actor, case: Case) -> bool:
    return case_access(actor, case).is_holder and actor.has_role(Role.SUPERVISOR)
