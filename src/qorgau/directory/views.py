"""Directory pages for staff: search, an agency's page, its profile, bed capacity, the catalogue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qorgau.core.errors import Conflict
from qorgau.core.forms import apply_errors
from qorgau.directory import selectors, services
from qorgau.directory.forms import CapacityForm, CatalogueForm, ProfileForm, SearchForm
from qorgau.directory.models import ServiceType
from qorgau.directory.policies import can_update_capacity


def search(request):
    """Filters come in the query string, so a search can be bookmarked and works without JS."""
    form = SearchForm(request.GET, services=list(selectors.service_types()))
    entries, case, service = [], None, ""
    if form.is_valid():
        entries = selectors.directory_search(actor=request.user, **form.filters())
        case, service = form.cleaned_data["case"], form.cleaned_data["service"]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": Paginator(entries, 30).get_page(request.GET.get("page")),
        "case": case,
        "service": service,
        "query": query.urlencode(),
    }
    return render(request, "directory/search.html", context, status=400 if form.errors else 200)


def agency_detail(request, agency_id):
    entry = selectors.directory_entry(actor=request.user, agency_id=agency_id)
    return render(request, "directory/agency.html", {"entry": entry})


def profile_edit(request):
    agency = request.user.agency
    if agency is None:
        raise PermissionDenied
    profile = selectors.profile_for_edit(actor=request.user, agency=agency)
    catalogue = list(selectors.service_types())
    initial = {"services": selectors.offered_service_codes(agency), "version": profile.version}
    form = ProfileForm(
        request.POST or None, instance=profile, initial=initial, services=catalogue, agency=agency
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.profile_update(
                actor=request.user,
                agency=agency,
                version=data.pop("version"),
                services=data.pop("services"),
                **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The agency profile was saved."))
            return redirect("directory:profile_edit")
    status = 400 if form.errors else 200
    return render(request, "directory/profile_form.html", {"form": form, "agency": agency}, status=status)


def _capacity_context(request, form=None) -> dict:
    agency = request.user.agency
    if agency is None:
        raise PermissionDenied
    profile, history = selectors.capacity_of(actor=request.user, agency=agency)
    initial = {
        "beds_free": getattr(profile, "beds_free", None),
        "beds_total": getattr(profile, "beds_total", None),
    }
    return {
        "agency": agency,
        "profile": profile,
        "history": history,
        "form": form or CapacityForm(initial=initial),
    }


def capacity(request):
    """The shelter's own page: the one-field form and who changed the figures when."""
    form = CapacityForm(request.POST or None) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            services.capacity_update(actor=request.user, agency=request.user.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if request.headers.get("HX-Request"):
                return render(
                    request, "directory/capacity_card.html", _capacity_context(request) | {"saved": True}
                )
            messages.success(request, _("Free beds updated."))
            return redirect("core:home" if request.POST.get("back") == "dashboard" else "directory:capacity")
    context = _capacity_context(request, form)
    status = 400 if form is not None and form.errors else 200
    template = (
        "directory/capacity_card.html" if request.headers.get("HX-Request") else "directory/capacity.html"
    )
    return render(request, template, context, status=status)


def capacity_panel(request):
    """Dashboard panel for shelter staff and supervisors of agencies with beds."""
    user = request.user
    if user.agency is None or not can_update_capacity(user, user.agency):
        return None
    return {"template": "directory/capacity_panel.html", **_capacity_context(request)}


def catalogue(request):
    items = selectors.catalogue_for_admin(actor=request.user)
    return render(request, "directory/catalogue.html", {"items": items})


def catalogue_edit(request, code):
    selectors.catalogue_for_admin(actor=request.user)  # the policy check
    service = get_object_or_404(ServiceType, code=code)
    form = CatalogueForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.catalogue_update(actor=request.user, service=service, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The service was saved."))
            return redirect("directory:catalogue")
        service.refresh_from_db()
    status = 400 if form.errors else 200
    return render(request, "directory/catalogue_form.html", {"form": form, "service": service}, status=status)
