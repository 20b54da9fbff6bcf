from rest_framework import serializers, viewsets

from .models import Municipality
from .selectors import municipalities_with_inhabitants


class MunicipalitySerializer(serializers.ModelSerializer):
    region = serializers.StringRelatedField()
    inhabitants = serializers.IntegerField(source="inhabitants_count", allow_null=True)
    inhabitants_year = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Municipality
        fields = ["cbs_code", "name", "province", "region", "inhabitants", "inhabitants_year"]


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    """Municipalities the caller may see, with their latest number of inhabitants."""

    serializer_class = MunicipalitySerializer
    lookup_field = "cbs_code"

    def get_queryset(self):
        return municipalities_with_inhabitants(self.request.user).select_related("region")


def register(router) -> None:
    router.register("gemeenten", MunicipalityViewSet, basename="municipality")
