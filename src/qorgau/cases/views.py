"""Case screens: dashboard panels, list and search, the intake wizard, the case page. Thin views:
they parse input, call a selector or a service, and render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
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
    IncidentCyberForm,
    IncidentForm,
    NoteForm,
    PersonEditForm,
    PersonForm,
    ReviewForm,
    SearchForm,
)
from qorgau.cases.timeline import timeline_entries
from qorgau.core.errors import Conflict
from qorgau.core.forms import apply_errors, back_from_decision, kept_form, page_form_action
from qorgau.core.i18n import LANGUAGE_CODES, current_language
from qorgau.people.policies import mark_intake_open
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
    cases = selectors.case_list(
        actor=request.user,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        mine=filters.get("mine", False),
        sort=_list_sort(filters.get("sort", "")),
        filters=form.list_filters(),
    )
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "cases": cases,
            "searched": bool(filters.get("q")),
            "columns": extensions.LIST_COLUMNS,
        },
    )


def _list_sort(sort: str) -> str:
    """The risk level sorts highest first; every other column ascending (next due: soonest)."""
    return "-risk" if sort == "risk" else sort


# --- Intake wizard -------------------------------------------------------------------------------


def intake_step(request, draft_id=None, step=1):
    _require_case_worker(request)
    mark_intake_open(request.session)  # candidates may be searched while an intake is open
    draft = intake.draft_get(actor=request.user, draft_id=draft_id) if draft_id else None
    if step not in intake.STEPS or (draft is None and step != 1) or (draft and step > draft.step):
        raise Http404
    kwargs = intake.consent_step_kwargs(draft) if step == 3 and draft else {}
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
            initial.update(
                intake.initial_from_contact_request(
                    actor=request.user, request_id=request.GET["contact_request"]
                )
            )
        form = (
            intake.bound_form(draft, step, **kwargs)
            if draft and intake.step_data(draft, step)
            else intake.STEPS[step](initial=initial, **kwargs)
        )
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
    from qorgau.people.views import step_candidates

    form = intake.bound_form(draft, 1)
    if not form.is_valid():
        return []
    return step_candidates(request, draft=draft, cleaned=form.cleaned_data)


def _preview_windows(incident_form):
    from qorgau.cases.care import care_windows
    from qorgau.cases.models import Incident

    fields = incident_form.incident_fields()
    preview = Incident(
        occurred_on=fields["occurred_on"],
        occurred_at_time=fields["occurred_at_time"],
        date_is_approximate=fields["date_is_approximate"],
        gbv_type=intake.classify(fields),
    )
    return care_windows(preview)


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
    return redirect(
        request.POST.get("back") if request.POST.get("back", "").startswith("/cases/") else "cases:list"
    )


# --- The case page --------------------------------------------------------------------------------


def case_detail(request, case_id):
    detail = selectors.case_detail(actor=request.user, case_id=case_id)
    case, access = detail.case, detail.access
    context = {
        "d": detail,
        "timeline": timeline_entries(selectors.case_timeline(actor=request.user, case=case, access=access)),
        "note_form": kept_form(request, "note_form")
        or NoteForm(initial={"section": next(iter(sorted(access.sections)), "general")}),
        "note_sections": [
            (s, label) for s, label in NoteForm.base_fields["section"].choices if access.sees(s)
        ],
        "can_edit": access.is_holder,
        # The policy's answers for this case were decided once in `case_detail` (memoised).
        "can_consent": policies.can_record_consent(request.user, case),
        "can_grant": policies.can_grant_emergency(request.user, case),
        "can_see_log": policies.can_see_access_log(request.user, case),
        "sections": extensions.case_sections(request, detail),
        "badges": extensions.case_badges(request, detail),
        "print_languages": PRINT_LANGUAGES,
    }
    context["review_form"] = kept_form(request, "review_form")
    # The consent and emergency forms (hundreds of agency options) are fetched when opened; one
    # the server refused comes back inline, with what was typed and the errors beside it.
    if context["can_consent"] and (kept := kept_form(request, "consent_form")):
        context["consent_form"] = kept
    if context["can_grant"] and (kept := kept_form(request, "grant_form")):
        context["grant_form"] = kept
    if access.is_holder:
        context["person_form"] = PersonForm()
    return render(request, "cases/detail.html", context)


def case_edit(request, case_id):
    case, access = selectors.case_get(actor=request.user, case_id=case_id, purpose="edit")
    if not access.is_holder:
        raise PermissionDenied
    initial = {
        f: getattr(case, f)
        for f in (
            "status",
            "priority",
            "preferred_language",
            "contact_channel",
            "contact_times",
            "female_staff",
            "interpreter",
            "interpreter_language",
            "needs",
        )
    }
    initial.update(version=case.version, assigned_to=case.assigned_to_id)
    form = CaseUpdateForm(request.POST or None, initial=initial, agency=case.holding_agency)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.case_update(
                actor=request.user, case=case, expected_version=form.cleaned_data["version"], changes=changes
            )
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
    refused = page_form_action(
        request,
        NoteForm(request.POST),
        lambda data: services.note_add(actor=request.user, case=case, **data),
        _("The note was added."),
        failed=_("The note was not saved: %(errors)s"),
        name="note_form",
        page=lambda: case_detail(request, case.pk),
    )
    return refused or redirect(reverse("cases:detail", args=[case.pk]) + "#notes")


@require_POST
def consent_record(request, case_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="consent")
    form = ConsentForm(
        request.POST,
        survivor_age=services.survivor_age_today(case),
        holder_id=case.holding_agency_id,
        region_id=selectors.case_region_id(case=case),
    )
    refused = page_form_action(
        request,
        form,
        lambda data: services.consent_record(actor=request.user, case=case, data=data),
        _("The consent was recorded."),
        failed=_("The consent was not recorded: %(errors)s"),
        name="consent_form",
        page=lambda: case_detail(request, case.pk),
    )
    return refused or redirect(reverse("cases:detail", args=[case.pk]) + "#consent")


def on_demand_form(request, case, *, form, action, title, submit, notice="", danger=False):
    """A form of the case page sent only when it is opened (htmx swaps the fragment into its
    <details>; without JavaScript the link opens it as a page). The case page does not render
    the hundreds of options these forms carry for every reader."""
    context = {
        "case": case,
        "form": form,
        "action": action,
        "title": title,
        "submit": submit,
        "notice": notice,
        "danger": danger,
    }
    template = (
        "cases/_on_demand_form.html" if request.headers.get("HX-Request") else "cases/on_demand_form.html"
    )
    return render(request, template, context)


def consent_form(request, case_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="consent")
    if not policies.can_record_consent(request.user, case):
        raise PermissionDenied
    return on_demand_form(
        request,
        case,
        form=ConsentForm(
            survivor_age=services.survivor_age_today(case),
            holder_id=case.holding_agency_id,
            region_id=selectors.case_region_id(case=case),
        ),
        action=reverse("cases:consent_record", args=[case.pk]),
        title=_("Record consent"),
        submit=_("Record consent"),
    )


def emergency_form(request, case_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="emergency")
    if not policies.can_grant_emergency(request.user, case):
        raise PermissionDenied
    return on_demand_form(
        request,
        case,
        form=EmergencyGrantForm(
            holder_id=case.holding_agency_id, region_id=selectors.case_region_id(case=case)
        ),
        action=reverse("cases:emergency_grant", args=[case.pk]),
        title=_("Emergency access without consent"),
        submit=_("Grant emergency access"),
        danger=True,
    )


@require_POST
def consent_withdraw(request, case_id, consent_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="consent")
    try:
        services.consent_withdraw(actor=request.user, case=case, consent_id=consent_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The consent was withdrawn. Access based on it has ended."))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#consent")


def person_add(request, case_id):
    case, access = selectors.case_get(actor=request.user, case_id=case_id, purpose="person")
    if not access.is_holder:
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _person, warnings = services.person_add(
                actor=request.user, case=case, role=form.cleaned_data["role"], data=form.identity()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            for warning in warning_messages(warnings):
                messages.warning(request, warning)
            messages.success(request, _("The person was added."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#people")
    return render(request, "cases/person_form.html", {"form": form, "case": case, "person": None})


def person_edit(request, case_id, person_id):
    case, access, person = selectors.person_get(actor=request.user, case_id=case_id, person_id=person_id)
    if not access.is_holder:
        raise PermissionDenied
    initial = {
        "family_name": person.family_name,
        "given_name": person.given_name,
        "patronymic": person.patronymic,
        "other_names": ", ".join(person.other_names or []),
        "sex": person.sex,
        "birth_date": person.birth_date,
        "birth_year": person.birth_year,
        "iin": person.iin,
        "phone": (person.phones or [""])[0],
        "address": person.address,
        "version": person.version,
    }
    form = PersonEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            warnings = services.person_update(
                actor=request.user,
                case=case,
                person_id=person.id,
                expected_version=form.cleaned_data["version"],
                data=form.identity(),
            )
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
    return render(
        request, "cases/person_form.html", {"form": form, "case": case, "person": person}, status=status
    )


def incident_add(request, case_id):
    case, access = selectors.case_get(actor=request.user, case_id=case_id, purpose="incident")
    if not access.is_holder:
        raise PermissionDenied
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_add(
                actor=request.user,
                case=case,
                fields=form.incident_fields(),
                perpetrator=form.perpetrator(),
                account=form.cleaned_data.get("account", ""),
                cyber=form.cyber(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The incident was recorded."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#incidents")
    return render(request, "cases/incident_form.html", {"form": form, "case": case})


def incident_cyber(request, case_id, incident_id):
    """The kinds of cyber-violence and the accounts involved in a recorded incident."""
    case, incident, view = selectors.incident_cyber_get(
        actor=request.user, case_id=case_id, incident_id=incident_id
    )
    initial: dict = {"version": view.version, "cyber_subtypes": view.codes}
    for row, account in enumerate(view.accounts[: IncidentCyberForm.ACCOUNT_ROWS], start=1):
        initial.update(
            {
                f"account_{row}_platform": account.platform,
                f"account_{row}_handle": account.handle or "",
                f"account_{row}_owner": account.owner,
            }
        )
    form = IncidentCyberForm(request.POST or None, initial=initial)
    context = {"form": form, "case": case, "incident": incident}
    if request.method == "POST" and form.is_valid():
        cyber = form.cyber()
        try:
            services.incident_cyber_update(
                actor=request.user,
                case=case,
                incident_id=incident.pk,
                expected_version=form.cleaned_data["version"],
                subtypes=cyber["subtypes"],
                accounts=cyber["accounts"],
            )
        except Conflict as exc:
            form.add_error(None, exc.message)
            return render(request, "cases/incident_cyber.html", context, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#incidents")
    return render(request, "cases/incident_cyber.html", context)


# --- Emergency access ----------------------------------------------------------------------------


@require_POST
def emergency_grant(request, case_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="emergency")
    form = EmergencyGrantForm(
        request.POST, holder_id=case.holding_agency_id, region_id=selectors.case_region_id(case=case)
    )
    refused = page_form_action(
        request,
        form,
        lambda data: services.emergency_grant(actor=request.user, case=case, **data),
        _("Emergency access granted. Another supervisor must review it."),
        failed=_("Emergency access was not granted: %(errors)s"),
        name="grant_form",
        page=lambda: case_detail(request, case.pk),
    )
    return refused or redirect(reverse("cases:detail", args=[case.pk]) + "#sharing")


@require_POST
def emergency_revoke(request, case_id, share_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="emergency")
    try:
        services.emergency_revoke(actor=request.user, case=case, share_id=share_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Emergency access was revoked."))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#sharing")


@require_POST
def emergency_review(request, case_id, share_id):
    case, _access = selectors.case_get(actor=request.user, case_id=case_id, purpose="emergency")
    form = ReviewForm(request.POST)
    form.share_id = share_id
    refused = page_form_action(
        request,
        form,
        lambda data: services.emergency_review(
            actor=request.user, case=case, share_id=share_id, note=data["note"], end_access=data["end_access"]
        ),
        _("The review was recorded and the access ended.")
        if request.POST.get("end_access")
        else _("The review was recorded."),
        failed=_("Write a short review note."),
        name="review_form",
        page=lambda: case_detail(request, case.pk),
    )
    return refused or back_from_decision(request, reverse("cases:detail", args=[case.pk]) + "#sharing")


def access_log(request, case_id):
    case, events = selectors.case_access_log(actor=request.user, case_id=case_id)
    return render(request, "cases/access_log.html", {"case": case, "events": events})


# Each language named in itself, as on the safety plan's print buttons.
PRINT_LANGUAGES = (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English"))


def case_summary_pdf(request, case_id):
    """The printable summary in ?lang= (kk, ru, en; the page's language otherwise). Recorded as an
    export of the case; the file name is the case number, never her name."""
    lang = request.GET.get("lang", "")
    lang = lang if lang in LANGUAGE_CODES else current_language()
    case, pdf = selectors.case_summary_print(actor=request.user, case_id=case_id, lang=lang)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.number}-{lang}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def access_request_answer(request, request_id):
    try:
        services.access_request_answer(
            actor=request.user, request_id=request_id, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The request was marked as answered."))
    return redirect("core:home")
