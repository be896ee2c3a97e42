"""Every read of case data. Each function applies the policy, records the read in the audit
chain, and returns view objects holding only what the actor may see — templates and API
serializers never touch the models' protected fields directly."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from qorgau.accounts.models import Agency
from qorgau.cases import policies
from qorgau.cases.care import CareWindow, care_windows
from qorgau.cases.classification import CONTEXT_LABELS, DELAY_BANDS, age_on
from qorgau.cases.models import AccessRequest, Case, CaseEvent, CaseShare, Consent, Incident, Section
from qorgau.core.audit import audit_record
from qorgau.core.crypto import CryptoError
from qorgau.core.iin import IinError, normalize_iin
from qorgau.core.keys import blind, data_keyring
from qorgau.core.models import AuditEvent
from qorgau.core.names import match_score
from qorgau.core.phones import PhoneError, normalize_phone
from qorgau.people.models import Person, PersonIndex
from qorgau.people.services import query_name_digests

# Which section opens each kind of person other than the survivor.
ROLE_SECTION = {
    Person.Role.PERPETRATOR: Section.LEGAL,
    Person.Role.CHILD: Section.GENERAL,
    Person.Role.WITNESS: Section.GENERAL,
    Person.Role.GUARDIAN: Section.GENERAL,
}
CASE_NUMBER = re.compile(r"^QG-\d{4}-\d{6}$", re.IGNORECASE)


@dataclass
class PersonView:
    id: uuid.UUID
    role: str
    role_label: str
    name: str
    sex: str
    birth_year: int | None
    version: int
    other_names: list = field(default_factory=list)
    iin: str | None = None
    birth_date: date | None = None
    phones: list | None = None
    address: str | None = None

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, self.birth_year, timezone.localdate())


@dataclass
class IncidentView:
    incident: Incident
    perpetrators: list  # (relationship label, PersonView or None)
    contexts: list
    delay: str
    windows: list[CareWindow]


@dataclass
class CaseSummary:
    case: Case
    survivor_name: str
    via: tuple


@dataclass
class CaseDetail:
    case: Case
    access: policies.CaseAccess
    survivor: PersonView | None
    people: list[PersonView]
    incidents: list[IncidentView]
    notes: dict  # section -> [Note]
    consents: list[Consent] | None  # holder only
    shares: list[CaseShare] | None  # holder only
    contact_times: str | None

    @property
    def open_windows(self) -> list[CareWindow]:
        return [w for i in self.incidents for w in i.windows if w.is_open]


def _person_view(person: Person, access: policies.CaseAccess) -> PersonView | None:
    if person.role != Person.Role.SURVIVOR and not access.sees(ROLE_SECTION[person.role]):
        return None
    view = PersonView(
        id=person.pk, role=person.role, role_label=person.get_role_display(), name=person.full_name,
        sex=person.sex, birth_year=person.birth_year, version=person.version,
        other_names=person.other_names or [],
    )
    official = access.is_holder or access.sees(Section.LEGAL) or access.sees(Section.HEALTH)
    if person.role != Person.Role.SURVIVOR or official:
        view.iin, view.birth_date = person.iin or "", person.birth_date
    if access.contact or (person.role != Person.Role.SURVIVOR and access.is_holder):
        view.phones, view.address = person.phones or [], person.address or ""
    return view


def _load(case_id) -> Case:
    try:
        return Case.objects.select_related("holding_agency", "assigned_to").get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError):  # unknown or malformed id
        raise Http404 from None


def case_get(*, actor, case_id, purpose: str = "view") -> tuple[Case, policies.CaseAccess]:
    """The case if the actor may see it (the read is audited), else 404 — never 403, so the
    answer does not even say that the case exists. Denied attempts are audited too."""
    case = _load(case_id)
    access = policies.case_access(actor, case)
    if not access.can_view:
        audit_record(actor=actor, action="case.view_denied", obj=case, case_id=case.pk, purpose=purpose)
        raise Http404
    audit_record(actor=actor, action=f"case.{purpose}", obj=case, case_id=case.pk, purpose=purpose,
                 detail={"via": list(access.via)})
    return case, access


def case_detail(*, actor, case_id) -> CaseDetail:
    case, access = case_get(actor=actor, case_id=case_id)
    people = list(case.people.all())
    views = {p.pk: _person_view(p, access) for p in people}
    survivor = next((views[p.pk] for p in people if p.role == Person.Role.SURVIVOR), None)
    incidents = []
    if access.sees(Section.GENERAL):
        for incident in case.incidents.select_related("region").prefetch_related("perpetrator_links"):
            perpetrators = [(link.get_relationship_display(), views.get(link.person_id))
                            for link in incident.perpetrator_links.all()]
            incidents.append(IncidentView(
                incident, perpetrators, [CONTEXT_LABELS[c] for c in incident.contexts],
                DELAY_BANDS.get(incident.delay_band, ""), care_windows(incident),
            ))
    notes = {s: [] for s in Section.values if access.sees(s)}
    for note in case.notes.select_related("author", "agency").filter(section__in=list(notes)):
        notes[note.section].append(note)
    holder = access.is_holder
    return CaseDetail(
        case=case,
        access=access,
        survivor=survivor,
        people=[v for p in people if p.role != Person.Role.SURVIVOR and (v := views[p.pk]) is not None],
        incidents=incidents,
        notes=notes,
        consents=list(case.consents.select_related("recipient_agency", "recorded_by")) if holder else None,
        shares=list(case.shares.select_related("agency", "granted_by", "reviewed_by")) if holder else None,
        contact_times=case.contact_times if access.contact else None,
    )


# --- Lists and search ----------------------------------------------------------------------------

def _summaries(cases, actor) -> list[CaseSummary]:
    cases = list(cases)
    survivors = {p.case_id: p for p in Person.objects.filter(case__in=cases, role=Person.Role.SURVIVOR)}
    shared = {}
    if any(c.holding_agency_id != actor.agency_id for c in cases):
        shared = {cid: a.via for cid, a in policies._shared_access(actor, case_ids=[c.pk for c in cases]).items()}
    return [
        CaseSummary(c, survivors[c.pk].full_name if c.pk in survivors else "",
                    ("holder",) if c.holding_agency_id == actor.agency_id else shared.get(c.pk, ()))
        for c in cases
    ]


def _search_filter(q: str) -> tuple[str, Q | None, set | None]:
    """What kind of query this is and how to find it (never by decrypting the table)."""
    q = q.strip()
    if not q:
        return "", None, None
    if CASE_NUMBER.match(q):
        return "number", Q(number=q.upper()), None
    digits = re.sub(r"[\s\-()+]", "", q)
    if digits.isdigit() and len(digits) == 12:
        try:
            digest = blind("iin", normalize_iin(digits))
        except IinError:
            digest = None
        if digest:
            ids = PersonIndex.objects.filter(kind=PersonIndex.Kind.IIN, digest=digest).values("case_id")
            phone_ids = _phone_case_ids(q)
            return "iin", Q(pk__in=ids) | (Q(pk__in=phone_ids) if phone_ids is not None else Q()), None
    if digits.isdigit() and len(digits) >= 10:
        ids = _phone_case_ids(q)
        return "phone", Q(pk__in=ids if ids is not None else []), None
    digests = query_name_digests(q)
    if not digests:
        return "name", Q(pk__in=[]), None
    return "name", Q(pk__in=PersonIndex.objects.filter(kind=PersonIndex.Kind.NAME, digest__in=digests)
                     .values("case_id")), digests


def _phone_case_ids(raw: str):
    try:
        digest = blind("phone", normalize_phone(raw))
    except PhoneError:
        return None
    return PersonIndex.objects.filter(kind=PersonIndex.Kind.PHONE, digest=digest).values("case_id")


def case_list(*, actor, q: str = "", status: str = "", mine: bool = False, limit: int = 50) -> list[CaseSummary]:
    """The actor's visible cases, optionally searched by case number, exact IIN or phone, or name.

    The search terms themselves are never written to the audit log (they identify people)."""
    if not policies.works_on_cases(actor):
        raise PermissionDenied
    cases = Case.objects.filter(policies.visible_cases_q(actor)).select_related("holding_agency", "assigned_to")
    if status:
        cases = cases.filter(status=status)
    if mine:
        cases = cases.filter(assigned_to=actor)
    kind, query_filter, name_digests = _search_filter(q)
    if query_filter is not None:
        cases = cases.filter(query_filter)
    if name_digests:
        # Rank name candidates by how well their folded tokens match.
        candidates = list(cases.order_by("-opened_at")[:500])
        tokens: dict = {}
        for entry in PersonIndex.objects.filter(case__in=candidates, kind=PersonIndex.Kind.NAME):
            tokens.setdefault(entry.person_id, (entry.case_id, set()))[1].add(entry.digest)
        best: dict = {}
        for case_id, person_tokens in tokens.values():
            best[case_id] = max(best.get(case_id, 0.0), match_score(name_digests, person_tokens))
        ranked = sorted((c for c in candidates if best.get(c.pk, 0) >= 0.2), key=lambda c: -best[c.pk])
        result = _summaries(ranked[:limit], actor)
    else:
        result = _summaries(cases.order_by("-opened_at")[:limit], actor)
    audit_record(actor=actor, action="case.search" if kind else "case.list", object_type="cases.case",
                 detail={"kind": kind, "status": status, "mine": mine, "results": len(result)})
    return result


# --- Identity checks at intake --------------------------------------------------------------------

@dataclass
class IdentityMatch:
    kind: str  # "iin" or "phone"
    case: Case | None = None  # set only when the actor may see that case
    token: str = ""  # for a case the actor may not see: an opaque reference for an access request


def _raw_matches(iin: str, phone: str) -> list[tuple[str, Case]]:
    """(kind, case) for every case holding a person with this IIN or phone, each case once."""
    found, seen = [], set()
    for kind, normalize, error, value in (("iin", normalize_iin, IinError, iin),
                                          ("phone", normalize_phone, PhoneError, phone)):
        if not value:
            continue
        try:
            digest = blind(kind, normalize(value))
        except error:
            continue
        for entry in PersonIndex.objects.filter(kind=kind, digest=digest).select_related("case"):
            if entry.case_id not in seen:
                seen.add(entry.case_id)
                found.append((kind, entry.case))
    return found


def identity_matches(*, actor, iin: str = "", phone: str = "") -> list[IdentityMatch]:
    """People with this IIN or phone already in a case. For a case the actor may not see, only
    the fact that the person is known to another agency — never which agency or what case."""
    if not policies.works_on_cases(actor):
        raise PermissionDenied
    matches = [
        IdentityMatch(kind, case) if policies.case_access(actor, case).can_view
        else IdentityMatch(kind, token=match_token(actor=actor, case=case))
        for kind, case in _raw_matches(iin, phone)
    ]
    if iin or phone:
        audit_record(actor=actor, action="person.identity_check", object_type="people.person",
                     detail={"matches": len(matches), "hidden": sum(1 for m in matches if m.case is None)})
    return matches


def _match_aad(actor) -> bytes:
    return f"qorgau.access-request:{actor.pk}".encode()


def match_token(*, actor, case: Case) -> str:
    """An opaque reference to a hidden match: the requester can ask for access without ever
    learning the case number or the agency (sealed, and bound to this user)."""
    return data_keyring().seal(str(case.pk), _match_aad(actor))


def match_token_case(*, actor, token: str) -> Case:
    try:
        case_id = data_keyring().open(token, _match_aad(actor))
    except CryptoError:
        raise Http404 from None
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


# --- Timeline, access log, requests -----------------------------------------------------------------

def case_timeline(*, actor, case: Case, access: policies.CaseAccess) -> list[CaseEvent]:
    events = case.events.select_related("actor", "agency")
    if access.is_holder:
        return list(events[:200])
    events = events.filter(Q(section="") | Q(section__in=list(access.sections)))
    # Another agency sees its own referrals only (as on the case page): that she was also sent to
    # a shelter or a psychologist, and which one, is not its business.
    return [e for e in events[:200]
            if not (e.kind.startswith("referral_") and e.params.get("agency_id") != actor.agency_id)]


def case_access_log(*, actor, case_id) -> tuple[Case, list[dict]]:
    """Who opened, searched or changed this case — what the caseworker shows her when she asks."""
    case, _access = case_get(actor=actor, case_id=case_id, purpose="access_log")
    if not policies.can_see_access_log(actor, case):
        raise PermissionDenied
    events = list(AuditEvent.objects.filter(case_id=case.pk).order_by("-seq")[:500])
    agencies = Agency.objects.in_bulk({e.agency_id for e in events if e.agency_id})
    return case, [
        {"at": e.at, "who": e.actor_username or "system", "agency": agencies.get(e.agency_id), "action": e.action,
         "purpose": e.purpose, "source": e.source}
        for e in events
    ]


def access_requests_for(*, actor) -> list[AccessRequest]:
    """Open requests about cases of the actor's agency (for its supervisors)."""
    if not (policies.works_on_cases(actor) and actor.has_role("supervisor")):
        return []
    return list(
        AccessRequest.objects.filter(case__holding_agency_id=actor.agency_id, status=AccessRequest.Status.OPEN)
        .select_related("case", "requesting_agency", "requested_by")
    )


