"""The directory in the REST API: the catalogue, the search, and bed capacity updates.

Search results never carry a confidential (shelter) address: that is shown only on the agency's
page to case roles, where each look is recorded.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.accounts.models import Agency
from qorgau.directory import selectors, services
from qorgau.directory.forms import SearchForm


class ServiceTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_kk = serializers.CharField()
    name_ru = serializers.CharField()
    name_en = serializers.CharField()
    description = serializers.CharField()
    description_kk = serializers.CharField()
    description_ru = serializers.CharField()
    description_en = serializers.CharField()
    shares_sections = serializers.ListField(child=serializers.CharField())
    deadline_hours = serializers.IntegerField()
    urgent_deadline_hours = serializers.IntegerField()
    provider_kinds = serializers.ListField(child=serializers.CharField())
    sort = serializers.IntegerField()


class ServiceTypeList(generics.ListAPIView):
    """The service catalogue (active services), with referral deadlines and the sections shared."""

    serializer_class = ServiceTypeSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.service_types()


class ServiceRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class EntrySerializer(serializers.Serializer):
    agency_id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    region = serializers.CharField(source="region_code")
    phone = serializers.CharField()
    open_24_7 = serializers.BooleanField()
    hours = serializers.CharField()
    address = serializers.CharField(help_text="Empty when the address is confidential (shelters).")
    address_confidential = serializers.BooleanField()
    languages = serializers.ListField(child=serializers.CharField())
    accessible = serializers.BooleanField()
    accessibility_note = serializers.CharField()
    accepts_women = serializers.BooleanField()
    accepts_children = serializers.BooleanField()
    boys_max_age = serializers.IntegerField(allow_null=True)
    accepts_disabilities = serializers.BooleanField()
    services = ServiceRefSerializer(many=True)
    reports_capacity = serializers.BooleanField()
    beds_total = serializers.IntegerField(allow_null=True)
    beds_free = serializers.IntegerField(allow_null=True)
    capacity_updated_at = serializers.DateTimeField(allow_null=True)
    capacity_stale = serializers.BooleanField()


def _flag(name, text):
    return OpenApiParameter(name, OpenApiTypes.BOOL, description=text)


class DirectorySearch(generics.ListAPIView):
    """Search agencies by region, service and whom they accept ("free beds in Astana, with children")."""

    serializer_class = EntrySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("region", OpenApiTypes.STR, description="Region code, e.g. 71"),
            OpenApiParameter("service", OpenApiTypes.STR, description="Service code, e.g. shelter"),
            _flag("free_beds", "Only agencies reporting at least one free bed"),
            _flag("accepts_children", "Only agencies that accept children"),
            _flag("accessible", "Only agencies with step-free access"),
            _flag("accepts_disabilities", "Only agencies that accept people with disabilities"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        form = SearchForm(self.request.query_params, services=list(selectors.service_types()))
        if not form.is_valid():
            raise serializers.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        return selectors.directory_search(actor=self.request.user, **form.filters())


class CapacityInSerializer(serializers.Serializer):
    beds_free = serializers.IntegerField(min_value=0, max_value=services.MAX_BEDS)
    beds_total = serializers.IntegerField(min_value=0, max_value=services.MAX_BEDS, required=False)


class CapacityOutSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField()
    beds_total = serializers.IntegerField()
    beds_free = serializers.IntegerField()
    at = serializers.DateTimeField()


class CapacityUpdateView(APIView):
    @extend_schema(
        request=CapacityInSerializer,
        responses=CapacityOutSerializer,
        summary="Report free beds (shelter staff and supervisors of the agency)",
    )
    def post(self, request, agency_id):
        agency = get_object_or_404(Agency, pk=agency_id, is_active=True)
        data = CapacityInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        update = services.capacity_update(actor=request.user, agency=agency, **data.validated_data)
        out = {
            "agency_id": agency.pk,
            "beds_total": update.beds_total,
            "beds_free": update.beds_free,
            "at": update.at,
        }
        return Response(CapacityOutSerializer(out).data, status=201)
