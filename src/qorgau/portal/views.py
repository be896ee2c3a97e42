"""The public portal (no sign-in) and the staff inbox of contact requests.

Public pages set no cookie except the CSRF cookie of the contact form, load only the portal's own
small CSS and JS, and never show a confidential address (they read `public_directory` only).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgau.core.forms import apply_errors
from qorgau.core.views_public import public_view
from qorgau.directory.links import optional_url
from qorgau.directory.selectors import public_directory, service_types
from qorgau.portal import ratelimit, selectors, services
from qorgau.portal.forms import ContactForm, PublicSearchForm


def _render(request, template, context=None, status=200):
    """Every portal page: language links to the same page and the quick-exit address."""
    path = request.path
    context = {
        "lang_links": [
            {
                "code": code,
                "label": label,
                "url": translate_url(path, code),
                "current": code == get_language(),
            }
            for code, label in settings.LANGUAGES
        ],
        "quick_exit_url": settings.QORGAU_QUICK_EXIT_URL,
        **(context or {}),
    }
    return render(request, template, context, status=status)


@public_view
def home(request):
    return _render(request, "portal/home.html")


@public_view
def find_help(request):
    form = PublicSearchForm(request.GET or None)
    entries = None
    if form.is_valid():
        region = form.cleaned_data["region"]
        entries = public_directory(region=region.code, service=form.cleaned_data["service"] or None)
    status = 400 if request.GET and form.errors else 200
    return _render(request, "portal/find_help.html", {"form": form, "entries": entries}, status=status)


@public_view
def service_list(request):
    return _render(request, "portal/services.html", {"services": service_types()})


@public_view
def rights(request):
    context = {
        "order_days": settings.QORGAU_PROTECTIVE_ORDER_DAYS,
        "breach_article": settings.QORGAU_PROTECTIVE_ORDER_BREACH_ARTICLE,
        "family_article": settings.QORGAU_FAMILY_OFFENCE_ARTICLE,
        "req_min": settings.QORGAU_SPECIAL_REQUIREMENTS_MIN_MONTHS,
        "req_max": settings.QORGAU_SPECIAL_REQUIREMENTS_MAX_MONTHS,
    }
    return _render(request, "portal/rights.html", context)


@public_view
def safety_plan(request):
    return _render(request, "portal/safety_plan.html")


@public_view
def self_check(request):
    return _render(request, "portal/self_check.html")


@public_view
def contact(request):
    if request.method != "POST":
        return _render(request, "portal/contact.html", {"form": ContactForm()})
    # Only accepted requests count towards the limit: a visitor who mistyped her number is not
    # locked out for correcting it.
    limit = (
        request,
        "contact",
        settings.QORGAU_CONTACT_RATE_LIMIT,
        settings.QORGAU_CONTACT_RATE_WINDOW_MINUTES * 60,
    )
    if ratelimit.is_limited(*limit):
        return _render(request, "portal/refused.html", {"reason": "busy"}, status=429)
    form = ContactForm(request.POST)
    if form.is_spam:
        return _render(request, "portal/refused.html", {"reason": "spam"}, status=400)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("website", None)
        try:
            services.contact_request_submit(language=get_language(), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            ratelimit.count(*limit)
            # Post/redirect/get: a reload cannot send it twice, and nothing she typed is echoed.
            return redirect("portal:contact_sent")
    return _render(request, "portal/contact.html", {"form": form}, status=400)


def csrf_failure(request, reason=""):
    """A form whose security token was lost (cookie cleared, page left open across a browser
    restart): on the portal a calm page that lets her send again; elsewhere the usual 403."""
    prefixes = tuple(f"/{code}/" for code, _label in settings.LANGUAGES)
    if not request.path.startswith(prefixes):
        from qorgau.core.views import forbidden

        return forbidden(request)
    return _render(request, "portal/refused.html", {"reason": "expired"}, status=403)


@public_view
def contact_sent(request):
    return _render(request, "portal/contact_sent.html")


# --- Staff: the regional inbox -------------------------------------------------------------------


def inbox(request):
    try:
        items = list(selectors.inbox(actor=request.user))
    except PermissionDenied:
        return render(request, "portal/inbox.html", {"not_receiving": True})
    context = {"items": items, "escalate_hours": settings.QORGAU_CONTACT_ESCALATE_HOURS}
    return render(request, "portal/inbox.html", context)


def request_detail(request, request_id):
    item = selectors.request_get(actor=request.user, request_id=request_id)
    intake = (
        optional_url("cases:intake", contact_request=item.pk) if item.taken_by_id == request.user.pk else ""
    )
    return render(request, "portal/request_detail.html", {"item": item, "intake_url": intake})


@require_POST
def request_take(request, request_id):
    item = selectors.request_get(actor=request.user, request_id=request_id)
    try:
        services.contact_request_take(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("contact_requests:detail", request_id=item.pk)
    messages.success(request, _("The request is yours. Contact the person the way they asked."))
    intake = optional_url("cases:intake", contact_request=item.pk)
    return redirect(intake or reverse("contact_requests:detail", args=[item.pk]))


def inbox_panel(request):
    counts = selectors.inbox_counts(actor=request.user)
    if counts is None:
        return None
    return {"template": "portal/inbox_panel.html", **counts}
