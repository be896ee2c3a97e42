"""Every read of case data. Each function applies the policy, records the read in the audit
chain, and returns view objects holding only what the actor may see — templates and API
serializers never touch the models' protected fields directly."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case as DbCase
from django.db.models import Count, F, Q, When
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import pgettext

from qorgau.accounts.models import Agency, User
from qorgau.cases import extensions, policies
from qorgau.cases.care import CareWindow, care_windows
from qorgau.cases.classification import CONTEXT_LABELS, DELAY_BANDS, age_on
from qorgau.cases.models import (
    AccessRequest,
    Case,
    CaseEvent,
    CaseShare,
    Consent,
    CyberSubtype,
    Incident,
    IncidentCyber,
    OnlineAccount,
    Section,
)
from qorgau.cases.printout import case_summary_pdf
from qorgau.core.audit import audit_record, audit_record_many
from qorgau.core.crypto import CryptoError
from qorgau.core.iin import IinError, normalize_iin
from qorgau.core.keys import blind_all, data_keyring
from qorgau.core.models import AuditEvent
from qorgau.core.names import match_score
from qorgau.core.phones import PhoneError, normalize_phone
from qorgau.people.models import Person, PersonIndex
from qorgau.people.services import query_name_digest_sets

# Which section opens each kind of person other than the survivor.
ROLE_SECTION: dict[str, str] = {
    Person.Role.PERPETRATOR: Section.LEGAL,
    Person.Role.CHILD: Section.GENERAL,
    Person.Role.WITNESS: Section.GENERAL,
    Person.Role.GUARDIAN: Section.GENERAL,
}
CASE_NUMBER = re.compile(r"^QG-\d{4}-\d{6}$", re.IGNORECASE)
# Part of a case number as staff say it over the phone: "QG-2026-0001", "2026-000123", "000123".
PARTIAL_NUMBER = re.compile(r"^(QG-?)?[\d-]*\d[\d-]*$|^QG-?$", re.IGNORECASE)
YEAR_AND_NUMBER = re.compile(r"^(QG-?)?\d{4}-\d{1,6}$", re.IGNORECASE)


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
    family_name: str = ""
    given_name: str = ""
    patronymic: str = ""

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, self.birth_year, timezone.localdate())


@dataclass
class OnlineAccountView:
    platform: str
    platform_label: str
    owner: str
    owner_label: str
    handle: str | None  # None: a perpetrator's account without the legal section


@dataclass
class CyberView:
    version: int  # 0: nothing recorded yet
    subtypes: list  # (code, label)
    accounts: list[OnlineAccountView]

    @property
    def codes(self) -> list[str]:
        return [code for code, _label in self.subtypes]


@dataclass
class IncidentView:
    incident: Incident
    perpetrators: list  # (relationship label, PersonView or None)
    contexts: list
    delay: str
    windows: list[CareWindow]
    cyber: CyberView | None = None


def _cyber_view(
    incident: Incident, access: policies.CaseAccess, labels: dict, accounts: list
) -> CyberView | None:
    """What the actor may see of an incident's cyber-violence (`cyber` already loaded; accounts
    are only ever written together with it)."""
    try:
        cyber = incident.cyber
    except IncidentCyber.DoesNotExist:
        return None
    legal = access.sees(Section.LEGAL)
    return CyberView(
        version=cyber.version,
        subtypes=[(code, labels.get(code, code)) for code in cyber.subtypes],
        accounts=[
            OnlineAccountView(
                platform=a.platform,
                platform_label=str(a.get_platform_display()),
                owner=a.owner,
                owner_label=str(a.get_owner_display()),
                handle=a.handle if (legal or a.owner != OnlineAccount.Owner.PERPETRATOR) else None,
            )
            for a in accounts
        ],
    )


def _add_cyber(views: list[IncidentView], access: policies.CaseAccess) -> None:
    """Cyber-violence on the incidents that have it: no query at all for those that do not."""
    with_cyber = [v for v in views if hasattr(v.incident, "cyber")]
    if not with_cyber:
        return
    accounts: dict = {}
    for account in OnlineAccount.objects.filter(incident_id__in=[v.incident.pk for v in with_cyber]):
        accounts.setdefault(account.incident_id, []).append(account)
    labels = cyber_labels()
    for view in with_cyber:
        view.cyber = _cyber_view(view.incident, access, labels, accounts.get(view.incident.pk, []))


def cyber_labels() -> dict:
    return {s.code: s.label for s in CyberSubtype.objects.all()}


def incident_cyber_get(*, actor: User, case_id, incident_id) -> tuple[Case, Incident, CyberView]:
    """An incident's cyber-violence, for the holder who edits it (others: 404, audited)."""
    case, access = case_get(actor=actor, case_id=case_id, purpose="incident")
    if not access.is_holder:
        raise Http404
    try:
        incident = case.incidents.select_related("cyber").get(pk=incident_id)
    except (Incident.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    accounts = list(OnlineAccount.objects.filter(incident=incident))
    view = _cyber_view(incident, access, cyber_labels(), accounts) or CyberView(0, [], [])
    return case, incident, view


@dataclass
class CaseSummary:
    case: Case
    survivor_name: str
    via: tuple
    columns: list = field(default_factory=list)  # (text, css class) per extensions.LIST_COLUMNS


@dataclass
class ConsentRow:
    """One recipient's consents given together (at intake: referral, sharing, contact), one row."""

    consents: list[Consent]

    @property
    def lead(self) -> Consent:
        return self.consents[0]

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(s for c in self.consents for s in c.sections))


