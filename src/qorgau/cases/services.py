"""Every write to a case. Each function checks the policy, writes, adds the timeline entry and the
audit event, all in one transaction; callers pass already form-validated data."""

from contextlib import contextmanager
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.roles import CASE_ROLES
from qorgau.cases import policies
from qorgau.cases.classification import age_on, case_contexts, classify, delay_band
from qorgau.cases.models import (
    ALL_SECTIONS,
    AccessRequest,
    Case,
    CaseClosure,
    CaseCounter,
    CaseEvent,
    CaseShare,
    Consent,
    Incident,
    IncidentPerpetrator,
    Note,
    Section,
)
from qorgau.core.audit import audit_record
from qorgau.core.errors import Conflict
from qorgau.people import services as people
from qorgau.people.models import Person

CASE_FIELDS = (
    "entry_point", "priority", "preferred_language", "contact_channel", "contact_times", "female_staff",
    "interpreter", "interpreter_language", "needs",
)
UPDATABLE_CASE_FIELDS = (*CASE_FIELDS[1:], "status", "assigned_to")


def _event(case, kind: str, actor, *, section: str = "", **params) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, agency_id=getattr(actor, "agency_id", None), section=section, params=params
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
    actor,
    survivor: dict,
    case_fields: dict,
    incident: dict | None = None,
    perpetrator: tuple[str, dict] | None = None,
    account: str = "",
    consents: list[dict] = (),
    assigned_to=None,
) -> tuple[Case, list[str]]:
    """Open a case at the actor's agency: the survivor, the first incident, her account, consent.

    Returns the case and identity warnings (e.g. a birth date that differs from the IIN).
    """
    if not policies.can_open_case(actor):
        raise PermissionDenied
    case = Case(
        number=_next_number(),
        holding_agency_id=actor.agency_id,
        opened_by=actor,
        assigned_to=assigned_to or actor,
        **{k: case_fields[k] for k in CASE_FIELDS if k in case_fields},
    )
    case.full_clean(exclude=["number", "opened_by", "holding_agency"])
    case.save()
    _event(case, "case_opened", actor, entry_point=case.entry_point)
    with _field_prefix("survivor"):
        person, warnings = people.person_create(case=case, role=Person.Role.SURVIVOR, data=survivor)
    if incident is not None:
        with _field_prefix("incident"):
            _incident_create(case=case, actor=actor, fields=incident, perpetrator=perpetrator, survivor=person)
    if account.strip():
        _note_create(case=case, actor=actor, section=Section.GENERAL, body=account, is_account=True)
    for index, data in enumerate(consents):
        with _field_prefix(f"consents.{index}"):
            _consent_create(case=case, actor=actor, data=data, survivor=person)
    audit_record(actor=actor, action="case.open", obj=case, case_id=case.pk,
                 detail={"entry_point": case.entry_point, "consents": len(consents)})
    return case, warnings


# --- Incidents and people ----------------------------------------------------------------------

def _incident_create(*, case, actor, fields: dict, perpetrator, survivor: Person) -> Incident:
    if fields["reported_on"] < fields["occurred_on"]:
        raise ValidationError({"reported_on": _("It cannot have been reported before it happened.")})
    if fields["occurred_on"] > timezone.localdate():
        raise ValidationError({"occurred_on": _("The incident date cannot be in the future.")})
    perpetrators = []
    if perpetrator is not None:
        # Recorded even without a name: the relationship alone decides the case context.
        relationship, identity = perpetrator
        person, _warnings = people.person_create(case=case, role=Person.Role.PERPETRATOR, data=identity)
        perpetrators.append((relationship, person))
    age = age_on(survivor.birth_date, survivor.birth_year, fields["occurred_on"])
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
    _event(case, "incident_recorded", actor, section=Section.GENERAL, gbv_type=gbv_type)
    return incident


@transaction.atomic
def incident_add(*, actor, case: Case, fields: dict, perpetrator=None) -> Incident:
    if not policies.can_edit_case(actor, case):
        raise PermissionDenied
    incident = _incident_create(case=case, actor=actor, fields=fields, perpetrator=perpetrator,
                                survivor=survivor_of(case))
    audit_record(actor=actor, action="incident.create", obj=incident, case_id=case.pk)
    return incident


@transaction.atomic
def person_add(*, actor, case: Case, role: str, data: dict) -> tuple[Person, list[str]]:
    if not policies.can_edit_case(actor, case) or role == Person.Role.SURVIVOR:
        raise PermissionDenied
    person, warnings = people.person_create(case=case, role=role, data=data)
    _event(case, "person_added", actor, section=Section.GENERAL, role=role)
    audit_record(actor=actor, action="person.create", obj=person, case_id=case.pk, detail={"role": role})
    return person, warnings


