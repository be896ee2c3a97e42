"""Accounts in the REST API: who am I, and the agencies one can refer to."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgau.accounts.models import Agency


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    agency_id = serializers.IntegerField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    language = serializers.CharField()


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The signed-in user")
    def get(self, request):
        user = request.user
        data = {
            "username": user.username,
            "display_name": user.display_name,
            "agency_id": user.agency_id,
            "roles": sorted(user.roles),
            "language": user.language,
        }
        return Response(MeSerializer(data).data)


class AgencySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Agency
        fields = ["id", "kind", "region", "name", "name_kk", "name_ru", "name_en"]


class AgencyList(generics.ListAPIView):
    """Active agencies (public facts about organisations, no survivor data)."""

    serializer_class = AgencySerializer

    def get_queryset(self):
        qs = (
            Agency.objects.filter(is_active=True).select_related("region").order_by("region__sort", "name_en")
        )
        region = self.request.query_params.get("region")
        kind = self.request.query_params.get("kind")
        if region:
            qs = qs.filter(region_id=region)
        if kind:
            qs = qs.filter(kind=kind)
        return qs
