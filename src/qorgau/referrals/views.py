"""Screens of the pathway: referral lists and pages, sending, the receiving side's steps,
services delivered, the case plan, her ratings, closure. Thin: selectors and services do the work."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.cases import policies as case_policies
from qorgau.cases import selectors as case_selectors
from qorgau.cases import services as case_services
from qorgau.cases.models import Case
from qorgau.core.errors import Conflict
from qorgau.core.forms import (
    apply_errors,
    back_from_decision,
    errors_text,
    form_action,
    kept_form,
    page_form_action,
)
from qorgau.directory.models import ServiceType  # reference data
from qorgau.referrals import machine, policies, selectors, services
from qorgau.referrals.forms import (
    ActionForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    PlanActionForm,
    PlanReturnForm,
    PlanStatusForm,
    PlanSubmitForm,
    ReferralForm,
    ReopenForm,
    ServiceLogForm,
    WellbeingForm,
)
from qorgau.referrals.models import PlanAction  # its status choices only


def _case_url(case, anchor="pathway") -> str:
    return reverse("cases:detail", args=[case.pk]) + f"#{anchor}"


def _back_to_case(case, anchor="pathway"):
    return redirect(_case_url(case, anchor))


def _form_alone(request, case, form, *, title, submit):
    """A form the case page leaves folded, sent when it is opened (a fragment for htmx, a page
    without JavaScript); posting it is the same as from the case page."""
    from qorgau.cases.views import on_demand_form

    return on_demand_form(request, case, form=form, action=request.path, title=title, submit=submit)


def _case_page(request, case):
    """The case page, drawn again after a refused form (core.forms.page_form_action)."""
    from qorgau.cases.views import case_detail

    return case_detail(request, case.pk)


def referral_list(request):
    if not case_policies.works_on_cases(request.user):
        raise PermissionDenied
    direction = "outgoing" if request.GET.get("direction") == "outgoing" else "incoming"
    status = request.GET.get("status", "open")
    status = status if status in ("open", "", *machine.S.values) else "open"
    referrals = selectors.referral_list(actor=request.user, direction=direction, status=status)
    return render(
        request,
        "referrals/list.html",
        {"referrals": referrals, "direction": direction, "status": status, "now": timezone.now()},
    )


def referral_create(request):
    """Send a referral. Opened from the case page or from a directory search result."""
    case_id = request.POST.get("case") or request.GET.get("case")
    if not case_id:
        messages.info(request, _("Open the case first, then refer her from its page."))
        return redirect("cases:list")
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="referral")
    if not policies.can_send(request.user, case):
        raise PermissionDenied
    initial = {"service": request.GET.get("service"), "to_agency": request.GET.get("agency")}
    service = ServiceType.objects.filter(pk=initial["service"]).first() if initial["service"] else None
    if service is not None:
        initial["sections"] = service.shares_sections
    form = ReferralForm(
        request.POST or None,
        initial=initial,
        holder=case.holding_agency,
        region_id=case_selectors.case_region_id(case=case),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_send(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The referral was sent."))
            return _back_to_case(case)
    context = {"form": form, "case": case, "consent_scopes": case_selectors.consent_scope_list(case=case)}
    return render(request, "referrals/create.html", context)


def referral_detail(request, referral_id):
    referral = selectors.referral_get(actor=request.user, referral_id=referral_id)
    context = {
        "r": referral,
        "side": referral.side,
        "actions": referral.actions,
        "case_visible": referral.case_visible,
        "log_form": ServiceLogForm(
            initial={
                "service": referral.service.pk,
                "referral": referral.pk,
                "delivered_on": timezone.localdate(),
            }
        ),
    }
    return render(request, "referrals/detail.html", context)


@require_POST
def referral_act(request, referral_id):
    referral = selectors.referral_get(actor=request.user, referral_id=referral_id, purpose="step")
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("referrals:detail", referral_id=referral.pk)
    data = form.cleaned_data
    try:
        services.referral_step(
            actor=request.user,
            referral_id=referral.pk,
            action=data["action"],
            reason=data["reason"],
            outcome=data["outcome"],
            expected_version=data["version"],
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("referrals:detail", referral_id=referral.pk)


@require_http_methods(["GET", "POST"])
def service_log(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="service")
    if request.method == "GET":
        form = ServiceLogForm(initial={"delivered_on": timezone.localdate()})
        return _form_alone(request, case, form, title=_("Record a service given"), submit=_("Record"))
    form = ServiceLogForm(request.POST)
    referral = None
    if not form.is_valid() and not request.POST.get("referral"):
        return page_form_action(
            request, form, None, "", name="log_form", page=lambda: _case_page(request, case)
        )
    if form.is_valid():
        if form.cleaned_data.get("referral"):
            referral = selectors.referral_get(actor=request.user, referral_id=form.cleaned_data["referral"])
        try:
            services.service_log(
                actor=request.user,
                case=case,
                service=form.cleaned_data["service"],
                delivered_on=form.cleaned_data["delivered_on"],
                note=form.cleaned_data["note"],
                referral_id=referral.pk if referral else None,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The service was recorded."))
    else:
        messages.error(request, errors_text(form))
    if referral is not None:
        return redirect("referrals:detail", referral_id=referral.pk)
    return _back_to_case(case)


def _plan_action_form(case, data=None, initial=None):
    return PlanActionForm(
        data,
        initial=initial,
        case=case,
        region_id=case_selectors.case_region_id(case=case),
        agency_ids=case_selectors.case_agency_ids(case=case),
    )


@require_http_methods(["GET", "POST"])
def plan_action_add(request, case_id):
    case, access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="plan")
    if request.method == "GET":
        if not access.is_holder:
            raise PermissionDenied
        plan = selectors.case_plan_for_page(case=case, access=access)
        form = _plan_action_form(case, initial={"agency": case.holding_agency_id, "version": plan.version})
        return _form_alone(request, case, form, title=_("Add an action"), submit=_("Add"))
    refused = page_form_action(
        request,
        _plan_action_form(case, request.POST),
        lambda data: services.plan_action_add(
            actor=request.user,
            case=case,
            goal=data["goal"],
            action=data["action"],
            agency=data["agency"],
            person=data["person"],
            due_on=data["due_on"],
            expected_version=data["version"],
        ),
        _("The action was added to the plan."),
        name="plan_form",
        page=lambda: _case_page(request, case),
    )
    return refused or _back_to_case(case, "plan")


@require_POST
def plan_action_status(request, case_id, action_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="plan")
    form_action(
        request,
        PlanStatusForm(request.POST),
        lambda data: services.plan_action_set_status(
            actor=request.user,
            case=case,
            action_id=action_id,
            status=data["status"],
            expected_version=data["version"],
        ),
        _("The changes were saved."),
    )
    return _back_to_case(case, "plan")


@require_POST
def plan_submit(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="plan")
    form = PlanSubmitForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(errors_text(form))
        if request.POST.get("approve"):
            services.plan_approve(
                actor=request.user, case=case, expected_version=form.cleaned_data["version"]
            )
            messages.success(request, _("The plan was approved."))
        else:
            services.plan_submit(
                actor=request.user,
                case=case,
                expected_version=form.cleaned_data["version"],
                next_follow_up=form.cleaned_data.get("next_follow_up"),
            )
            messages.success(request, _("The plan was sent for approval."))
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return back_from_decision(request, _case_url(case, "plan"))


@require_POST
def plan_return(request, case_id):
    """A supervisor sends the plan back with comments; refused, the case page comes back with
    what she typed (from the dashboard too: the comment must not be lost on the way)."""
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="plan")
    refused = page_form_action(
        request,
        PlanReturnForm(request.POST),
        lambda data: services.plan_return(
            actor=request.user, case=case, expected_version=data["version"], comment=data["comment"]
        ),
        _("The plan was returned to the caseworker with your comments."),
        name="plan_return_form",
        page=lambda: _case_page(request, case),
    )
    return refused or back_from_decision(request, _case_url(case, "plan"))


@require_http_methods(["GET", "POST"])
def wellbeing_record(request, case_id):
    case, access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="wellbeing")
    if request.method == "GET":
        if selectors.wellbeing_list(case=case, access=access) is None:
            raise PermissionDenied
        form = WellbeingForm(initial={"rated_on": timezone.localdate()})
        return _form_alone(request, case, form, title=_("Record her rating"), submit=_("Record"))
    refused = page_form_action(
        request,
        WellbeingForm(request.POST),
        lambda data: services.wellbeing_record(
            actor=request.user,
            case=case,
            scale_max=settings.QORGAU_WELLBEING_SCALE_MAX,
            **data,
        ),
        _("Her rating was recorded."),
        name="wellbeing_form",
        page=lambda: _case_page(request, case),
    )
    return refused or _back_to_case(case, "wellbeing")


@require_http_methods(["GET", "POST"])
def closure_request(request, case_id):
    case, access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="closure")
    if request.method == "GET":
        if not access.is_holder or case.status == Case.Status.CLOSED:
            raise PermissionDenied
        form = ClosureRequestForm()
        return _form_alone(request, case, form, title=_("Ask to close the case"), submit=_("Ask to close"))
    refused = page_form_action(
        request,
        ClosureRequestForm(request.POST),
        lambda data: case_services.case_close_request(actor=request.user, case=case, **data),
        _("Closure requested: a supervisor will decide."),
        name="closure_form",
        page=lambda: _case_page(request, case),
    )
    return refused or _back_to_case(case, "closure")


@require_POST
def closure_decide(request, case_id, closure_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="closure")
    form = ClosureDecisionForm(request.POST)
    form.closure_id = closure_id  # the page shows what was typed beside this closure only
    refused = page_form_action(
        request,
        form,
        lambda data: case_services.case_close_decide(
            actor=request.user,
            case=case,
            closure_id=closure_id,
            approve=data["approve"] == "1",
            comment=data["comment"],
        ),
        _("The decision was recorded."),
        name="closure_decision_form",
        page=lambda: _case_page(request, case),
    )
    return refused or back_from_decision(request, _case_url(case, "closure"))


@require_POST
def case_reopen(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="reopen")
    refused = page_form_action(
        request,
        ReopenForm(request.POST),
        lambda data: case_services.case_reopen(actor=request.user, case=case, reason=data["reason"]),
        _("The case was reopened."),
        name="reopen_form",
        page=lambda: _case_page(request, case),
    )
    return refused or _back_to_case(case, "closure")


# --- The case page section ---------------------------------------------------------------------


def pathway_section(request, detail):
    """Needs, referrals, services delivered, plan, her ratings and closure, on the case page."""
    case, access = detail.case, detail.access
    if not access.can_view:
        return None
    from qorgau.referrals.charts import wellbeing_chart
    from qorgau.referrals.needs import suggest

    referrals = selectors.referral_list_for_case(actor=request.user, case=case, access=access)
    context = {
        "template": "referrals/case_section.html",
        "case": case,
        "referrals": referrals,
        "deliveries": selectors.service_delivery_list(case=case, access=access),
        "can_refer": policies.can_send(request.user, case) and case.status != Case.Status.CLOSED,
        # The folded forms come when opened (their own URL, see _form_alone); one the server
        # refused comes back inline and open, with what was typed.
        "log_form": kept_form(request, "log_form"),
        "now": timezone.now(),
    }
    if access.is_holder:
        open_codes = {r.service.pk for r in referrals if r.is_open}
        context["suggestions"] = suggest(
            case, [i.incident for i in detail.incidents], detail.consents or [], open_codes
        )
        plan = selectors.case_plan_for_page(case=case, access=access)
        context.update(
            plan=plan,
            plan_return_form=kept_form(request, "plan_return_form"),
            plan_form=kept_form(request, "plan_form"),
            can_approve=policies.can_approve(request.user, case),
            closures=selectors.case_closure_list(case=case, access=access),
            closure_form=kept_form(request, "closure_form"),
            closure_decision_form=kept_form(request, "closure_decision_form"),
            reopen_form=kept_form(request, "reopen_form") or ReopenForm(),
            plan_statuses=PlanAction.Status.choices,
            show_plan=True,
            show_closure=True,
        )
    ratings = selectors.wellbeing_list(case=case, access=access)
    if ratings is not None:
        context.update(
            ratings=ratings,
            wellbeing_chart=wellbeing_chart(ratings),
            wellbeing_form=kept_form(request, "wellbeing_form"),
            show_wellbeing=True,
        )
    # The case page's table of contents: (anchor, title) of each part this section shows.
    context["toc"] = [
        (anchor, title)
        for anchor, title, shown in (
            ("pathway", _("Referrals and services"), True),
            ("plan", _("Case plan"), "show_plan" in context),
            ("wellbeing", _("How safe and well she feels"), "show_wellbeing" in context),
            ("closure", _("Closing the case"), "show_closure" in context),
        )
        if shown
    ]
    return context