@transaction.atomic
def person_update(*, actor, person: Person, expected_version: int, data: dict) -> list[str]:
    locked = Person.objects.select_for_update().select_related("case").get(pk=person.pk)
    if not policies.can_edit_case(actor, locked.case):
        raise PermissionDenied
    if locked.version != expected_version:
        raise Conflict
    warnings = people.person_apply(locked, data)
    _event(locked.case, "person_updated", actor, section=Section.GENERAL, role=locked.role)
    audit_record(actor=actor, action="person.update", obj=locked, case_id=locked.case_id,
                 detail={"fields": sorted(data)})
    return warnings


# --- The case itself ---------------------------------------------------------------------------

@transaction.atomic
def case_update(*, actor, case: Case, expected_version: int, changes: dict) -> Case:
    """Change status, priority, assignment or her preferences; refuses a stale version."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not policies.can_edit_case(actor, locked):
        raise PermissionDenied
    if locked.version != expected_version:
        raise Conflict
    unknown = set(changes) - set(UPDATABLE_CASE_FIELDS)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    assignee = changes.get("assigned_to")
    if assignee is not None and (assignee.agency_id != locked.holding_agency_id or not assignee.roles & CASE_ROLES):
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
    note = Note(case=case, section=section, body=body.strip(), author=actor, agency_id=actor.agency_id,
                is_account=is_account)
    note.full_clean(exclude=["case", "author", "agency"])
    note.save()
    _event(case, "account_recorded" if is_account else "note_added", actor, section=section)
    return note


@transaction.atomic
def note_add(*, actor, case: Case, section: str, body: str) -> Note:
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
    }
    records = []
    for kind in choices.get("referral_kinds") or []:
        records.append({**common, "purpose": Consent.Purpose.REFERRAL, "recipient_kind": kind})
        if choices.get("share_sections"):
            records.append({**common, "purpose": Consent.Purpose.SHARE, "recipient_kind": kind,
                            "sections": list(choices["share_sections"])})
        if choices.get("contact"):
            records.append({**common, "purpose": Consent.Purpose.CONTACT, "recipient_kind": kind})
    if choices.get("statistics"):
        records.append({**common, "purpose": Consent.Purpose.STATISTICS})
    return records


def _consent_create(*, case, actor, data: dict, survivor: Person) -> Consent:
    age = age_on(survivor.birth_date, survivor.birth_year, timezone.localdate()) if survivor else None
    given_by = data.get("given_by") or Consent.GivenBy.SURVIVOR
    if age is not None and age < 18 and given_by == Consent.GivenBy.SURVIVOR:
        raise ValidationError({"given_by": _("She is under 18: record her guardian's consent or a best-interest decision.")})
    guardian = data.get("guardian")
    if given_by == Consent.GivenBy.GUARDIAN and guardian is None and data.get("guardian_name"):
        guardian, _w = people.person_create(case=case, role=Person.Role.GUARDIAN,
                                            data={"given_name": data["guardian_name"]})
    consent = Consent(
        case=case,
        purpose=data["purpose"],
        recipient_agency=data.get("recipient_agency"),
        recipient_kind=data.get("recipient_kind") or "",
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
def consent_record(*, actor, case: Case, data: dict) -> Consent:
    if not policies.can_record_consent(actor, case):
        raise PermissionDenied
    consent = _consent_create(case=case, actor=actor, data=data, survivor=survivor_of(case))
    audit_record(actor=actor, action="consent.record", obj=consent, case_id=case.pk,
                 detail={"purpose": consent.purpose})
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent) -> Consent:
    """Withdrawal takes effect at once: the policy checks consent at every read."""
    consent = Consent.objects.select_for_update().select_related("case").get(pk=consent.pk)
    if not policies.can_record_consent(actor, consent.case):
        raise PermissionDenied
    if consent.withdrawn_at is None:
        consent.withdrawn_at, consent.withdrawn_by = timezone.now(), actor
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        _event(consent.case, "consent_withdrawn", actor, section="holder", purpose=consent.purpose)
        audit_record(actor=actor, action="consent.withdraw", obj=consent, case_id=consent.case_id,
                     detail={"purpose": consent.purpose})
    return consent


# --- Emergency access --------------------------------------------------------------------------

@transaction.atomic
def emergency_grant(*, actor, case: Case, agency, sections: list[str], hours: int, reason: str) -> CaseShare:
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
        case=case, agency=agency, source=CaseShare.Source.EMERGENCY, sections=sorted(set(sections) & ALL_SECTIONS),
        reason=reason.strip(), granted_by=actor, expires_at=timezone.now() + timedelta(hours=hours),
    )
    share.save()
    _event(case, "emergency_granted", actor, section="holder", agency_id=agency.pk, hours=hours)
    audit_record(actor=actor, action="case.emergency_grant", obj=share, case_id=case.pk,
                 detail={"agency_id": agency.pk, "hours": hours, "sections": share.sections})
    return share


@transaction.atomic
def emergency_revoke(*, actor, share: CaseShare) -> CaseShare:
    if not policies.can_grant_emergency(actor, share.case):
        raise PermissionDenied
    if share.revoked_at is None:
        share.revoked_at, share.revoked_by = timezone.now(), actor
        share.save(update_fields=["revoked_at", "revoked_by"])
        _event(share.case, "emergency_revoked", actor, section="holder")
        audit_record(actor=actor, action="case.emergency_revoke", obj=share, case_id=share.case_id)
    return share


@transaction.atomic
def emergency_review(*, actor, share: CaseShare, note: str) -> CaseShare:
    if not policies.can_review_emergency(actor, share):
        raise PermissionDenied
    if share.reviewed_at is not None:
        raise ValidationError({"note": _("This grant was already reviewed.")})
    share.reviewed_at, share.reviewed_by, share.review_note = timezone.now(), actor, note.strip()
    share.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    _event(share.case, "emergency_reviewed", actor, section="holder")
    audit_record(actor=actor, action="case.emergency_review", obj=share, case_id=share.case_id)
    return share


# --- Access requests ---------------------------------------------------------------------------

@transaction.atomic
def access_request_create(*, actor, case: Case, reason: str) -> AccessRequest:
    """The requester learned only that the person is known elsewhere; the case stays hidden."""
    if not policies.works_on_cases(actor) or policies.case_access(actor, case).can_view:
        raise PermissionDenied
    request = AccessRequest(case=case, requested_by=actor, requesting_agency_id=actor.agency_id,
                            reason=reason.strip())
    request.full_clean(exclude=["case", "requested_by", "requesting_agency"])
    request.save()
    _event(case, "access_requested", actor, section="holder", agency_id=actor.agency_id)
    audit_record(actor=actor, action="access_request.create", obj=request, case_id=case.pk)
    return request


@transaction.atomic
def access_request_answer(*, actor, request: AccessRequest, status: str) -> AccessRequest:
    if not policies.can_answer_access_requests(actor, request.case):
        raise PermissionDenied
    if status not in (AccessRequest.Status.ANSWERED, AccessRequest.Status.DECLINED):
        raise ValidationError({"status": _("Unknown answer.")})
    request.status, request.answered_by, request.answered_at = status, actor, timezone.now()
    request.save(update_fields=["status", "answered_by", "answered_at"])
    audit_record(actor=actor, action="access_request.answer", obj=request, case_id=request.case_id,
                 detail={"status": status})
    return request


# --- Closure and reopening -----------------------------------------------------------------------

@transaction.atomic
def case_close_request(*, actor, case: Case, reason: str, note: str = "") -> CaseClosure:
    """A caseworker asks to close the case, with a reason; a supervisor decides."""
    if not policies.can_edit_case(actor, case):
        raise PermissionDenied
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
    audit_record(actor=actor, action="case.close_request", obj=closure, case_id=case.pk, detail={"reason": reason})
    return closure


@transaction.atomic
def case_close_decide(*, actor, closure: CaseClosure, approve: bool) -> CaseClosure:
    closure = CaseClosure.objects.select_for_update().select_related("case").get(pk=closure.pk)
    case = closure.case
    if not (policies.case_access(actor, case).is_holder and actor.has_role("supervisor")):
        raise PermissionDenied
    if closure.status != CaseClosure.Status.REQUESTED:
        raise ValidationError({"closure": _("This closure was already decided.")})
    if approve and case.referrals.filter(status__in=["sent", "accepted", "in_progress"]).exists():
        raise ValidationError({"closure": _("Referrals are still open: complete or withdraw them first.")})
    closure.status = CaseClosure.Status.APPROVED if approve else CaseClosure.Status.REJECTED
    closure.decided_by, closure.decided_at = actor, timezone.now()
    closure.save()
    if approve:
        Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=closure.decided_at,
                                               version=case.version + 1)
    _event(case, "closure_approved" if approve else "closure_rejected", actor, reason=closure.reason)
    audit_record(actor=actor, action="case.close_approve" if approve else "case.close_reject", obj=closure,
                 case_id=case.pk)
    return closure


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    """Reopen a closed case; its history, closures included, stays as it was."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not policies.can_edit_case(actor, case):
        raise PermissionDenied
    if case.status != Case.Status.CLOSED:
        raise ValidationError({"reason": _("Only a closed case can be reopened.")})
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    case.status, case.closed_at, case.version = Case.Status.REOPENED, None, case.version + 1
    case.save(update_fields=["status", "closed_at", "version"])
    _event(case, "case_reopened", actor)
    audit_record(actor=actor, action="case.reopen", obj=case, case_id=case.pk)
    _note_create(case=case, actor=actor, section=Section.GENERAL, body=_("Reopened: %(reason)s") % {"reason": reason})
    return case
