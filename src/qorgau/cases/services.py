"""Every write to a case. Each function checks the policy, writes, adds the timeline entry and the
audit event, all in one transaction; callers pass already form-validated data."""

from collections.abc import Sequence
from contextlib import contextmanager
from datetime import timedelta

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.accounts.roles import CASE_ROLES
from qorgau.cases import policies
from qorgau.cases.classification import QUESTIONS, age_on, case_contexts, classify, delay_band
from qorgau.cases.models import (
    ALL_SECTIONS,
    AccessRequest,
    Case,
    CaseClosure,
    CaseCounter,
    CaseEvent,
    CaseOutcome,
    CaseShare,
    Consent,
    CyberSubtype,
    Incident,
    IncidentCyber,
    IncidentPerpetrator,
    Note,
    OnlineAccount,
    Section,
)
from qorgau.core.audit import audit_record
from qorgau.core.errors import Conflict
from qorgau.people import services as people
from qorgau.people.models import Person

CASE_FIELDS = (
    "entry_point",
    "priority",
    "preferred_language",
    "contact_channel",
    "contact_times",
    "female_staff",
    "interpreter",
    "interpreter_language",
    "needs",
)
UPDATABLE_CASE_FIELDS = (*CASE_FIELDS[1:], "status", "assigned_to")
QUESTION_FIELDS = tuple(q[0] for q in QUESTIONS)


# --- Row locks -------------------------------------------------------------------------------------
# Writes lock rows through these helpers only, and always the case first, then the row inside it,
# so two writers never wait for each other in opposite orders.


def case_qs_select_for_update() -> QuerySet[Case]:
    return Case.objects.select_for_update(of=("self",)).select_related("holding_agency")


def person_qs_select_for_update() -> QuerySet[Person]:
    return Person.objects.select_for_update()


def consent_qs_select_for_update() -> QuerySet[Consent]:
    return Consent.objects.select_for_update()


def case_share_qs_select_for_update() -> QuerySet[CaseShare]:
    return CaseShare.objects.select_for_update()


def access_request_qs_select_for_update() -> QuerySet[AccessRequest]:
    return AccessRequest.objects.select_for_update()


def case_closure_qs_select_for_update() -> QuerySet[CaseClosure]:
    return CaseClosure.objects.select_for_update()


def locked_in_case(queryset: QuerySet, case: Case, object_id):
    """The row `object_id` of this case, locked; 404 for a row of another case, a malformed or an
    unknown id alike."""
    try:
        row = queryset.get(pk=object_id, case_id=case.pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    row.case = case
    return row


def _event(case, kind: str, actor, *, section: str = "", **params) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        agency_id=getattr(actor, "agency_id", None),
        section=section,
        params=params,
    )


@contextmanager
def _field_prefix(prefix: str):
    """Name the part of a combined request a field error belongs to ("survivor.iin")."""
    try:
        yield
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        raise ValidationError({f"{prefix}.{field}": messages for field, messages in errors.items()}) from exc


def _next_number() -> str:
    year = timezone.localdate().year
    counter, _ = CaseCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"QG-{year}-{counter.last:06d}"


def survivor_of(case: Case) -> Person | None:
    return case.people.filter(role=Person.Role.SURVIVOR).first()


def survivor_age_today(case: Case) -> int | None:
    survivor = survivor_of(case)
    return age_on(survivor.birth_date, survivor.birth_year, timezone.localdate()) if survivor else None