def emergency_grants_to_review(*, actor) -> list[CaseShare]:
    if not (policies.works_on_cases(actor) and actor.has_role("supervisor")):
        return []
    return list(
        CaseShare.objects.filter(case__holding_agency_id=actor.agency_id, source=CaseShare.Source.EMERGENCY,
                                 reviewed_at__isnull=True)
        .exclude(granted_by=actor)
        .select_related("case", "agency", "granted_by")
    )


def caseload_counts(*, actor) -> dict:
    """Counts for the actor's own agency only (a supervisor's dashboard)."""
    if not policies.works_on_cases(actor):
        return {}
    rows = (Case.objects.filter(holding_agency_id=actor.agency_id).values("status").annotate(n=Count("id")))
    return {row["status"]: row["n"] for row in rows}


def my_open_cases(*, actor, limit: int = 10) -> list[CaseSummary]:
    if not policies.works_on_cases(actor):
        return []
    cases = (Case.objects.filter(policies.visible_cases_q(actor), assigned_to=actor)
             .exclude(status=Case.Status.CLOSED).order_by("-opened_at")[:limit])
    return _summaries(cases, actor)


def open_care_windows_for(*, actor) -> list[tuple[Case, CareWindow]]:
    """Care windows still open in cases the actor may see (sexual violence in the last 5 days)."""
    if not policies.works_on_cases(actor):
        return []
    since = timezone.localdate() - timedelta(days=6)
    incidents = (Incident.objects.filter(case__in=Case.objects.filter(policies.visible_cases_q(actor)),
                                         occurred_on__gte=since, gbv_type__in=["rape", "sexual_assault"])
                 .select_related("case"))
    return [(i.case, w) for i in incidents for w in care_windows(i) if w.is_open]
