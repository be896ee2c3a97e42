"""Screens of the pathway: referral lists and pages, sending, the receiving side's steps,
services delivered, the case plan, her ratings, closure. Thin: selectors and services do the work."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgau.cases import policies as case_policies
from qorgau.cases import selectors as case_selectors
from qorgau.cases import services as case_services
from qorgau.cases.models import Case, CaseClosure
from qorgau.core.errors import Conflict
from qorgau.core.forms import apply_errors, errors_text, form_action
from qorgau.directory.models import ServiceType
from qorgau.referrals import machine, policies, selectors, services
from qorgau.referrals.forms import (
    ActionForm,
    ClosureRequestForm,
    PlanActionForm,
    PlanStatusForm,
    PlanSubmitForm,
    ReferralForm,
    ReopenForm,
    ServiceLogForm,
    WellbeingForm,
)
from qorgau.referrals.models import PlanAction


def _back_to_case(case, anchor="pathway"):
    return redirect(reverse("cases:detail", args=[case.pk]) + f"#{anchor}")


def referral_list(request):
    if not case_policies.works_on_cases(request.user):
        raise PermissionDenied
    direction = "outgoing" if request.GET.get("direction") == "outgoing" else "incoming"
    status = request.GET.get("status", "open")
    status = status if status in ("open", "", *machine.S.values) else "open"
    referrals = selectors.referrals_for(actor=request.user, direction=direction, status=status)
    return render(request, "referrals/list.html", {"referrals": referrals, "direction": direction, "status": status,
                                                   "now": timezone.now()})


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
    form = ReferralForm(request.POST or None, initial=initial, holder=case.holding_agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_send(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The referral was sent."))
            return _back_to_case(case)
    return render(request, "referrals/create.html", {"form": form, "case": case})


def referral_detail(request, referral_id):
    referral = selectors.referral_get(actor=request.user, referral_id=referral_id)
    side = policies.side_of(request.user, referral)
    actions = [a for a in machine.allowed_actions(referral.status) if machine.ACTIONS[a][2] == side]
    case_visible = case_policies.case_access(request.user, referral.case).can_view
    context = {"r": referral, "side": side, "actions": actions, "case_visible": case_visible,
               "log_form": ServiceLogForm(initial={"service": referral.service_id, "referral": referral.pk,
                                                   "delivered_on": timezone.localdate()})}
    return render(request, "referrals/detail.html", context)


@require_POST
def referral_act(request, referral_id):
    referral = selectors.referral_get(actor=request.user, referral_id=referral_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("referrals:detail", referral_id=referral.pk)
    data = form.cleaned_data
    try:
        services.referral_act(actor=request.user, referral=referral, action=data["action"], reason=data["reason"],
                              outcome=data["outcome"], expected_version=data.get("version"))
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("referrals:detail", referral_id=referral.pk)


@require_POST
def service_log(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="service")
    form = ServiceLogForm(request.POST)
    referral = None
    if form.is_valid():
        if form.cleaned_data.get("referral"):
            referral = selectors.referral_get(actor=request.user, referral_id=form.cleaned_data["referral"])
        try:
            services.service_log(actor=request.user, case=case, service=form.cleaned_data["service"],
                                 delivered_on=form.cleaned_data["delivered_on"], note=form.cleaned_data["note"],
                                 referral=referral)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The service was recorded."))
    else:
        messages.error(request, errors_text(form))
    if referral is not None:
        return redirect("referrals:detail", referral_id=referral.pk)
    return _back_to_case(case)


@require_POST
def plan_action_add(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="plan")
    form_action(request, PlanActionForm(request.POST), lambda data: services.plan_action_add(
        actor=request.user, case=case, goal=data["goal"], action=data["action"], agency=data["agency"],
        person=data["person"], due_on=data["due_on"], expected_version=data.get("version"),
    ), _("The action was added to the plan."))
    return _back_to_case(case, "plan")


@require_POST
def plan_action_status(request, case_id, action_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="plan")
    item = get_object_or_404(PlanAction, pk=action_id, plan__case=case)
    form = PlanStatusForm(request.POST)
    if form.is_valid():
        services.plan_action_set_status(actor=request.user, item=item, status=form.cleaned_data["status"])
    return _back_to_case(case, "plan")


@require_POST
def plan_submit(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="plan")
    form = PlanSubmitForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(errors_text(form))
        if request.POST.get("approve"):
            services.plan_approve(actor=request.user, case=case, expected_version=form.cleaned_data["version"])
            messages.success(request, _("The plan was approved."))
        else:
            services.plan_submit(actor=request.user, case=case, expected_version=form.cleaned_data["version"],
                                 next_follow_up=form.cleaned_data.get("next_follow_up"))
            messages.success(request, _("The plan was sent for approval."))
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back_to_case(case, "plan")


@require_POST
def wellbeing_record(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="wellbeing")
    form_action(request, WellbeingForm(request.POST), lambda data: services.wellbeing_record(
        actor=request.user, case=case, scale_max=settings.QORGAU_WELLBEING_SCALE_MAX, **data,
    ), _("Her rating was recorded."))
    return _back_to_case(case, "wellbeing")


@require_POST
def closure_request(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="closure")
    form_action(request, ClosureRequestForm(request.POST),
                lambda data: case_services.case_close_request(actor=request.user, case=case, **data),
                _("Closure requested: a supervisor will decide."))
    return _back_to_case(case, "closure")


@require_POST
def closure_decide(request, case_id, closure_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="closure")
    closure = get_object_or_404(CaseClosure, pk=closure_id, case=case)
    try:
        case_services.case_close_decide(actor=request.user, closure=closure, approve=request.POST.get("approve") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The decision was recorded."))
    return _back_to_case(case, "closure")


@require_POST
def case_reopen(request, case_id):
    case, _access = case_selectors.case_get(actor=request.user, case_id=case_id, purpose="reopen")
    form_action(request, ReopenForm(request.POST),
                lambda data: case_services.case_reopen(actor=request.user, case=case, reason=data["reason"]),
                _("The case was reopened."))
    return _back_to_case(case, "closure")


# --- The case page section ---------------------------------------------------------------------

def pathway_section(request, detail):
    """Needs, referrals, services delivered, plan, her ratings and closure, on the case page."""
    case, access = detail.case, detail.access
    if not access.can_view:
        return None
    from qorgau.referrals.charts import wellbeing_chart
    from qorgau.referrals.needs import suggest

    referrals = selectors.case_referrals(actor=request.user, case=case, access=access)
    context = {
        "template": "referrals/case_section.html",
        "case": case,
        "referrals": referrals,
        "deliveries": selectors.case_deliveries(case=case, access=access),
        "can_refer": policies.can_send(request.user, case) and case.status != Case.Status.CLOSED,
        "log_form": ServiceLogForm(initial={"delivered_on": timezone.localdate()}),
        "now": timezone.now(),
    }
    if access.is_holder:
        open_codes = {r.service_id for r in referrals if r.is_open}
        context["suggestions"] = suggest(case, [i.incident for i in detail.incidents], detail.consents or [],
                                         open_codes)
        plan = selectors.case_plan(case=case, access=access)
        context.update(
            plan=plan,
            plan_form=PlanActionForm(initial={"agency": case.holding_agency_id, "version": plan.version if plan else None}),
            can_approve=policies.can_approve(request.user, case),
            closures=list(case.closures.select_related("requested_by", "decided_by")),
            closure_form=ClosureRequestForm(),
            reopen_form=ReopenForm(),
            plan_statuses=PlanAction.Status.choices,
        )
    ratings = selectors.case_wellbeing(case=case, access=access)
    if ratings is not None:
        context.update(ratings=ratings, wellbeing_chart=wellbeing_chart(ratings),
                       wellbeing_form=WellbeingForm(initial={"rated_on": timezone.localdate()}))
    return context