# --- Opening a case ----------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    actor: User,
    survivor: dict,
    case_fields: dict,
    incident: dict | None = None,
    perpetrator: tuple[str, dict] | None = None,
    account: str = "",
    consents: Sequence[dict] = (),
    assigned_to=None,
    cyber: dict | None = None,
    origin: str = Case.Origin.INTAKE,
) -> tuple[Case, list[str]]:
    """Open a case at the actor's agency: the survivor, the first incident, her account, consent.

    Returns the case and identity warnings (e.g. a birth date that differs from the IIN).
    With ``origin=REGISTER`` (`people import`) the case is the agency's record of a woman it knew
    before Qorgau: the survivor only, no incident, account or consent (nothing may be shared
    without her say), and nobody's caseload until a supervisor assigns it (docs/adr/0011).
    """
    if not policies.can_open_case(actor):
        raise PermissionDenied
    imported = origin == Case.Origin.REGISTER
    if imported and (incident is not None or consents or account.strip() or cyber):
        raise ValueError("A case imported from a register holds her identity only.")
    case = Case(
        number=_next_number(),
        holding_agency_id=policies.agency_id_of(actor),
        opened_by=actor,
        assigned_to=None if imported else assigned_to or actor,
        origin=origin,
        **{k: case_fields[k] for k in CASE_FIELDS if k in case_fields},
    )
    case.full_clean(exclude=["number", "opened_by", "holding_agency"])
    case.save()
    if imported:
        _event(case, "case_imported", actor)
    else:
        _event(case, "case_opened", actor, entry_point=case.entry_point)
    with _field_prefix("survivor"):
        person, warnings = people.person_create(case=case, role=Person.Role.SURVIVOR, data=survivor)
    if incident is not None:
        with _field_prefix("incident"):
            _incident_create(
                case=case, actor=actor, fields=incident, perpetrator=perpetrator, survivor=person, cyber=cyber
            )
    if account.strip():
        _note_create(case=case, actor=actor, section=Section.GENERAL, body=account, is_account=True)
    for index, data in enumerate(consents):
        with _field_prefix(f"consents.{index}"):
            _consent_create(case=case, actor=actor, data=data, survivor=person)
    audit_record(
        actor=actor,
        action="case.open",
        obj=case,
        case_id=case.pk,
        detail={"entry_point": case.entry_point, "consents": len(consents), "origin": case.origin},
    )
    return case, warnings


# --- Incidents and people ----------------------------------------------------------------------


def incident_qs_select_for_update() -> QuerySet[Incident]:
    return Incident.objects.select_for_update(of=("self",))


def incident_cyber_qs_select_for_update() -> QuerySet[IncidentCyber]:
    return IncidentCyber.objects.select_for_update(of=("self",))


def _cyber_clean(cyber: dict | None) -> tuple[list[CyberSubtype], list[dict]]:
    """The kinds (known, active, in display order) and the accounts of a cyber-violence answer."""
    cyber = cyber or {}
    codes = list(dict.fromkeys(cyber.get("subtypes") or []))
    known = {s.code: s for s in CyberSubtype.objects.filter(code__in=codes, is_active=True)}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError({"cyber_subtypes": _("Choose kinds of cyber-violence from the list.")})
    accounts = []
    for index, account in enumerate(cyber.get("accounts") or []):
        handle = (account.get("handle") or "").strip()
        if account.get("platform") not in OnlineAccount.Platform.values:
            raise ValidationError(
                {f"online_accounts.{index}.platform": _("Choose a platform from the list.")}
            )
        if account.get("owner") not in OnlineAccount.Owner.values:
            raise ValidationError({f"online_accounts.{index}.owner": _("Say whose account it is.")})
        if not handle or len(handle) > 500:
            raise ValidationError(
                {
                    f"online_accounts.{index}.handle": _(
                        "Give the handle or the address, up to 500 characters."
                    )
                }
            )
        accounts.append({"platform": account["platform"], "owner": account["owner"], "handle": handle})
    return sorted(known.values(), key=lambda s: (s.order, s.code)), accounts


def _cyber_write(incident: Incident, subtypes: list[CyberSubtype], accounts: list[dict]) -> IncidentCyber:
    cyber, created = IncidentCyber.objects.get_or_create(
        incident=incident, defaults={"subtypes": [s.code for s in subtypes]}
    )
    if not created:
        cyber.subtypes = [s.code for s in subtypes]
        cyber.version += 1
        cyber.save(update_fields=["subtypes", "version", "updated_at"])
    OnlineAccount.objects.filter(incident=incident).delete()
    for position, account in enumerate(accounts):
        OnlineAccount.objects.create(incident=incident, position=position, **account)
    return cyber