def consent_rows(consents: list[Consent]) -> list[ConsentRow]:
    """Group consents by recipient and by the moment they were given (same day, person, method
    and giver), keeping the order they were recorded in."""
    rows: dict = {}
    for c in consents:
        # Statistics has no recipient: its own row.
        alone = c.pk if c.purpose == Consent.Purpose.STATISTICS else None
        key = (
            c.recipient_agency_id,
            c.recipient_kind,
            c.given_on,
            c.method,
            c.given_by,
            c.recorded_by_id,
            alone,
        )
        rows.setdefault(key, ConsentRow([])).consents.append(c)
    return list(rows.values())


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
    def consent_rows(self) -> list[ConsentRow]:
        return consent_rows(self.consents or [])

    @property
    def open_windows(self) -> list[CareWindow]:
        return [w for i in self.incidents for w in i.windows if w.is_open]


def _person_view(person: Person, access: policies.CaseAccess) -> PersonView | None:
    if person.role != Person.Role.SURVIVOR and not access.sees(ROLE_SECTION[person.role]):
        return None
    view = PersonView(
        id=person.pk,
        role=person.role,
        role_label=person.get_role_display(),
        name=person.full_name,
        sex=person.sex,
        birth_year=person.birth_year,
        version=person.version,
        other_names=person.other_names or [],
        family_name=person.family_name or "",
        given_name=person.given_name or "",
        patronymic=person.patronymic or "",
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


def case_get(
    *, actor: User, case_id, purpose: str = "view", detail: dict | None = None
) -> tuple[Case, policies.CaseAccess]:
    """The case if the actor may see it (the read is audited), else 404 — never 403, so the
    answer does not even say that the case exists. Denied attempts are audited too."""
    case = _load(case_id)
    access = policies.case_access(actor, case)
    if not access.can_view:
        audit_record(actor=actor, action="case.view_denied", obj=case, case_id=case.pk, purpose=purpose)
        raise Http404
    audit_record(
        actor=actor,
        action=f"case.{purpose}",
        obj=case,
        case_id=case.pk,
        purpose=purpose,
        detail={"via": list(access.via), **(detail or {})},
    )
    return case, access


def case_detail(*, actor: User, case_id) -> CaseDetail:
    case, access = case_get(actor=actor, case_id=case_id)
    return _detail(case, access)


def case_summary_print(*, actor: User, case_id, lang: str) -> tuple[Case, bytes]:
    """The printable summary of a case in kk, ru or en: exactly what the reader may see on the
    case page (the same view object), recorded in the audit chain as an export (`case.export`)."""
    case, access = case_get(actor=actor, case_id=case_id, purpose="export", detail={"lang": lang})
    detail = _detail(case, access)
    with translation.override(lang):
        parts = extensions.summary_parts(actor, detail)
    return case, case_summary_pdf(detail=detail, parts=parts, lang=lang, printed_by=actor)


def _detail(case: Case, access: policies.CaseAccess) -> CaseDetail:
    people = list(case.people.all())
    views = {p.pk: _person_view(p, access) for p in people}
    survivor = next((views[p.pk] for p in people if p.role == Person.Role.SURVIVOR), None)
    incidents = []
    if access.sees(Section.GENERAL):
        for incident in case.incidents.select_related("region", "cyber").prefetch_related(
            "perpetrator_links"
        ):
            perpetrators = [
                (link.get_relationship_display(), views.get(link.person_id))
                for link in incident.perpetrator_links.all()
            ]
            incidents.append(
                IncidentView(
                    incident,
                    perpetrators,
                    [CONTEXT_LABELS[c] for c in incident.contexts],
                    str(DELAY_BANDS.get(incident.delay_band, "")),
                    care_windows(incident),
                )
            )
        _add_cyber(incidents, access)
    notes: dict[str, list] = {s: [] for s in Section.values if access.sees(s)}
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
        consents=list(case.consents.select_related("recipient_agency", "recipient_region", "recorded_by"))
        if holder
        else None,
        shares=list(case.shares.select_related("agency", "granted_by", "reviewed_by")) if holder else None,
        contact_times=case.contact_times if access.contact else None,
    )


