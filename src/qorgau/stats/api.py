"""National statistics in the REST API, for analysts: the same figures and suppression as the pages.

A suppressed figure is `null` with `"suppressed": true`; never 0.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.stats import policies, selectors
from qorgau.stats.forms import FilterForm

FILTERS = [
    OpenApiParameter("start", OpenApiTypes.STR, description="First month, YYYY-MM (default: 12 months ago)"),
    OpenApiParameter("end", OpenApiTypes.STR, description="Last month, YYYY-MM (default: last month)"),
    OpenApiParameter("region", OpenApiTypes.STR, description="Region code (default: whole country)"),
    OpenApiParameter("gbv_type", OpenApiTypes.STR, description="Type of violence"),
    OpenApiParameter("age_band", OpenApiTypes.STR, description="Age band"),
]


def _filters(request):
    form = FilterForm(request.query_params)
    if not form.is_valid():
        raise ValidationError({f: [str(m) for m in msgs] for f, msgs in form.errors.items()})
    return form.cleaned_data["filters"]


def _row(row) -> dict:
    data = {"code": row.code, "label": row.label, "value": row.value, "suppressed": row.value is None}
    if row.previous is not None or row.value is not None:
        data["previous"] = row.previous
    if row.share is not None:
        data["share"] = round(row.share, 4)
    if row.low is not None:
        data["interval_95"] = [round(row.low, 4), round(row.high, 4)]
    for name, value in row.extra.items():
        data[name] = round(value, 4) if isinstance(value, float) else value
    return data


class _StatsView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not policies.can_view_statistics(request.user):
            self.permission_denied(request)


class IncidentStats(_StatsView):
    @extend_schema(
        summary="Incidents: totals, trend and breakdowns (suppressed)",
        parameters=FILTERS,
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        data = selectors.incidents_get(actor=request.user, filters=_filters(request), purpose="api")
        pieces = ([data.by_region] if data.by_region else []) + [data.trend, *data.breakdowns, data.contexts]
        return Response(
            {
                "filters": data.filters.as_dict(),
                "k": data.release.rules.k,
                "total": _row(data.total),
                "tables": [
                    {"code": p.code, "title": p.title, "rows": [_row(r) for r in p.rows]} for p in pieces
                ],
            }
        )


class PathwayStats(_StatsView):
    @extend_schema(
        summary="Pathway, risk work and outcomes (suppressed)",
        parameters=FILTERS,
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        filters = _filters(request)
        release, sections = selectors.pathway_get(actor=request.user, filters=filters, purpose="api")
        return Response(
            {
                "filters": filters.as_dict(),
                "k": release.rules.k,
                "tables": [
                    {"code": s.code, "title": s.title, "rows": [_row(r) for r in s.rows]} for s in sections
                ],
            }
        )


class CalibrationStats(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not policies.can_view_calibration(request.user):
            self.permission_denied(request)

    @extend_schema(
        summary="Risk levels checked against outcomes, with 95% Wilson intervals",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        data = selectors.calibration_get(actor=request.user, purpose="api")
        return Response(
            {
                "follow_up_months": data.follow_up_months,
                "assessed_until": data.assessed_until.isoformat(),
                "by_version": [
                    {"version": v, "rows": [_row(r) for r in rows]} for v, rows in data.by_version
                ],
                "by_region": [{"region": r, "rows": [_row(x) for x in rows]} for r, rows in data.by_region],
            }
        )