def _implied_answers(fields: dict, subtypes: list[CyberSubtype]) -> dict:
    """The GBVIMS answers the kinds of cyber-violence imply (a kind never unsays a "yes")."""
    fields = dict(fields)
    for subtype in subtypes:
        if subtype.gbvims_question in QUESTION_FIELDS:
            fields[subtype.gbvims_question] = True
    return fields


def _incident_create(
    *, case, actor, fields: dict, perpetrator, survivor: Person | None, cyber: dict | None = None
) -> Incident:
    subtypes, accounts = _cyber_clean(cyber)
    fields = _implied_answers(fields, subtypes)
    if fields["reported_on"] < fields["occurred_on"]:
        raise ValidationError({"reported_on": _("It cannot have been reported before it happened.")})
    if fields["occurred_on"] > timezone.localdate():
        raise ValidationError({"occurred_on": _("The incident date cannot be in the future.")})
    perpetrators = []
    if perpetrator is not None:
        # Recorded even without a name: the relationship alone decides the case context.
        relationship, identity = perpetrator
        person = people.perpetrator_for_incident(case=case, relationship=relationship, data=identity)
        perpetrators.append((relationship, person))
    age = age_on(survivor.birth_date, survivor.birth_year, fields["occurred_on"]) if survivor else None
    gbv_type = classify(fields)
    incident = Incident(
        case=case,
        created_by=actor,
        survivor_age=age,
        gbv_type=gbv_type,
        contexts=case_contexts(
            gbv_type=gbv_type,
            relationships=[r for r, _p in perpetrators],
            survivor_age=age,
            money_or_goods_exchanged=fields.get("money_or_goods_exchanged", False),
            abduction=fields.get("abduction", False),
            harmful_practice=fields.get("harmful_practice", ""),
        ),
        delay_band=delay_band(fields["occurred_on"], fields["reported_on"]),
        **fields,
    )
    incident.full_clean(exclude=["case", "created_by"])
    incident.save()
    for relationship, person in perpetrators:
        IncidentPerpetrator.objects.create(incident=incident, person=person, relationship=relationship)
    if subtypes or accounts:
        _cyber_write(incident, subtypes, accounts)
    _event(case, "incident_recorded", actor, section=Section.GENERAL, gbv_type=gbv_type)
    return incident


@transaction.atomic
def incident_add(
    *, actor: User, case: Case, fields: dict, perpetrator=None, account: str = "", cyber: dict | None = None
) -> Incident:
    """Another incident, with her account of it when she gave one: both or neither."""
    if not policies.can_edit_case(actor, case):
        raise PermissionDenied
    incident = _incident_create(
        case=case,
        actor=actor,
        fields=fields,
        perpetrator=perpetrator,
        survivor=survivor_of(case),
        cyber=cyber,
    )
    if account.strip():
        _note_create(case=case, actor=actor, section=Section.GENERAL, body=account, is_account=True)
    audit_record(
        actor=actor,
        action="incident.create",
        obj=incident,
        case_id=case.pk,
        detail={"account": bool(account.strip())},
    )
    return incident