def person_get(
    *, actor: User, case_id, person_id, purpose: str = "person"
) -> tuple[Case, policies.CaseAccess, PersonView]:
    """One person of a case as the actor may see them; 404 when the person is not in this case or
    lies in a section the actor does not see (the same answer as for a random id)."""
    case, access = case_get(actor=actor, case_id=case_id, purpose=purpose)
    try:
        person = case.people.get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    view = _person_view(person, access)
    if view is None:
        raise Http404
    return case, access, view


def person_view(*, actor: User, person: Person) -> PersonView | None:
    """A person the actor's own service call just wrote, shown as the actor may see them."""
    return _person_view(person, policies.case_access(actor, person.case))


# --- Lists and search ----------------------------------------------------------------------------


def _ordering(sort: str) -> list:
    """The list's order (newest first unless asked): a list column sorts with the cases whose
    value the reader may not see last, whichever the direction."""
    desc, key = sort.startswith("-"), sort.lstrip("-")
    if key == "number":
        return ["-number" if desc else "number"]
    if key in extensions.LIST_COLUMNS:
        expr = F(f"col_{key}")
        return [expr.desc(nulls_last=True) if desc else expr.asc(nulls_last=True), "-opened_at"]
    return ["opened_at" if sort == "opened" else "-opened_at"]


def _summaries(cases, actor, columns=()) -> list[CaseSummary]:
    cases = list(cases)
    survivors = {p.case_id: p for p in Person.objects.filter(case__in=cases, role=Person.Role.SURVIVOR)}
    shared = {}
    if any(c.holding_agency_id != actor.agency_id for c in cases):
        shared = {
            cid: a.via for cid, a in policies._shared_access(actor, case_ids=[c.pk for c in cases]).items()
        }
    return [
        CaseSummary(
            c,
            survivors[c.pk].full_name if c.pk in survivors else "",
            ("holder",) if c.holding_agency_id == actor.agency_id else shared.get(c.pk, ()),
            [_cell(col, getattr(c, f"col_{col.key}", None)) for col in columns],
        )
        for c in cases
    ]


def _cell(column, value) -> tuple[str, str]:
    if value is None:
        return "—", ""
    return str(column.display(value)), column.css(value)


