from rest_framework import generics, serializers

from qorgau.core.models import Region


class RegionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "kind", "name", "name_kk", "name_ru", "name_en"]


class RegionList(generics.ListAPIView):
    """The 17 regions and 3 cities of republican significance."""

    serializer_class = RegionSerializer
    pagination_class = None
    queryset = Region.objects.filter(is_active=True)