@transaction.atomic
def incident_cyber_update(
    *, actor: User, case: Case, incident_id, expected_version: int, subtypes: list, accounts: list
) -> IncidentCyber:
    """Replace the kinds of cyber-violence and the accounts of an incident (version 0: none yet).

    A kind that implies a GBVIMS "yes" re-classifies the incident; removing it never removes a
    "yes" that staff answered."""
    if not policies.can_edit_case(actor, case):
        raise PermissionDenied
    case_qs_select_for_update().get(pk=case.pk)
    incident = locked_in_case(incident_qs_select_for_update(), case, incident_id)
    current = incident_cyber_qs_select_for_update().filter(incident=incident).first()
    if (current.version if current else 0) != expected_version:
        raise Conflict
    found, clean_accounts = _cyber_clean({"subtypes": subtypes, "accounts": accounts})
    answers = _implied_answers({name: getattr(incident, name) for name in QUESTION_FIELDS}, found)
    for name, value in answers.items():
        setattr(incident, name, value)
    incident.gbv_type = classify(answers)
    incident.contexts = case_contexts(
        gbv_type=incident.gbv_type,
        relationships=list(incident.perpetrator_links.values_list("relationship", flat=True)),
        survivor_age=incident.survivor_age,
        money_or_goods_exchanged=incident.money_or_goods_exchanged,
        abduction=incident.abduction,
        harmful_practice=incident.harmful_practice,
    )
    incident.save(update_fields=[*QUESTION_FIELDS, "gbv_type", "contexts"])
    cyber = _cyber_write(incident, found, clean_accounts)
    _event(case, "incident_cyber_updated", actor, section=Section.GENERAL, kinds=len(found))
    audit_record(
        actor=actor,
        action="incident.cyber_update",
        obj=incident,
        case_id=case.pk,
        detail={"kinds": [s.code for s in found], "accounts": len(clean_accounts)},
    )
    return cyber


@transaction.atomic
def person_add(*, actor: User, case: Case, role: str, data: dict) -> tuple[Person, list[str]]:
    if not policies.can_edit_case(actor, case) or role == Person.Role.SURVIVOR:
        raise PermissionDenied
    person, warnings = people.person_create(case=case, role=role, data=data)
    _event(case, "person_added", actor, section=Section.GENERAL, role=role)
    audit_record(actor=actor, action="person.create", obj=person, case_id=case.pk, detail={"role": role})
    return person, warnings


@transaction.atomic
def person_update(*, actor: User, case: Case, person_id, expected_version: int, data: dict) -> list[str]:
    if not policies.can_edit_case(actor, case):
        raise PermissionDenied
    locked = locked_in_case(person_qs_select_for_update(), case, person_id)
    if locked.version != expected_version:
        raise Conflict
    warnings = people.person_apply(locked, data)
    _event(locked.case, "person_updated", actor, section=Section.GENERAL, role=locked.role)
    audit_record(
        actor=actor,
        action="person.update",
        obj=locked,
        case_id=locked.case_id,
        detail={"fields": sorted(data)},
    )
    return warnings


# --- The case itself ---------------------------------------------------------------------------


@transaction.atomic
def case_update(*, actor: User, case: Case, expected_version: int, changes: dict) -> Case:
    """Change status, priority, assignment or her preferences; refuses a stale version."""
    locked = case_qs_select_for_update().get(pk=case.pk)
    if not policies.can_edit_case(actor, locked):
        raise PermissionDenied
    if locked.version != expected_version:
        raise Conflict
    unknown = set(changes) - set(UPDATABLE_CASE_FIELDS)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    assignee = changes.get("assigned_to")
    if assignee is not None and (
        assignee.agency_id != locked.holding_agency_id or not assignee.roles & CASE_ROLES
    ):
        raise ValidationError({"assigned_to": _("Assign the case to a caseworker of the holding agency.")})
    if changes.get("status") == Case.Status.CLOSED:
        raise ValidationError({"status": _("Close a case through the closure step.")})
    changed = sorted(k for k, v in changes.items() if getattr(locked, k) != v)
    for key, value in changes.items():
        setattr(locked, key, value)
    locked.version += 1
    locked.full_clean()
    locked.save()
    if "status" in changed:
        _event(locked, "status_changed", actor, status=locked.status)
    if "assigned_to" in changed:
        _event(locked, "assigned", actor)
    if set(changed) - {"status", "assigned_to"}:
        _event(locked, "case_updated", actor, section="holder")
    audit_record(actor=actor, action="case.update", obj=locked, case_id=locked.pk, detail={"fields": changed})
    return locked


# --- Notes -------------------------------------------------------------------------------------


def _note_create(*, case, actor, section: str, body: str, is_account: bool = False) -> Note:
    note = Note(
        case=case,
        section=section,
        body=body.strip(),
        author=actor,
        agency_id=actor.agency_id,
        is_account=is_account,
    )
    note.full_clean(exclude=["case", "author", "agency"])
    note.save()
    _event(case, "account_recorded" if is_account else "note_added", actor, section=section)
    return note


