"""Statistics pages for analysts, their downloads, and the public open-data page. Thin views."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qorgau.core.views_public import public_view
from qorgau.stats import exports, policies, selectors
from qorgau.stats.figures import Filters
from qorgau.stats.forms import LANGUAGES, DownloadForm, FilterForm
from qorgau.stats.release import AuditFailed


def stats_panel(request):
    if not policies.can_view_statistics(request.user):
        return None
    return {"template": "stats/panel.html", "refresh": selectors.last_refresh()}


def _filters(request) -> tuple[FilterForm, Filters | None]:
    form = FilterForm(request.GET or None)
    if not request.GET:
        form = FilterForm({})
    return form, form.cleaned_data["filters"] if form.is_valid() else None


def _chart(piece) -> dict:
    return {
        "labels": [row.label for row in piece.rows],
        "values": [row.value for row in piece.rows],
    }


def _common() -> dict:
    return {
        "refresh": selectors.last_refresh(),
        "settings_k": settings.QORGAU_STATS_K,
        "download_languages": LANGUAGES,
    }


def _page(request, template, context, form):
    query = request.GET.copy()
    for name in ("format", "lang"):
        query.pop(name, None)
    context = {"form": form, "query": query.urlencode(), **_common(), **context}
    return render(request, template, context, status=200 if form.is_valid() else 400)


@require_GET
def dashboard(request):
    if not policies.can_view_statistics(request.user):
        raise PermissionDenied
    form, filters = _filters(request)
    context = {}
    if filters is not None:
        data = selectors.incidents_get(actor=request.user, filters=filters)
        pieces = ([data.by_region] if data.by_region else []) + [data.trend, *data.breakdowns]
        context = {"data": data, "pieces": pieces, "charts": {p.code: _chart(p) for p in pieces}}
    return _page(request, "stats/dashboard.html", context, form)


@require_GET
def pathway(request):
    if not policies.can_view_statistics(request.user):
        raise PermissionDenied
    form, filters = _filters(request)
    context = {}
    if filters is not None:
        release, sections = selectors.pathway_get(actor=request.user, filters=filters)
        context = {"sections": sections, "release": release, "filters": filters}
    return _page(request, "stats/pathway.html", context, form)


@require_GET
def calibration(request):
    if not policies.can_view_calibration(request.user):
        raise PermissionDenied
    data = selectors.calibration_get(actor=request.user)
    return render(request, "stats/calibration.html", {"data": data, **_common()})


@require_GET
def download(request, page):
    if page not in ("incidents", "pathway", "calibration"):
        raise Http404
    allowed = policies.can_view_calibration if page == "calibration" else policies.can_view_statistics
    if not allowed(request.user):
        raise PermissionDenied
    choice = DownloadForm(request.GET)
    form, filters = _filters(request)
    if not choice.is_valid() or (page != "calibration" and filters is None):
        errors = [str(e) for field in (*choice.errors.values(), *form.errors.values()) for e in field]
        return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    fmt = choice.cleaned_data["format"]
    with translation.override(choice.cleaned_data["lang"] or translation.get_language()):
        if page == "incidents":
            data = selectors.incidents_get(actor=request.user, filters=filters, purpose="export")
            release, sheets, title = data.release, exports.incident_sheets(data), _("Incidents")
        elif page == "pathway":
            release, sections = selectors.pathway_get(actor=request.user, filters=filters, purpose="export")
            sheets, title = exports.pathway_sheets(sections), _("Pathway, risk work and outcomes")
        else:
            data = selectors.calibration_get(actor=request.user, purpose="export")
            release, sheets, title = (
                data.release,
                exports.calibration_sheets(data),
                _("Risk levels and outcomes"),
            )
        try:
            body = exports.render(release, sheets, fmt, str(title))
        except AuditFailed:
            return HttpResponse(
                _(
                    "These figures failed the disclosure check and cannot be downloaded. Tell the administrator."
                ),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(page, fmt)}"'
    return response


# --- The public open-data page (portal, no sign-in) ----------------------------------------------


def _open_data(year):
    years = selectors.open_data_years()
    if year is None and years:
        year = years[0]
    if year is not None and year not in years:
        raise Http404
    return years, year


@public_view
@require_GET
def open_data(request, year=None):
    from qorgau.portal.views import _render

    years, year = _open_data(year)
    data = selectors.open_data_get(year=year) if year else None
    return _render(request, "stats/open_data.html", {"data": data, "years": years, "year": year})


@public_view
@require_GET
def open_data_csv(request, year):
    _years, year = _open_data(year)
    data = selectors.open_data_get(year=year)
    try:
        body = exports.to_csv(data.release, exports.incident_sheets(data))
    except AuditFailed:
        raise Http404 from None
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="qorgau-open-data-{year}.csv"'
    return response