def _search_filter(q: str) -> tuple[str, Q | None, list[set[str]] | None]:
    """What kind of query this is and how to find it (never by decrypting the table)."""
    q = q.strip()
    if not q:
        return "", None, None
    if CASE_NUMBER.match(q):
        return "number", Q(number=q.upper()), None
    digits = re.sub(r"[\s\-()+]", "", q)
    if digits.isdigit() and len(digits) == 12:
        try:
            iin_digests = blind_all("iin", normalize_iin(digits))
        except IinError:
            iin_digests = []
        if iin_digests:
            ids = PersonIndex.objects.filter(kind=PersonIndex.Kind.IIN, digest__in=iin_digests).values(
                "case_id"
            )
            phone_ids = _phone_case_ids(q)
            return "iin", Q(pk__in=ids) | (Q(pk__in=phone_ids) if phone_ids is not None else Q()), None
    if YEAR_AND_NUMBER.match(q):  # "2026-000123" has ten digits, but it is a case number
        return "number_part", Q(number__icontains=q.upper()), None
    if digits.isdigit() and len(digits) >= 10:
        ids = _phone_case_ids(q)
        return "phone", Q(pk__in=ids if ids is not None else []), None
    if PARTIAL_NUMBER.match(q) and len(q) >= 3:
        return "number_part", Q(number__icontains=q.upper()), None
    digest_sets = query_name_digest_sets(q)
    name_digests: set[str] = set().union(*digest_sets)
    if not name_digests:
        return "name", Q(pk__in=[]), None
    return (
        "name",
        Q(
            pk__in=PersonIndex.objects.filter(kind=PersonIndex.Kind.NAME, digest__in=name_digests).values(
                "case_id"
            )
        ),
        digest_sets,
    )


def _phone_case_ids(raw: str):
    try:
        digests = blind_all("phone", normalize_phone(raw))
    except PhoneError:
        return None
    return PersonIndex.objects.filter(kind=PersonIndex.Kind.PHONE, digest__in=digests).values("case_id")


def case_list(
    *,
    actor: User,
    q: str = "",
    status: str = "",
    mine: bool = False,
    open_only: bool = False,
    limit: int = 50,
    purpose: str = "list",
    sort: str = "",
    filters: dict | None = None,
) -> list[CaseSummary]:
    """The actor's visible cases, optionally searched by case number, exact IIN or phone, or name.

    Every case listed shows her name, so each one gets an event in its own access log
    (`case.listed`, with the purpose: list, search, dashboard). The search terms themselves are
    never written to the audit log (they identify people)."""
    if not policies.works_on_cases(actor):
        raise PermissionDenied
    shared = policies._shared_access(actor)  # once: what the list shows and which columns
    cases = Case.objects.filter(Q(holding_agency_id=actor.agency_id) | Q(pk__in=list(shared))).select_related(
        "holding_agency", "assigned_to"
    )
    columns = list(extensions.LIST_COLUMNS.values())
    for column in columns:  # NULL where the reader does not see the column's section
        sees = Q(holding_agency_id=actor.agency_id) | Q(
            pk__in=[cid for cid, access in shared.items() if access.sees(column.section)]
        )
        cases = cases.annotate(
            **{f"col_{column.key}": DbCase(When(sees, then=column.annotation()), default=None)}
        )
    for key, code in (filters or {}).items():
        column = extensions.LIST_COLUMNS.get(key)
        choice = next((f for f in column.filters if f[0] == code), None) if column else None
        if choice is not None:
            cases = cases.filter(choice[2](f"col_{key}"))
    if status:
        cases = cases.filter(status=status)
    if mine:
        cases = cases.filter(assigned_to=actor)
    if open_only:
        cases = cases.exclude(status=Case.Status.CLOSED)
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
            score = max(match_score(digests, person_tokens) for digests in name_digests)
            best[case_id] = max(best.get(case_id, 0.0), score)
        ranked = sorted((c for c in candidates if best.get(c.pk, 0) >= 0.2), key=lambda c: -best[c.pk])
        result = _summaries(ranked[:limit], actor, columns)
    else:
        result = _summaries(cases.order_by(*_ordering(sort))[:limit], actor, columns)
    if kind:  # a search is recorded even when it finds nothing (never its terms)
        purpose = "search"
        audit_record(
            actor=actor,
            action="case.search",
            object_type="cases.case",
            purpose=purpose,
            detail={"kind": kind, "status": status, "mine": mine, "results": len(result)},
        )
    audit_record_many(
        actor=actor, action="case.listed", case_ids=[s.case.pk for s in result], purpose=purpose
    )
    return result