@transaction.atomic
def note_add(*, actor: User, case: Case, section: str, body: str) -> Note:
    if section not in ALL_SECTIONS:
        raise ValidationError({"section": _("Unknown section.")})
    if not policies.can_add_note(actor, case, section):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": _("The note is empty.")})
    note = _note_create(case=case, actor=actor, section=section, body=body)
    audit_record(actor=actor, action="note.create", obj=note, case_id=case.pk, detail={"section": section})
    return note


# --- Consent -----------------------------------------------------------------------------------


def consents_from_choices(choices: dict) -> list[dict]:
    """The intake's plain choices as consent records: per agency type, referral + sections +
    contact as she chose, and statistics if she agreed."""
    common = {
        "method": choices["method"],
        "given_by": choices["given_by"],
        "guardian_name": choices.get("guardian_name", ""),
        "best_interest_reason": choices.get("best_interest_reason", ""),
        "expires_on": choices.get("expires_on"),
        "recipient_region": choices.get("recipient_region"),
    }
    records = []
    for kind in choices.get("referral_kinds") or []:
        records.append({**common, "purpose": Consent.Purpose.REFERRAL, "recipient_kind": kind})
        if choices.get("share_sections"):
            records.append(
                {
                    **common,
                    "purpose": Consent.Purpose.SHARE,
                    "recipient_kind": kind,
                    "sections": list(choices["share_sections"]),
                }
            )
        if choices.get("contact"):
            records.append({**common, "purpose": Consent.Purpose.CONTACT, "recipient_kind": kind})
    if choices.get("statistics"):
        records.append({**common, "purpose": Consent.Purpose.STATISTICS, "recipient_region": None})
    return records


def _consent_create(*, case, actor, data: dict, survivor: Person | None) -> Consent:
    age = age_on(survivor.birth_date, survivor.birth_year, timezone.localdate()) if survivor else None
    given_by = data.get("given_by") or Consent.GivenBy.SURVIVOR
    if age is not None and age < 18 and given_by == Consent.GivenBy.SURVIVOR:
        raise ValidationError(
            {"given_by": _("She is under 18: record her guardian's consent or a best-interest decision.")}
        )
    guardian = data.get("guardian")
    if given_by == Consent.GivenBy.GUARDIAN and guardian is None and data.get("guardian_name"):
        guardian, _w = people.person_create(
            case=case, role=Person.Role.GUARDIAN, data={"given_name": data["guardian_name"]}
        )
    region = data.get("recipient_region")
    region_id = getattr(region, "pk", region) or None
    consent = Consent(
        case=case,
        purpose=data["purpose"],
        recipient_agency=data.get("recipient_agency"),
        recipient_kind=data.get("recipient_kind") or "",
        recipient_region_id=region_id if data.get("recipient_kind") else None,
        sections=sorted(set(data.get("sections") or [])),
        method=data["method"],
        given_by=given_by,
        guardian=guardian,
        best_interest_reason=data.get("best_interest_reason", ""),
        given_on=data.get("given_on") or timezone.localdate(),
        expires_on=data.get("expires_on"),
        recorded_by=actor,
    )
    consent.full_clean(exclude=["case", "recorded_by", "guardian", "recipient_agency"])
    consent.save()
    _event(case, "consent_recorded", actor, section="holder", purpose=consent.purpose)
    return consent


