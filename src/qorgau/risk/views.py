"""Risk screens: assessing, the explanation, the safety plan and its discreet PDF, the referral to
the risk conference, and the conference itself. Thin views: parse, call a selector or a service,
render. Forms with errors are shown again with everything typed kept."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgau.core.errors import Conflict
from qorgau.core.forms import apply_errors, page_form_action
from qorgau.core.i18n import LANGUAGE_CODES, current_language
from qorgau.risk import policies, selectors, services
from qorgau.risk.engine import evaluate, judgement_choices
from qorgau.risk.forms import (
    ActionForm,
    ActionStatusForm,
    AgendaAddForm,
    AssessmentForm,
    ConferenceEditForm,
    ConferenceForm,
    ContributionForm,
    MinutesForm,
    ReferralForm,
    SafetyPlanForm,
    SurvivorViewForm,
)
from qorgau.risk.loader import InstrumentError, available_instruments, get_instrument
from qorgau.risk.models import ConferenceAction  # its status choices only

DEFAULT_INSTRUMENT = "checklist-24"


def _case_url(case, anchor="risk"):
    return reverse("cases:detail", args=[case.pk]) + f"#{anchor}"


def _errors_text(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- Assessing ---------------------------------------------------------------------------------------


def _instrument(request, fallback=None):
    instruments = available_instruments()
    wanted = request.POST.get("instrument") or request.GET.get("instrument") or fallback or DEFAULT_INSTRUMENT
    try:
        return get_instrument(wanted), instruments
    except InstrumentError:
        return (instruments[0] if instruments else None), instruments


def assessment_new(request, case_id):
    """Answer the chosen instrument's questions; "Check the result" shows the level and its
    explanation before saving, so a professional judgement can be weighed against it."""
    case, _access = selectors.risk_case(request.user, case_id, "risk")
    draft = selectors.assessment_draft_get(actor=request.user, case=case)
    # Resume the draft where it was left, unless another instrument is asked for.
    instrument, instruments = _instrument(request, fallback=draft.instrument_id if draft else None)
    if instrument is None:  # every file refused: `qorgau check` says why
        raise Http404
    if request.method == "POST" and "draft" in request.POST:
        try:
            services.assessment_draft_save(
                actor=request.user, case=case, instrument_id=instrument.id, data=request.POST.dict()
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The draft was saved: you can come back to it at any time."))
        return redirect(reverse("risk:assess", args=[case.pk]) + f"?instrument={instrument.id}")
    resumed = draft is not None and draft.instrument_id == instrument.id and request.method != "POST"
    form = AssessmentForm(
        request.POST or None,
        instrument=instrument,
        initial=dict(draft.data) if resumed else None,
        prefill=None
        if resumed
        else selectors.assessment_prefill(case=case, instrument=instrument, actor=request.user),
    )
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            if "preview" in request.POST:
                result = evaluate(
                    instrument,
                    form.answers(),
                    judgement_level=form.judgement(),
                    judgement_reason=form.cleaned_data["judgement_reason"],
                )
            else:
                assessment = services.assessment_create(
                    actor=request.user,
                    case=case,
                    instrument_id=instrument.id,
                    answers=form.answers(),
                    judgement_level=form.judgement(),
                    judgement_reason=form.cleaned_data["judgement_reason"],
                    words=form.words(),
                )
                messages.success(
                    request,
                    _("The assessment was saved: %(level)s.") % {"level": assessment.get_level_display()},
                )
                return redirect("risk:assessment", case_id=case.pk, assessment_id=assessment.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    total = len(instrument.items)
    context = {
        "case": case,
        "form": form,
        "instrument": instrument,
        "instruments": instruments,
        "result": result,
        "resumed": resumed,
        "progress": {
            "done": form.answered,
            "total": total,
            "template": _("%(done)s of %(total)s answered") % {"done": "{done}", "total": total},
        },
        "expl": selectors.explanation(result) if result else None,
        "raise_to": judgement_choices(instrument, result.actuarial_level) if result else None,
    }
    return render(request, "risk/assessment_form.html", context, status=400 if form.errors else 200)


def assessment_detail(request, case_id, assessment_id):
    detail = selectors.assessment_get(actor=request.user, case_id=case_id, assessment_id=assessment_id)
    context = {
        "d": detail,
        "case": detail.case,
        "result": detail.result,
        "expl": selectors.explanation(detail.result, detail.assessment.answers, detail.assessment.words)
        if detail.result
        else None,
    }
    if detail.assessment.is_current:
        context["proposal"] = selectors.proposal_for(detail.case, current=detail.assessment)
        context.update(_referral_context(request, detail.case))
    return render(request, "risk/assessment_detail.html", context)


def _referral_context(request, case) -> dict:
    may_refer = policies.can_refer(request.user, case)
    return {
        "may_refer": may_refer,
        "referral_form": ReferralForm() if may_refer else None,
        "may_refer_without_consent": policies.can_refer(request.user, case, "risk_to_life"),
    }


@require_POST
def refer(request, case_id):
    case, _access = selectors.risk_case(request.user, case_id, "risk")
    from qorgau.cases.views import case_detail

    refused = page_form_action(
        request,
        ReferralForm(request.POST),
        lambda data: services.conference_refer(
            actor=request.user, case=case, basis=data["basis"], reason=data["reason"]
        ),
        _("The case was referred to the risk conference. The coordinator will put it on an agenda."),
        failed=_("The case was not referred: %(errors)s"),
        name="conference_referral_form",
        page=lambda: case_detail(request, case.pk),
    )
    return refused or redirect(_case_url(case))


# --- Safety plan ------------------------------------------------------------------------------------


def safety_plan(request, case_id):
    case, row, document = selectors.safety_plan_get(actor=request.user, case_id=case_id)
    version = row.version if row else 0
    status = 200
    if request.method == "POST":
        form = SafetyPlanForm(request.POST)
        if form.is_valid():
            try:
                services.safety_plan_save(
                    actor=request.user,
                    case=case,
                    expected_version=form.cleaned_data["version"],
                    plan=form.plan,
                )
            except Conflict as exc:
                # Keep everything she and the caseworker typed; the next save is based on the
                # version shown beside it, so it is a deliberate choice, not a silent overwrite.
                data = request.POST.copy()
                data["version"] = str(version)
                form = SafetyPlanForm(data)
                form.is_valid()
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, _("The safety plan was saved."))
                return redirect("risk:safety_plan", case_id=case.pk)
        else:
            status = 400
    else:
        form = SafetyPlanForm(
            initial=SafetyPlanForm.initial_for(document, version),
            contact_rows=len(document.trusted_contacts) + 2,
        )
    return render(
        request,
        "risk/safety_plan.html",
        {
            "case": case,
            "form": form,
            "row": row,
            "saved": document if status == 409 else None,
            "print_languages": LANGUAGE_CODES,
            "may_edit": policies.can_edit_safety_plan(request.user, case),
        },
        status=status,
    )


def safety_plan_pdf(request, case_id):
    lang = request.GET.get("lang", "")
    lang = lang if lang in LANGUAGE_CODES else current_language()
    _case, pdf = selectors.safety_plan_print(actor=request.user, case_id=case_id, lang=lang)
    response = HttpResponse(pdf, content_type="application/pdf")
    # A neutral file name: the download list of a shared phone must not say what it is.
    response["Content-Disposition"] = 'attachment; filename="notes.pdf"'
    return response


# --- Conferences ------------------------------------------------------------------------------------


def conference_list(request):
    conferences = selectors.conference_list(actor=request.user)
    return render(
        request,
        "risk/conference_list.html",
        {
            "conferences": conferences,
            "coordinator": policies.is_coordinator(request.user),
            "waiting": selectors.conference_referral_list_waiting(actor=request.user),
            "follow_up": selectors.conference_referral_list_follow_up(actor=request.user),
        },
    )


def conference_new(request):
    if not policies.is_coordinator(request.user):
        raise PermissionDenied
    form = ConferenceForm(request.POST or None, region_id=request.user.agency.region_id)
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.conference_create(
                actor=request.user,
                scheduled_for=form.cleaned_data["scheduled_for"],
                place=form.cleaned_data["place"],
                agencies=form.cleaned_data["agencies"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The conference was scheduled."))
            return redirect("risk:conference", conference_id=conference.pk)
    return render(
        request,
        "risk/conference_form.html",
        {"form": form, "conference": None},
        status=400 if form.errors else 200,
    )


def conference_detail(request, conference_id, edit_form=None, status=200):
    detail = selectors.conference_get(actor=request.user, conference_id=conference_id)
    conference = detail.conference
    if detail.may_manage and edit_form is None:
        edit_form = ConferenceEditForm(
            region_id=conference.region_id,
            initial={
                "scheduled_for": conference.scheduled_for,
                "place": conference.place,
                "agencies": [a.pk for a in detail.agencies],
                "version": conference.version,
            },
        )
    return render(
        request,
        "risk/conference_detail.html",
        {"d": detail, "conference": conference, "edit_form": edit_form, "print_languages": PRINT_LANGUAGES},
        status=status,
    )


PRINT_LANGUAGES = (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English"))


def _conference_pdf(request, conference_id, document):
    lang = request.GET.get("lang", "")
    lang = lang if lang in LANGUAGE_CODES else current_language()
    conference, pdf = selectors.conference_print(
        actor=request.user, conference_id=conference_id, document=document, lang=lang
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localtime(conference.scheduled_for).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="conference-{day}-{document}-{lang}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def conference_agenda_pdf(request, conference_id):
    return _conference_pdf(request, conference_id, "agenda")


def conference_minutes_pdf(request, conference_id):
    return _conference_pdf(request, conference_id, "minutes")


@require_POST
def conference_edit(request, conference_id):
    detail = selectors.conference_get(actor=request.user, conference_id=conference_id)
    form = ConferenceEditForm(request.POST, region_id=detail.conference.region_id)
    if form.is_valid():
        try:
            services.conference_update(
                actor=request.user,
                conference=detail.conference,
                expected_version=form.cleaned_data["version"],
                scheduled_for=form.cleaned_data["scheduled_for"],
                place=form.cleaned_data["place"],
                agencies=form.cleaned_data["agencies"],
            )
        except Conflict as exc:
            form.add_error(None, exc.message)
            return conference_detail(request, conference_id, edit_form=form, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The conference was saved."))
            return redirect("risk:conference", conference_id=conference_id)
    return conference_detail(request, conference_id, edit_form=form, status=400)


@require_POST
def conference_held(request, conference_id):
    detail = selectors.conference_get(actor=request.user, conference_id=conference_id)
    try:
        services.conference_mark_held(actor=request.user, conference=detail.conference)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The conference is marked as held; its cases are in follow-up."))
    return redirect("risk:conference", conference_id=conference_id)


@require_POST
def agenda_add(request, conference_id):
    detail = selectors.conference_get(actor=request.user, conference_id=conference_id)
    if not detail.may_manage:
        raise PermissionDenied
    form = AgendaAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a referred case."))
    else:
        try:
            referral = services.agenda_add(
                actor=request.user, conference=detail.conference, referral_id=form.cleaned_data["referral"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Case %(number)s is on the agenda.") % {"number": referral.case.number}
            )
    return redirect(reverse("risk:conference", args=[conference_id]) + "#agenda")


# --- An agenda case -----------------------------------------------------------------------------------


def agenda_item(request, item_id, forms=None, status=200, saved_text=None):
    view = selectors.agenda_item_get(actor=request.user, item_id=item_id)
    forms = forms or {}
    referral = view.referral
    context = {"v": view, "saved_text": saved_text or {}}
    if view.may_contribute:
        context["contribution_form"] = forms.get("contribution") or ContributionForm()
    if view.may_manage and view.conference:
        context["action_form"] = forms.get("action") or ActionForm(agency_ids=view.agency_ids)
        context["minutes_form"] = forms.get("minutes") or MinutesForm(
            initial={"text": view.minutes, "version": referral.version}
        )
    if view.may_record_view:
        context["view_form"] = forms.get("survivor_view") or SurvivorViewForm(
            initial={"text": referral.survivor_view or "", "version": referral.version}
        )
    context["status_choices"] = ConferenceAction.Status.choices
    return render(request, "risk/agenda_item.html", context, status=status)


@require_POST
def item_contribute(request, item_id):
    view = selectors.agenda_item_get(actor=request.user, item_id=item_id)
    form = ContributionForm(request.POST)
    if form.is_valid():
        try:
            services.contribution_add(
                actor=request.user, referral=view.referral, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your agency's contribution was shared with the participants."))
            return redirect(reverse("risk:agenda_item", args=[item_id]) + "#contributions")
    return agenda_item(request, item_id, forms={"contribution": form}, status=400)


@require_POST
def item_action_add(request, item_id):
    view = selectors.agenda_item_get(actor=request.user, item_id=item_id)
    if view.conference is None:
        raise PermissionDenied
    form = ActionForm(request.POST, agency_ids=view.agency_ids)
    if form.is_valid():
        try:
            services.action_add(actor=request.user, referral=view.referral, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The action was added to the plan."))
            return redirect(reverse("risk:agenda_item", args=[item_id]) + "#actions")
    return agenda_item(request, item_id, forms={"action": form}, status=400)


@require_POST
def item_action_update(request, item_id, action_id):
    view = selectors.agenda_item_get(actor=request.user, item_id=item_id)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The status was not changed: %(errors)s") % {"errors": _errors_text(form)})
    else:
        try:
            services.action_update(
                actor=request.user,
                referral_id=view.referral.pk,
                action_id=action_id,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The action's status was saved."))
    return redirect(reverse("risk:agenda_item", args=[item_id]) + "#actions")


def _text_post(request, item_id, *, key, form_class, service, success):
    view = selectors.agenda_item_get(actor=request.user, item_id=item_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(
                actor=request.user,
                referral=view.referral,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            )
        except Conflict as exc:
            data = request.POST.copy()
            data["version"] = str(view.referral.version)
            form = form_class(data)
            form.is_valid()
            form.add_error(None, exc.message)
            saved = view.survivor_view if key == "survivor_view" else view.minutes
            return agenda_item(request, item_id, forms={key: form}, status=409, saved_text={key: saved})
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(reverse("risk:agenda_item", args=[item_id]) + f"#{key}")
    return agenda_item(request, item_id, forms={key: form}, status=400)


@require_POST
def item_survivor_view(request, item_id):
    return _text_post(
        request,
        item_id,
        key="survivor_view",
        form_class=SurvivorViewForm,
        service=services.survivor_view_record,
        success=_("Her view was recorded."),
    )


@require_POST
def item_minutes(request, item_id):
    return _text_post(
        request,
        item_id,
        key="minutes",
        form_class=MinutesForm,
        service=services.minutes_save,
        success=_("The minutes were saved."),
    )
