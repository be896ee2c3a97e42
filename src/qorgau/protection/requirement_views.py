"""Screens of court-imposed special requirements: recording them from a court decision, their page
with breaches and an early end, and the programme agency's own list and attendance page (which
show the programme part only). Thin: parse, call a selector or a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgau.cases.selectors import case_region_id
from qorgau.core.forms import apply_errors, form_action
from qorgau.protection import policies
from qorgau.protection import requirement_selectors as selectors
from qorgau.protection import requirement_services as services
from qorgau.protection.requirement_forms import (
    AttendanceForm,
    RequirementBreachForm,
    RequirementEndForm,
    RequirementForm,
)
from qorgau.protection.selectors import perpetrator_choices, protection_case


def _requirement_url(case_id, requirement_id) -> str:
    return reverse("protection:requirement", args=[case_id, requirement_id])


def requirement_new(request, case_id):
    case, access = protection_case(request.user, case_id, "requirements")
    if not policies.can_record_requirement(request.user, case, access):
        messages.error(
            request,
            _(
                "Only a lawyer, prosecutor or police officer working on this case may record court requirements."
            ),
        )
        return redirect(reverse("cases:detail", args=[case.pk]) + "#protection")
    form = RequirementForm(
        request.POST or None, perpetrators=perpetrator_choices(case), region_id=case_region_id(case=case)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            requirement = services.requirement_create(
                actor=request.user,
                case=case,
                person_id=d["person"],
                court=d["court"],
                decision_on=d["decision_on"],
                starts_on=d["starts_on"],
                months=d["months"],
                conditions=d["conditions"],
                conditions_text=d["conditions_text"],
                monitoring_agency=d["monitoring_agency"],
                programme_agency=d["programme_agency"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The court requirements were recorded."))
            return redirect(_requirement_url(case.pk, requirement.pk))
    return render(
        request,
        "protection/requirement_form.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


def requirement_detail(request, case_id, requirement_id):
    case, _access, requirement = selectors.requirement_get(
        actor=request.user, case_id=case_id, requirement_id=requirement_id
    )
    context = {
        "case": case,
        "r": requirement,
        "end_form": RequirementEndForm(initial={"version": requirement.version}),
        "breach_form": RequirementBreachForm(),
    }
    return render(request, "protection/requirement_detail.html", context)


@require_POST
def requirement_end(request, case_id, requirement_id):
    case, _access = protection_case(request.user, case_id, "requirements")
    form_action(
        request,
        RequirementEndForm(request.POST),
        lambda d: services.requirement_end(
            actor=request.user,
            case=case,
            requirement_id=requirement_id,
            expected_version=d["version"],
            ended_on=d["ended_on"],
            reason=d["reason"],
        ),
        _("The requirements were recorded as ended early."),
        failed=_("Nothing was changed: %(errors)s"),
    )
    return redirect(_requirement_url(case.pk, requirement_id))


@require_POST
def requirement_breach_new(request, case_id, requirement_id):
    case, _access = protection_case(request.user, case_id, "requirements")
    form_action(
        request,
        RequirementBreachForm(request.POST),
        lambda d: services.requirement_breach_record(
            actor=request.user,
            case=case,
            requirement_id=requirement_id,
            occurred_at=d["occurred_at"],
            description=d["description"],
            reported_by=d["reported_by"],
            evidence_reference=d["evidence_reference"],
        ),
        _(
            "The breach was recorded. The risk re-assessment is due now; the police and the caseworker were told."
        ),
        failed=_("Nothing was changed: %(errors)s"),
    )
    return redirect(_requirement_url(case.pk, requirement_id))


# --- The programme agency ----------------------------------------------------------------------------


def programme_list(request):
    if not policies.may_run_programmes(request.user):
        raise PermissionDenied
    return render(
        request, "protection/programme_list.html", {"rows": selectors.programme_list(actor=request.user)}
    )


def programme_detail(request, requirement_id):
    programme = selectors.programme_get(actor=request.user, requirement_id=requirement_id)
    form = AttendanceForm(initial={"version": programme.version})
    return render(request, "protection/programme_detail.html", {"p": programme, "form": form})


@require_POST
def programme_attendance(request, requirement_id):
    selectors.programme_get(actor=request.user, requirement_id=requirement_id)  # 404 for anyone else
    form_action(
        request,
        AttendanceForm(request.POST),
        lambda d: services.programme_attendance_record(
            actor=request.user,
            requirement_id=requirement_id,
            expected_version=d["version"],
            kind=d["kind"],
            on=d["on"],
        ),
        _("The attendance was recorded."),
        failed=_("Nothing was changed: %(errors)s"),
    )
    return redirect(reverse("protection:programme", args=[requirement_id]))
