"""The intake wizard's state: three steps (who she is, what happened, what she agrees to).

Answers are kept in an IntakeDraft, encrypted like case data, so a caseworker interrupted by a
phone call loses nothing and nothing identifying sits in the session. Each step's raw answers
are stored and validated again when the case is opened, so the rules live only in the forms.
"""

from contextlib import suppress
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext

from qorgau.accounts.models import User
from qorgau.cases import policies, services
from qorgau.cases.classification import age_on, classify
from qorgau.cases.forms import ConsentChoicesForm, IncidentForm, SurvivorForm
from qorgau.cases.models import IntakeDraft
from qorgau.core.audit import audit_record
from qorgau.core.iin import IinError, parse_iin

STEPS = {1: SurvivorForm, 2: IncidentForm, 3: ConsentChoicesForm}
DRAFT_LIFETIME = timedelta(hours=24)


def draft_get(*, actor: User, draft_id) -> IntakeDraft:
    """Only the person who started an intake can continue it, for 24 hours."""
    try:
        draft = IntakeDraft.objects.get(pk=draft_id, owner=actor)
    except (IntakeDraft.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if timezone.now() - draft.updated_at > DRAFT_LIFETIME:
        draft.delete()
        raise Http404
    return draft


@transaction.atomic
def draft_save_step(*, actor: User, draft: IntakeDraft | None, step: int, post) -> IntakeDraft:
    """Keep a step's answers (her identity and account, encrypted); each save is audited."""
    if not policies.can_open_case(actor):
        raise PermissionDenied
    answers = {key: values for key, values in post.lists() if key != "csrfmiddlewaretoken"}
    if draft is None:
        draft = IntakeDraft(owner=actor, agency_id=actor.agency_id, data={})  # type: ignore[misc]  # json
    data = dict(draft.data or {})
    data[str(step)] = answers
    draft.data, draft.step = data, max(draft.step, step + 1)
    draft.save()
    audit_record(actor=actor, action="intake_draft.save", obj=draft, detail={"step": step})
    return draft


@transaction.atomic
def draft_purge(*, now=None) -> int:
    """Erase intake drafts untouched for DRAFT_LIFETIME (they hold her identity and account, and
    an abandoned intake must not keep them). Idempotent: a second run finds nothing."""
    limit = (now or timezone.now()) - DRAFT_LIFETIME
    count, _by_model = IntakeDraft.objects.filter(updated_at__lt=limit).delete()
    if count:
        audit_record(
            actor=None, action="intake_draft.purge", object_type="cases.intakedraft", detail={"count": count}
        )
    return count


def step_data(draft: IntakeDraft | None, step: int) -> MultiValueDict | None:
    if draft is None or str(step) not in (draft.data or {}):
        return None
    return MultiValueDict(draft.data[str(step)])


def bound_form(draft: IntakeDraft, step: int, **kwargs):
    return STEPS[step](step_data(draft, step), **kwargs)


def survivor_age(draft: IntakeDraft) -> int | None:
    """Her age from step 1 (date, year, or the IIN's date), to know whether she is a child."""
    form = bound_form(draft, 1)
    if not form.is_valid():
        return None
    data = form.cleaned_data
    birth_date = data.get("birth_date")
    if not birth_date and not data.get("birth_year") and data.get("iin"):
        try:
            birth_date = parse_iin(data["iin"]).birth_date
        except IinError:
            birth_date = None
    return age_on(birth_date, data.get("birth_year"), timezone.localdate())


def survivor_region_id(draft: IntakeDraft) -> str | None:
    """Her region from step 1 (where she lives), else the intake agency's: the default scope of
    a consent to a type of agency."""
    form = bound_form(draft, 1)
    region = form.cleaned_data.get("region") if form.is_valid() else None
    return region.pk if region else draft.agency.region_id


def consent_step_kwargs(draft: IntakeDraft) -> dict:
    return {"survivor_age": survivor_age(draft), "region_id": survivor_region_id(draft)}


def draft_incident_type(draft: IntakeDraft) -> str | None:
    form = bound_form(draft, 2)
    return classify(form.incident_fields()) if form.is_valid() else None


@transaction.atomic
def draft_open_case(*, actor: User, draft: IntakeDraft):
    """Validate all three steps again and open the case; returns (case, warnings) or the first
    step whose answers are no longer valid (e.g. a date that is now in the future)."""
    survivor_form, incident_form = bound_form(draft, 1), bound_form(draft, 2)
    consent_form = bound_form(draft, 3, **consent_step_kwargs(draft))
    for step, form in ((1, survivor_form), (2, incident_form), (3, consent_form)):
        if not form.is_valid():
            return None, step
    case, warnings = services.case_open(
        actor=actor,
        survivor=survivor_form.identity(),
        case_fields={**survivor_form.case_fields(), "needs": consent_form.cleaned_data.get("needs", [])},
        incident=incident_form.incident_fields(),
        perpetrator=incident_form.perpetrator(),
        account=incident_form.cleaned_data.get("account", ""),
        consents=services.consents_from_choices(consent_form.cleaned_data),
        cyber=incident_form.cyber(),
    )
    draft.delete()
    return (case, warnings), None


CHANNELS = {"call": "call", "sms": "sms", "messenger": "messenger", "email": "call"}


def initial_from_contact_request(*, actor: User, request_id) -> dict:
    """Step 1 filled from a portal contact request the caseworker took, so she is not asked again
    what she already wrote (the read is audited by the portal's selector)."""
    from qorgau.core.phones import PhoneError, normalize_phone
    from qorgau.portal import selectors as portal

    try:
        item = portal.request_get(actor=actor, request_id=request_id)
    except (PermissionDenied, Http404, ValidationError, ValueError):
        return {}
    if item.taken_by_id != actor.pk:
        return {}
    initial = {
        "entry_point": "self_referral",
        "given_name": item.alias or "",
        "region": item.region_id,
        "preferred_language": item.language,
        "contact_channel": CHANNELS.get(item.channel, "call"),
        "contact_times": str(item.get_safe_time_display())
        + ("" if item.may_leave_message else " · " + gettext("do not leave messages")),
    }
    if item.channel != "email" and item.contact:
        with suppress(PhoneError):
            initial["phone"] = normalize_phone(item.contact)
    return initial
