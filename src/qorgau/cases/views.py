"""Case screens: dashboard panels, list and search, the intake wizard, the case page. Thin views:
they parse input, call a selector or a service, and render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgau.cases import extensions, intake, policies, selectors, services
from qorgau.cases.classification import SEXUAL_TYPES
from qorgau.cases.forms import (
    AccessRequestForm,
    CaseUpdateForm,
    ConsentForm,
    EmergencyGrantForm,
    IncidentForm,
    NoteForm,
    PersonEditForm,
    PersonForm,
    ReviewForm,
    SearchForm,
)
from qorgau.cases.models import AccessRequest, CaseShare, Consent
from qorgau.cases.timeline import timeline_entries
from qorgau.core.errors import Conflict
from qorgau.core.forms import apply_errors, form_action
from qorgau.people.models import Person
from qorgau.people.services import warning_messages


def _require_case_worker(request):
    if not policies.works_on_cases(request.user):
        raise PermissionDenied


# --- List and search ---------------------------------------------------------------------------

def case_list(request):
    """The list, and search. A search is POSTed: IINs, phones and names must never appear in an
    address, where browser history and server logs would keep them."""
    _require_case_worker(request)
    data = request.POST if request.method == "POST" else request.GET.copy()
    if request.method != "POST":
        data.pop("q", None)
    form = SearchForm(data or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = selectors.case_list(actor=request.user, q=filters.get("q", ""), status=filters.get("status", ""),
                                mine=filters.get("mine", False))
    return render(request, "cases/list.html", {"form": form, "cases": cases, "searched": bool(filters.get("q"))})


# --- Intake wizard -------------------------------------------------------------------------------

def intake_step(request, draft_id=None, step=1):
    _require_case_worker(request)
    draft = intake.draft_get(actor=request.user, draft_id=draft_id) if draft_id else None
    if step not in intake.STEPS or (draft is None and step != 1) or (draft and step > draft.step):
        raise Http404
    kwargs = {"survivor_age": intake.survivor_age(draft)} if step == 3 else {}
    if request.method == "POST":
        form = intake.STEPS[step](request.POST, **kwargs)
        if form.is_valid():
            draft = intake.draft_save_step(actor=request.user, draft=draft, step=step, post=request.POST)
            if step < 3:
                return redirect("cases:intake_step", draft_id=draft.pk, step=step + 1)
            result, bad_step = intake.draft_open_case(actor=request.user, draft=draft)
            if bad_step:
                messages.error(request, _("Some answers need checking again."))
                return redirect("cases:intake_step", draft_id=draft.pk, step=bad_step)
            case, warnings = result
            messages.success(request, _("Case %(number)s is open.") % {"number": case.number})
            for warning in warning_messages(warnings):
                messages.warning(request, warning)
            return redirect("cases:detail", case_id=case.pk)
    else:
        initial = {"region": request.user.agency.region_id} if step == 1 else {}
        if step == 1 and draft is None and request.GET.get("contact_request"):
            initial.update(intake.initial_from_contact_request(actor=request.user,
                                                               request_id=request.GET["contact_request"]))
        form = intake.bound_form(draft, step, **kwargs) if draft and intake.step_data(draft, step) else \
            intake.STEPS[step](initial=initial, **kwargs)
        if draft and intake.step_data(draft, step):
            form.is_valid()  # show stored answers with their current errors, if any
    context = {"form": form, "step": step, "draft": draft, "steps": [1, 2, 3]}
    if step == 2 and draft:
        context["matches"] = _identity_matches(request, draft)
    if step == 3 and draft:
        context["sexual_violence"] = intake.draft_incident_type(draft) in SEXUAL_TYPES
        context["survivor_age"] = kwargs["survivor_age"]
        incident_form = intake.bound_form(draft, 2)
        if context["sexual_violence"] and incident_form.is_valid():
            context["windows"] = _preview_windows(incident_form)
    return render(request, "cases/intake.html", context)


def _identity_matches(request, draft):
    form = intake.bound_form(draft, 1)
    if not form.is_valid():
        return []
    data = form.cleaned_data
    return selectors.identity_matches(actor=request.user, iin=data.get("iin", ""), phone=data.get("phone", ""))


def _preview_windows(incident_form):
    from qorgau.cases.care import care_windows
    from qorgau.cases.models import Incident

    fields = incident_form.incident_fields()
    preview = Incident(occurred_on=fields["occurred_on"], occurred_at_time=fields["occurred_at_time"],
                       date_is_approximate=fields["date_is_approximate"],
                       gbv_type=intake.classify(fields))
    return care_windows(preview)


@require_POST
def identity_check(request):
    """htmx: warn while the caseworker types an IIN or phone at intake (nothing is saved)."""
    _require_case_worker(request)
    iin, phone = request.POST.get("iin", "")[:20], request.POST.get("phone", "")[:32]
    matches = selectors.identity_matches(actor=request.user, iin=iin, phone=phone) if (iin or phone) else []
    return render(request, "cases/_identity_matches.html", {"matches": matches, "live": True})


@require_POST
def access_request_create(request):
    _require_case_worker(request)
    case = selectors.match_token_case(actor=request.user, token=request.POST.get("token", ""))
    form = AccessRequestForm(request.POST)
    if form.is_valid():
        services.access_request_create(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your request was sent. The agency that knows her will contact you."))
    else:
        messages.error(request, _("Say why you need access (at least 10 characters)."))
    return redirect(request.POST.get("back") if request.POST.get("back", "").startswith("/cases/") else "cases:list")


# --- The case page --------------------------------------------------------------------------------

def case_detail(request, case_id):
    detail = selectors.case_detail(actor=request.user, case_id=case_id)
    case, access = detail.case, detail.access
    context = {
        "d": detail,
        "timeline": timeline_entries(selectors.case_timeline(actor=request.user, case=case, access=access)),
        "note_form": NoteForm(initial={"section": next(iter(sorted(access.sections)), "general")}),
        "note_sections": [(s, label) for s, label in NoteForm.base_fields["section"].choices if access.sees(s)],
        "can_edit": access.is_holder,
        "can_consent": policies.can_record_consent(request.user, case),
        "can_grant": policies.can_grant_emergency(request.user, case),
        "can_see_log": policies.can_see_access_log(request.user, case),
        "sections": extensions.case_sections(request, detail),
        "badges": extensions.case_badges(request, detail),
    }
    if context["can_consent"]:
        context["consent_form"] = ConsentForm(survivor_age=detail.survivor.age if detail.survivor else None)
    if context["can_grant"]:
        context["grant_form"] = EmergencyGrantForm()
    if access.is_holder:
        context["person_form"] = PersonForm()
    return render(request, "cases/detail.html", context)


def case_edit(request, case_id):
    case, access = selectors.case_get(actor=request.user, case_id=case_id, purpose="edit")
    if not access.is_holder:
        raise PermissionDenied
    initial = {f: getattr(case, f) for f in ("status", "priority", "preferred_language", "contact_channel",
                                              "contact_times", "female_staff", "interpreter",
                                              "interpreter_language", "needs")}
    initial.update(version=case.version, assigned_to=case.assigned_to_id)
    form = CaseUpdateForm(request.POST or None, initial=initial, agency=case.holding_agency)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.case_update(actor=request.user, case=case, expected_version=form.cleaned_data["version"],
                                 changes=changes)
        except Conflict as exc:
            form.add_error(None, exc.message)
            return render(request, "cases/edit.html", {"form": form, "case": case}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The case was saved."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/edit.html", {"form": form, "case": case})


@require_POST
def note_add(request, case_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="note")
    form_action(request, NoteForm(request.POST), lambda data: services.note_add(actor=request.user, case=case, **data),
                _("The note was added."), failed=_("The note was not saved: %(errors)s"))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#notes")


@require_POST
def consent_record(request, case_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="consent")
    form = ConsentForm(request.POST, survivor_age=services.survivor_age_today(case))
    form_action(request, form, lambda data: services.consent_record(actor=request.user, case=case, data=data),
                _("The consent was recorded."), failed=_("The consent was not recorded: %(errors)s"))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#consent")


@require_POST
def consent_withdraw(request, case_id, consent_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="consent")
    consent = get_object_or_404(Consent, pk=consent_id, case=case)
    services.consent_withdraw(actor=request.user, consent=consent)
    messages.success(request, _("The consent was withdrawn. Access based on it has ended."))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#consent")


def person_add(request, case_id):
    case, access = selectors.case_get(actor=request.user, case_id=case_id, purpose="person")
    if not access.is_holder:
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _person, warnings = services.person_add(actor=request.user, case=case, role=form.cleaned_data["role"],
                                                    data=form.identity())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            for warning in warning_messages(warnings):
                messages.warning(request, warning)
            messages.success(request, _("The person was added."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#people")
    return render(request, "cases/person_form.html", {"form": form, "case": case, "person": None})


def person_edit(request, case_id, person_id):
    case, access = selectors.case_get(actor=request.user, case_id=case_id, purpose="person")
    if not access.is_holder:
        raise PermissionDenied
    person = get_object_or_404(Person, pk=person_id, case=case)
    initial = {
        "family_name": person.family_name, "given_name": person.given_name, "patronymic": person.patronymic,
        "other_names": ", ".join(person.other_names or []), "sex": person.sex, "birth_date": person.birth_date,
        "birth_year": person.birth_year, "iin": person.iin, "phone": (person.phones or [""])[0],
        "address": person.address, "version": person.version,
    }
    form = PersonEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            warnings = services.person_update(actor=request.user, person=person,
                                              expected_version=form.cleaned_data["version"], data=form.identity())
        except Conflict as exc:
            form.add_error(None, exc.message)
            status = 409
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            for warning in warning_messages(warnings):
                messages.warning(request, warning)
            messages.success(request, _("The changes were saved."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#people")
    return render(request, "cases/person_form.html", {"form": form, "case": case, "person": person}, status=status)


def incident_add(request, case_id):
    case, access = selectors.case_get(actor=request.user, case_id=case_id, purpose="incident")
    if not access.is_holder:
        raise PermissionDenied
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_add(actor=request.user, case=case, fields=form.incident_fields(),
                                  perpetrator=form.perpetrator())
            if form.cleaned_data.get("account"):
                services.note_add(actor=request.user, case=case, section="general", body=form.cleaned_data["account"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The incident was recorded."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#incidents")
    return render(request, "cases/incident_form.html", {"form": form, "case": case})


# --- Emergency access ----------------------------------------------------------------------------

@require_POST
def emergency_grant(request, case_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="emergency")
    form_action(request, EmergencyGrantForm(request.POST),
                lambda data: services.emergency_grant(actor=request.user, case=case, **data),
                _("Emergency access granted. Another supervisor must review it."),
                failed=_("Emergency access was not granted: %(errors)s"))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#sharing")


@require_POST
def emergency_revoke(request, case_id, share_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="emergency")
    share = get_object_or_404(CaseShare, pk=share_id, case=case, source=CaseShare.Source.EMERGENCY)
    services.emergency_revoke(actor=request.user, share=share)
    messages.success(request, _("Emergency access was revoked."))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#sharing")


@require_POST
def emergency_review(request, case_id, share_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="emergency")
    share = get_object_or_404(CaseShare, pk=share_id, case=case, source=CaseShare.Source.EMERGENCY)
    form_action(request, ReviewForm(request.POST),
                lambda data: services.emergency_review(actor=request.user, share=share, note=data["note"]),
                _("The review was recorded."), failed=_("Write a short review note."))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#sharing")


def access_log(request, case_id):
    case, events = selectors.case_access_log(actor=request.user, case_id=case_id)
    return render(request, "cases/access_log.html", {"case": case, "events": events})


@require_POST
def access_request_answer(request, request_id):
    access_request = get_object_or_404(AccessRequest, pk=request_id)
    services.access_request_answer(actor=request.user, request=access_request, status=request.POST.get("status", ""))
    messages.success(request, _("The request was marked as answered."))
    return redirect("core:home")