# --- Identity checks at intake --------------------------------------------------------------------


# Candidates for a person (who she may be, across agencies) live in `people.selectors`
# (`candidate_search`, `person_known`): an open intake or a stated purpose, a per-user limit, and
# an event on every matched case's access log. What remains here is the sealed token through which
# a hidden match can be asked for.


def _match_aad(actor) -> bytes:
    return f"qorgau.access-request:{actor.pk}".encode()


def match_token(*, actor: User, case: Case) -> str:
    """An opaque reference to a hidden match: the requester can ask for access without ever
    learning the case number or the agency (sealed, and bound to this user)."""
    return data_keyring().seal(str(case.pk), _match_aad(actor))


def match_token_case(*, actor: User, token: str) -> Case:
    try:
        case_id = data_keyring().open(token, _match_aad(actor))
    except CryptoError:
        raise Http404 from None
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


# --- Timeline, access log, requests -----------------------------------------------------------------


def case_timeline(*, actor: User, case: Case, access: policies.CaseAccess) -> list[CaseEvent]:
    events = case.events.select_related("actor", "agency")
    if access.is_holder:
        return list(events[:200])
    events = events.filter(Q(section="") | Q(section__in=list(access.sections)))
    # Another agency sees its own referrals only (as on the case page): that she was also sent to
    # a shelter or a psychologist, and which one, is not its business.
    return [
        e
        for e in events[:200]
        if not (e.kind.startswith("referral_") and e.params.get("agency_id") != actor.agency_id)
    ]


def case_access_log(*, actor: User, case_id) -> tuple[Case, list[dict]]:
    """Who opened, searched or changed this case — what the caseworker shows her when she asks."""
    case, _access = case_get(actor=actor, case_id=case_id, purpose="access_log")
    if not policies.can_see_access_log(actor, case):
        raise PermissionDenied
    events = list(AuditEvent.objects.filter(case_id=case.pk).order_by("-seq")[:500])
    agencies = Agency.objects.in_bulk({e.agency_id for e in events if e.agency_id})
    return case, [
        {
            "at": e.at,
            "who": e.actor_username or pgettext("who acted in an access log", "the system (a job)"),
            "agency": agencies.get(e.agency_id),
            "action": e.action,
            "purpose": e.purpose,
            "source": e.source,
        }
        for e in events
    ]


def access_request_list(*, actor: User) -> list[AccessRequest]:
    """Open requests about cases of the actor's agency (for its supervisors)."""
    if not (policies.works_on_cases(actor) and actor.has_role("supervisor")):
        return []
    return list(
        AccessRequest.objects.filter(
            case__holding_agency_id=actor.agency_id, status=AccessRequest.Status.OPEN
        ).select_related("case", "requesting_agency", "requested_by")
    )


def emergency_grant_list_to_review(*, actor: User) -> list[CaseShare]:
    if not (policies.works_on_cases(actor) and actor.has_role("supervisor")):
        return []
    return list(
        CaseShare.objects.filter(
            case__holding_agency_id=actor.agency_id,
            source=CaseShare.Source.EMERGENCY,
            reviewed_at__isnull=True,
        )
        .exclude(granted_by=actor)
        .select_related("case", "agency", "granted_by")
    )