@transaction.atomic
def consent_record(*, actor: User, case: Case, data: dict) -> Consent:
    if not policies.can_record_consent(actor, case):
        raise PermissionDenied
    consent = _consent_create(case=case, actor=actor, data=data, survivor=survivor_of(case))
    policies.access_changed()
    audit_record(
        actor=actor,
        action="consent.record",
        obj=consent,
        case_id=case.pk,
        detail={"purpose": consent.purpose},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, case: Case, consent_id) -> Consent:
    """Withdrawal takes effect at once: the policy checks consent at every read. A consent is
    withdrawn once; a second withdrawal is refused."""
    if not policies.can_record_consent(actor, case):
        raise PermissionDenied
    consent = locked_in_case(consent_qs_select_for_update(), case, consent_id)
    if consent.withdrawn_at is not None:
        raise ValidationError({"consent": _("This consent was already withdrawn.")})
    consent.withdrawn_at, consent.withdrawn_by = timezone.now(), actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    policies.access_changed()
    _event(consent.case, "consent_withdrawn", actor, section="holder", purpose=consent.purpose)
    audit_record(
        actor=actor,
        action="consent.withdraw",
        obj=consent,
        case_id=consent.case_id,
        detail={"purpose": consent.purpose},
    )
    return consent


# --- Emergency access --------------------------------------------------------------------------


@transaction.atomic
def emergency_grant(
    *, actor: User, case: Case, agency, sections: list[str], hours: int, reason: str
) -> CaseShare:
    """A supervisor's exception: access without consent where her life is at risk. Time-limited,
    with a reason, and flagged for review by another supervisor."""
    if not policies.can_grant_emergency(actor, case):
        raise PermissionDenied
    if agency.pk == case.holding_agency_id:
        raise ValidationError({"agency": _("The holding agency already has access.")})
    if not 1 <= hours <= 168:
        raise ValidationError({"hours": _("An emergency grant lasts between 1 and 168 hours.")})
    if len(reason.strip()) < 20:
        raise ValidationError({"reason": _("Explain why her life is at risk (at least 20 characters).")})
    share = CaseShare(
        case=case,
        agency=agency,
        source=CaseShare.Source.EMERGENCY,
        sections=sorted(set(sections) & ALL_SECTIONS),
        reason=reason.strip(),
        granted_by=actor,
        expires_at=timezone.now() + timedelta(hours=hours),
    )
    share.save()
    policies.access_changed()
    _event(case, "emergency_granted", actor, section="holder", agency_id=agency.pk, hours=hours)
    audit_record(
        actor=actor,
        action="case.emergency_grant",
        obj=share,
        case_id=case.pk,
        detail={"agency_id": agency.pk, "hours": hours, "sections": share.sections},
    )
    return share


def _emergency_share(case: Case, share_id) -> CaseShare:
    return locked_in_case(
        case_share_qs_select_for_update().filter(source=CaseShare.Source.EMERGENCY),
        case,
        share_id,
    )


@transaction.atomic
def emergency_revoke(*, actor: User, case: Case, share_id) -> CaseShare:
    if not policies.can_grant_emergency(actor, case):
        raise PermissionDenied
    share = _emergency_share(case, share_id)
    if share.revoked_at is not None:
        raise ValidationError({"share": _("This emergency access was already revoked.")})
    share.revoked_at, share.revoked_by = timezone.now(), actor
    share.save(update_fields=["revoked_at", "revoked_by"])
    policies.access_changed()
    _event(share.case, "emergency_revoked", actor, section="holder")
    audit_record(actor=actor, action="case.emergency_revoke", obj=share, case_id=share.case_id)
    return share


@transaction.atomic
def emergency_review(*, actor: User, case: Case, share_id, note: str, end_access: bool = False) -> CaseShare:
    """Another supervisor's review of a grant; two reviewers at once get one review and a refusal.
    With `end_access` the review also ends the access, in the same step (one decision, not two)."""
    if not policies.can_grant_emergency(actor, case):
        raise PermissionDenied
    share = _emergency_share(case, share_id)
    if not policies.can_review_emergency(actor, share):
        raise PermissionDenied
    if share.reviewed_at is not None:
        raise ValidationError({"note": _("This grant was already reviewed.")})
    share.reviewed_at, share.reviewed_by, share.review_note = timezone.now(), actor, note.strip()
    share.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    _event(share.case, "emergency_reviewed", actor, section="holder")
    audit_record(actor=actor, action="case.emergency_review", obj=share, case_id=share.case_id)
    if end_access and share.revoked_at is None:
        emergency_revoke(actor=actor, case=case, share_id=share.pk)
    from qorgau.notifications.services import notify

    # The supervisor who granted it reads the review's comments on the case page.
    notify(
        users=[share.granted_by],
        kind="emergency_reviewed",
        url=reverse("cases:detail", args=[share.case_id]) + "#sharing",
        params={"number": share.case.number},
        dedupe_key=f"emergency-reviewed:{share.pk}",
    )
    return share


