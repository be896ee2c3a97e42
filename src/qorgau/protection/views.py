"""Screens of legal protection: issuing an order, the order's page with its recorded steps and
breaches. Thin: parse, call a selector or a service, render. The step forms post and come back
to the order's page with a message (`core.forms.form_action`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgau.core.errors import Conflict
from qorgau.core.forms import apply_errors, form_action
from qorgau.protection import policies, selectors, services
from qorgau.protection.forms import (
    DecisionForm,
    EndForm,
    ExtendForm,
    HearingForm,
    IssueForm,
    OrderEditForm,
    OrderForm,
    ProceedingForm,
    ServeForm,
    ViolationForm,
)


def _order_url(case_id, order_id) -> str:
    return reverse("protection:order", args=[case_id, order_id])


def order_new(request, case_id):
    case, access = selectors.protection_case(request.user, case_id, "protection")
    if not policies.can_issue(request.user, case, access):
        messages.error(request, _("Only a police officer working on this case may issue a protective order."))
        return redirect(reverse("cases:detail", args=[case.pk]) + "#protection")
    form = OrderForm(request.POST or None, perpetrators=selectors.perpetrator_choices(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.protective_order_create(
                actor=request.user,
                case=case,
                person_id=data["person"],
                number=data["number"],
                issuing_unit=data["issuing_unit"],
                conditions=data["conditions"],
                approach_metres=data["approach_metres"],
                conditions_text=data["conditions_text"],
                issue=data["issue"],
                issued_at=data["issued_at"],
                starts_at=data["starts_at"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The protective order was recorded."))
            return redirect(_order_url(case.pk, order.pk))
    return render(
        request,
        "protection/order_form.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


def order_detail(request, case_id, order_id):
    case, _access, order = selectors.protective_order_get(
        actor=request.user, case_id=case_id, order_id=order_id
    )
    context = {
        "case": case,
        "order": order,
        "issue_form": IssueForm(initial={"version": order.version}),
        "serve_form": ServeForm(initial={"version": order.version}),
        "extend_form": ExtendForm(initial={"version": order.version}),
        "end_form": EndForm(initial={"version": order.version}),
        "violation_form": ViolationForm(),
        # Each language named in itself, as on the case summary's print buttons.
        "print_languages": (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")),
    }
    return render(request, "protection/order_detail.html", context)


def order_edit(request, case_id, order_id):
    case, _access, order = selectors.protective_order_get(
        actor=request.user, case_id=case_id, order_id=order_id
    )
    if not order.editable:
        messages.error(
            request, _("This order has been served: it can only be extended or ended early, with a reason.")
        )
        return redirect(_order_url(case.pk, order.id))
    initial = {
        "person": str(order.person_id),
        "number": order.number,
        "issuing_unit": order.issuing_unit,
        "conditions": order.conditions,
        "approach_metres": order.approach_metres,
        "conditions_text": order.conditions_text,
        "issued_at": order.issued_at,
        "starts_at": order.starts_at,
        "version": order.version,
    }
    form = OrderEditForm(
        request.POST or None, initial=initial, perpetrators=selectors.perpetrator_choices(case)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            "person_id": data["person"],
            "number": data["number"],
            "issuing_unit": data["issuing_unit"],
            "conditions": data["conditions"],
            "approach_metres": data["approach_metres"],
            "conditions_text": data["conditions_text"],
        }
        if order.issued_at:
            changes.update(issued_at=data["issued_at"] or order.issued_at, starts_at=data["starts_at"])
        try:
            services.protective_order_update(
                actor=request.user,
                case=case,
                order_id=order.id,
                expected_version=data["version"],
                changes=changes,
            )
        except Conflict as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The order was corrected."))
            return redirect(_order_url(case.pk, order.id))
    return render(
        request,
        "protection/order_form.html",
        {"case": case, "form": form, "order": order},
        status=400 if form.errors else 200,
    )


def _step(request, case_id, order_id, form_class, action, success):
    case, _access = selectors.protection_case(request.user, case_id, "protection")
    form = form_class(request.POST)
    form_action(
        request,
        form,
        lambda data: action(case, data),
        success,
        failed=_("Nothing was changed: %(errors)s"),
    )
    return redirect(_order_url(case.pk, order_id))


@require_POST
def order_issue(request, case_id, order_id):
    return _step(
        request,
        case_id,
        order_id,
        IssueForm,
        lambda case, d: services.protective_order_issue(
            actor=request.user,
            case=case,
            order_id=order_id,
            expected_version=d["version"],
            issued_at=d["issued_at"],
            starts_at=d["starts_at"],
        ),
        _("The order was issued."),
    )


@require_POST
def order_serve(request, case_id, order_id):
    return _step(
        request,
        case_id,
        order_id,
        ServeForm,
        lambda case, d: services.protective_order_serve(
            actor=request.user,
            case=case,
            order_id=order_id,
            expected_version=d["version"],
            served_at=d["served_at"],
            served_how=d["served_how"],
        ),
        _("The order was recorded as served."),
    )


@require_POST
def order_extend(request, case_id, order_id):
    return _step(
        request,
        case_id,
        order_id,
        ExtendForm,
        lambda case, d: services.protective_order_extend(
            actor=request.user,
            case=case,
            order_id=order_id,
            expected_version=d["version"],
            days=d["days"],
            reason=d["reason"],
        ),
        _("The order was extended."),
    )


@require_POST
def order_end(request, case_id, order_id):
    return _step(
        request,
        case_id,
        order_id,
        EndForm,
        lambda case, d: services.protective_order_end(
            actor=request.user,
            case=case,
            order_id=order_id,
            expected_version=d["version"],
            reason=d["reason"],
        ),
        _("The order was ended early."),
    )


@require_POST
def violation_new(request, case_id, order_id):
    return _step(
        request,
        case_id,
        order_id,
        ViolationForm,
        lambda case, d: services.violation_record(
            actor=request.user,
            case=case,
            order_id=order_id,
            occurred_at=d["occurred_at"],
            description=d["description"],
            reported_by=d["reported_by"],
            evidence_reference=d["evidence_reference"],
        ),
        _(
            "The breach was recorded. The risk re-assessment is due now; the police and the caseworker were told."
        ),
    )


# --- Proceedings -------------------------------------------------------------------------------------


def _proceeding_url(case_id, proceeding_id) -> str:
    return reverse("protection:proceeding", args=[case_id, proceeding_id])


def proceeding_new(request, case_id):
    case, access = selectors.proceeding_case(request.user, case_id)
    if not policies.can_record_proceeding(request.user, case, access):
        messages.error(
            request,
            _("Only a lawyer, prosecutor or police officer working on this case may record a proceeding."),
        )
        return redirect(reverse("cases:detail", args=[case.pk]) + "#proceedings")
    form = ProceedingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            proceeding = services.proceeding_create(actor=request.user, case=case, **d)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The proceeding was recorded."))
            return redirect(_proceeding_url(case.pk, proceeding.pk))
    return render(
        request,
        "protection/proceeding_form.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


def proceeding_detail(request, case_id, proceeding_id):
    case, _access, proceeding = selectors.proceeding_get(
        actor=request.user, case_id=case_id, proceeding_id=proceeding_id
    )
    context = {
        "case": case,
        "p": proceeding,
        "decision_form": DecisionForm(initial={"version": proceeding.version, "stage": proceeding.stage}),
        "hearing_form": HearingForm(),
    }
    return render(request, "protection/proceeding_detail.html", context)


@require_POST
def decision_new(request, case_id, proceeding_id):
    case, _access = selectors.proceeding_case(request.user, case_id)
    form_action(
        request,
        DecisionForm(request.POST),
        lambda d: services.decision_record(
            actor=request.user,
            case=case,
            proceeding_id=proceeding_id,
            expected_version=d["version"],
            decided_on=d["decided_on"],
            stage=d["stage"],
            outcome=d["outcome"],
            text=d["text"],
            supervisor_reason=d["supervisor_reason"],
            told_her=d["told_her"],
        ),
        _("The decision was recorded."),
        failed=_("Nothing was changed: %(errors)s"),
    )
    return redirect(_proceeding_url(case.pk, proceeding_id))


@require_POST
def decision_told(request, case_id, proceeding_id, decision_id):
    case, _access = selectors.proceeding_case(request.user, case_id)
    services.decision_told_record(actor=request.user, case=case, decision_id=decision_id)
    messages.success(request, _("Recorded: she was told of the decision."))
    return redirect(_proceeding_url(case.pk, proceeding_id))


@require_POST
def hearing_new(request, case_id, proceeding_id):
    case, _access = selectors.proceeding_case(request.user, case_id)
    form_action(
        request,
        HearingForm(request.POST),
        lambda d: services.hearing_add(
            actor=request.user,
            case=case,
            proceeding_id=proceeding_id,
            at=d["at"],
            place=d["place"],
            purpose=d["purpose"],
        ),
        _("The hearing was added. Her lawyer and caseworker will be reminded before it."),
        failed=_("Nothing was changed: %(errors)s"),
    )
    return redirect(_proceeding_url(case.pk, proceeding_id))
