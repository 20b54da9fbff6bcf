"""Read endpoints of the productenboek: products, purchase matrix and tariffs.

Each list takes an optional ``op`` (YYYY-MM-DD) to show only what is valid on that day.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from zorgregio.accounts.permissions import HasRole
from zorgregio.api.params import date_param

from . import selectors
from .models import Product, PurchaseMatrixEntry, Tariff

DAY = OpenApiParameter(
    "op", OpenApiTypes.DATE, description="Only what is valid on this day (YYYY-MM-DD)."
)


class ProductSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "group",
            "group_name",
            "law",
            "productcategorie",
            "productcode",
            "name",
            "description",
            "unit",
            "allowed_frequencies",
            "intensity_rank",
            "valid_from",
            "valid_until",
            "successor",
        ]


class PurchaseMatrixEntrySerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)

    class Meta:
        model = PurchaseMatrixEntry
        fields = ["id", "product", "municipality", "mode", "valid_from", "valid_until"]


class TariffSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(
        source="municipality.cbs_code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Tariff
        fields = [
            "id",
            "product",
            "municipality",
            "amount_cents",
            "valid_from",
            "valid_until",
            "set_at",
            "reason",
        ]


class DayMixin:
    permission_classes = [HasRole]

    def day(self):
        return date_param(self.request.query_params, "op")


@extend_schema_view(list=extend_schema(parameters=[DAY]))
class ProductViewSet(DayMixin, viewsets.ReadOnlyModelViewSet):
    """Products of the catalogue (productenboek)."""

    serializer_class = ProductSerializer

    def get_queryset(self):
        return selectors.products(self.request.user, self.day()).order_by("pk")


@extend_schema_view(list=extend_schema(parameters=[DAY]))
class PurchaseMatrixViewSet(DayMixin, viewsets.ReadOnlyModelViewSet):
    """Per product and municipality (CBS code): bought regionally, locally or not."""

    serializer_class = PurchaseMatrixEntrySerializer

    def get_queryset(self):
        return selectors.matrix_entries(self.request.user, self.day()).order_by("pk")


@extend_schema_view(list=extend_schema(parameters=[DAY]))
class TariffViewSet(DayMixin, viewsets.ReadOnlyModelViewSet):
    """Tariffs in eurocents per unit; municipality empty means region-wide."""

    serializer_class = TariffSerializer

    def get_queryset(self):
        return selectors.tariffs(self.request.user, self.day()).order_by("pk")


def register(router) -> None:
    router.register("producten", ProductViewSet, basename="product")
    router.register("inkoopmatrix", PurchaseMatrixViewSet, basename="purchase-matrix")
    router.register("tarieven", TariffViewSet, basename="tariff")