# --- Access requests ---------------------------------------------------------------------------


@transaction.atomic
def access_request_create(*, actor: User, case: Case, reason: str) -> AccessRequest:
    """The requester learned only that the person is known elsewhere; the case stays hidden."""
    if not policies.works_on_cases(actor) or policies.case_access(actor, case).can_view:
        raise PermissionDenied
    request = AccessRequest(
        case=case,
        requested_by=actor,
        requesting_agency_id=policies.agency_id_of(actor),
        reason=reason.strip(),
    )
    request.full_clean(exclude=["case", "requested_by", "requesting_agency"])
    request.save()
    _event(case, "access_requested", actor, section="holder", agency_id=actor.agency_id)
    audit_record(actor=actor, action="access_request.create", obj=request, case_id=case.pk)
    return request


@transaction.atomic
def access_request_answer(*, actor: User, request_id, status: str) -> AccessRequest:
    """The holding agency's supervisor answers once. Anyone else gets the 404 of an unknown id:
    the request must not tell another agency that the case it is about exists."""
    try:
        request = access_request_qs_select_for_update().get(pk=request_id)
    except (AccessRequest.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if not policies.can_answer_access_requests(actor, request.case):
        raise Http404
    if status not in (AccessRequest.Status.ANSWERED, AccessRequest.Status.DECLINED):
        raise ValidationError({"status": _("Unknown answer.")})
    if request.status != AccessRequest.Status.OPEN:
        raise ValidationError({"status": _("This request was already answered.")})
    request.status, request.answered_by, request.answered_at = status, actor, timezone.now()
    request.save(update_fields=["status", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        action="access_request.answer",
        obj=request,
        case_id=request.case_id,
        detail={"status": status},
    )
    return request


# --- Closure and reopening -----------------------------------------------------------------------


@transaction.atomic
def case_close_request(*, actor: User, case: Case, reason: str, note: str = "") -> CaseClosure:
    """A caseworker asks to close the case, with a reason; a supervisor decides."""
    if not policies.can_edit_case(actor, case):
        raise PermissionDenied
    case = case_qs_select_for_update().get(pk=case.pk)  # two requests at once: one waits, then sees the other
    if case.status == Case.Status.CLOSED:
        raise ValidationError({"reason": _("The case is already closed.")})
    if case.closures.filter(status=CaseClosure.Status.REQUESTED).exists():
        raise ValidationError({"reason": _("A closure is already waiting for approval.")})
    if reason not in CaseClosure.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if reason == CaseClosure.Reason.OTHER and len(note.strip()) < 5:
        raise ValidationError({"note": _("Explain the reason.")})
    closure = CaseClosure.objects.create(case=case, reason=reason, note=note.strip(), requested_by=actor)
    _event(case, "closure_requested", actor, reason=reason)
    audit_record(
        actor=actor, action="case.close_request", obj=closure, case_id=case.pk, detail={"reason": reason}
    )
    return closure


# The shortest comment that can say what should change (plans are returned with the same rule).
RETURN_COMMENT_MIN = 10


@transaction.atomic
def case_close_decide(
    *, actor: User, case: Case, closure_id, approve: bool, comment: str = ""
) -> CaseClosure:
    """Approve a closure, or return it to the caseworker with comments that say what is still to
    do; the comments reach her as a general note of the case, its timeline and a notification."""
    if not policies.can_decide_closure(actor, case):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not approve and len(comment) < RETURN_COMMENT_MIN:
        raise ValidationError(
            {
                "comment": _("Write what should change (at least %(n)s characters).")
                % {"n": RETURN_COMMENT_MIN}
            }
        )
    case = case_qs_select_for_update().get(pk=case.pk)
    closure = locked_in_case(case_closure_qs_select_for_update(), case, closure_id)
    if closure.status != CaseClosure.Status.REQUESTED:
        raise ValidationError({"closure": _("This closure was already decided.")})
    if approve and case.referrals.filter(status__in=["sent", "accepted", "in_progress"]).exists():
        raise ValidationError({"closure": _("Referrals are still open: complete or withdraw them first.")})
    closure.status = CaseClosure.Status.APPROVED if approve else CaseClosure.Status.RETURNED
    closure.decided_by, closure.decided_at = actor, timezone.now()
    closure.decision_comment = "" if approve else comment
    closure.save()
    if approve:
        # The locked row's version, not the one read before the lock: a concurrent edit is kept.
        case.status, case.closed_at, case.version = Case.Status.CLOSED, closure.decided_at, case.version + 1
        case.save(update_fields=["status", "closed_at", "version"])
        _event(case, "closure_approved", actor, reason=closure.reason)
        audit_record(actor=actor, action="case.close_approve", obj=closure, case_id=case.pk)
        return closure
    _note_create(
        case=case,
        actor=actor,
        section=Section.GENERAL,
        body=_("Closure returned: %(comment)s") % {"comment": comment},
    )
    _event(case, "closure_returned", actor, reason=closure.reason)
    audit_record(actor=actor, action="case.close_return", obj=closure, case_id=case.pk)
    from qorgau.notifications.services import notify

    notify(
        users=[u for u in (closure.requested_by, case.assigned_to) if u is not None and u.pk != actor.pk],
        kind="closure_returned",
        url=reverse("cases:detail", args=[case.pk]) + "#closure",
        params={"number": case.number},
        dedupe_key=f"closure-returned:{closure.pk}",
    )
    return closure


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    """Reopen a closed case; its history, closures included, stays as it was."""
    case = case_qs_select_for_update().get(pk=case.pk)
    if not policies.can_edit_case(actor, case):
        raise PermissionDenied
    if case.status != Case.Status.CLOSED:
        raise ValidationError({"reason": _("Only a closed case can be reopened.")})
    # Looked up by name: cases does not import the lifecycle app that anonymises cases.
    anonymised = apps.get_model("lifecycle", "AnonymisedCase")
    if anonymised.objects.filter(case_id=case.pk).exists():
        raise ValidationError(
            {"reason": _("This case was anonymised: what identified her is gone. Open a new case instead.")}
        )
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    case.status, case.closed_at, case.version = Case.Status.REOPENED, None, case.version + 1
    case.save(update_fields=["status", "closed_at", "version"])
    _event(case, "case_reopened", actor)
    audit_record(actor=actor, action="case.reopen", obj=case, case_id=case.pk)
    _note_create(
        case=case, actor=actor, section=Section.GENERAL, body=_("Reopened: %(reason)s") % {"reason": reason}
    )
    return case


# --- Outcomes --------------------------------------------------------------------------------------


@transaction.atomic
def case_outcome_record(*, actor, case: Case, kind: str, occurred_on) -> CaseOutcome:
    """Record her death on the case (the holding agency's caseworkers and supervisors)."""
    if not policies.can_record_consent(actor, case):
        raise PermissionDenied
    if kind not in CaseOutcome.Kind.values:
        raise ValidationError({"kind": _("Choose what happened.")})
    if occurred_on is None or occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("Give the date; it cannot be in the future.")})
    if occurred_on < case.opened_at.date() - timedelta(days=366 * 5):
        raise ValidationError({"occurred_on": _("The date is too long before the case was opened.")})
    outcome = CaseOutcome.objects.create(case=case, kind=kind, occurred_on=occurred_on, recorded_by=actor)
    _event(case, "outcome_recorded", actor, outcome=kind)
    audit_record(
        actor=actor, action="case.outcome_record", obj=outcome, case_id=case.pk, detail={"kind": kind}
    )
    return outcome