def case_count_by_status(*, actor: User) -> dict:
    """Counts for the actor's own agency only (a supervisor's dashboard). The cases imported from
    its earlier register are not its caseload (nobody is assigned, no report was made): they are
    counted apart, by ``imported_case_count``."""
    if not policies.works_on_cases(actor):
        return {}
    rows = (
        Case.objects.filter(holding_agency_id=actor.agency_id)
        .exclude(origin=Case.Origin.REGISTER)
        .values("status")
        .annotate(n=Count("id"))
    )
    return {row["status"]: row["n"] for row in rows}


def imported_case_count(*, actor: User) -> int:
    """How many of the actor's agency's cases came from its earlier register (`people import`)."""
    if not policies.works_on_cases(actor):
        return 0
    return Case.objects.filter(holding_agency_id=actor.agency_id, origin=Case.Origin.REGISTER).count()


def care_window_list(*, actor: User) -> list[tuple[Case, CareWindow]]:
    """Care windows still open in cases the actor may see (sexual violence in the last 5 days)."""
    if not policies.works_on_cases(actor):
        return []
    since = timezone.localdate() - timedelta(days=6)
    incidents = Incident.objects.filter(
        case__in=Case.objects.filter(policies.visible_cases_q(actor)),
        occurred_on__gte=since,
        gbv_type__in=["rape", "sexual_assault"],
    ).select_related("case")
    return [(i.case, w) for i in incidents for w in care_windows(i) if w.is_open]


def case_region_id(*, case: Case) -> str | None:
    """Her region, for ordering pickers: where she lives, else where it last happened, else the
    holding agency's region. Only region codes (public reference data) leave this function.
    Read once a request for a case (kept on the case object)."""
    if not hasattr(case, "_her_region_id"):
        case._her_region_id = _her_region_id(case)  # type: ignore[attr-defined]
    return case._her_region_id  # type: ignore[attr-defined]


def _her_region_id(case: Case) -> str | None:
    lives = (
        Person.objects.filter(case=case, role=Person.Role.SURVIVOR, region__isnull=False)
        .values_list("region_id", flat=True)
        .first()
    )
    if lives:
        return lives
    happened = case.incidents.order_by("-occurred_on").values_list("region_id", flat=True).first()
    return happened or case.holding_agency.region_id


def case_agency_ids(*, case: Case) -> set[int]:
    """The agencies taking part in the case: the holder, those with a live share, and those with
    a referral that was not declined or withdrawn. Read once a request for a case."""
    if not hasattr(case, "_taking_part"):
        case._taking_part = _case_agency_ids(case)  # type: ignore[attr-defined]
    return case._taking_part  # type: ignore[attr-defined]


def _case_agency_ids(case: Case) -> set[int]:
    from qorgau.referrals.models import Referral

    ids = {case.holding_agency_id}
    now = timezone.now()
    ids |= set(
        CaseShare.objects.filter(case=case, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values_list("agency_id", flat=True)
    )
    ids |= set(
        Referral.objects.filter(case=case)
        .exclude(status__in=[Referral.Status.DECLINED, Referral.Status.WITHDRAWN])
        .values_list("to_agency_id", flat=True)
    )
    return ids


def case_staff_choices(*, case: Case):
    """People a plan action can be given to: active staff of the agencies taking part in it."""
    return (
        User.objects.filter(is_active=True, agency_id__in=case_agency_ids(case=case))
        .select_related("agency")
        .order_by("first_name", "last_name", "username")
    )


def consent_scope_list(*, case: Case) -> list[str]:
    """What her referral consents in force mean, said plainly, for the one who refers her: "any
    agency of the type “Police” anywhere in Kazakhstan" is every police department in the country."""
    from qorgau.cases.consent_scope import consent_recipient_text

    consents = case.consents.filter(purpose=Consent.Purpose.REFERRAL).select_related(
        "recipient_agency", "recipient_region"
    )
    return [consent_recipient_text(c) for c in consents if c.is_active()]
