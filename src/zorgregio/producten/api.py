"""Read endpoints of the productenboek: products, purchase matrix and tariffs.

Each list takes an optional ``op`` (YYYY-MM-DD) to show only what is valid on that day.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from zorgregio.accounts.permissions import HasRole
from zorgregio.accounts.scoping import scope_for
from zorgregio.api.params import date_param
from zorgregio.api.services import call_service

from . import selectors, services
from .models import DataDelivery, GroupVariant, Product, PurchaseMatrixEntry, Tariff

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


# --- funding variants and data deliveries (issue 20) ---------------------------------------------


class GroupVariantSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.code", read_only=True)
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)

    class Meta:
        model = GroupVariant
        fields = ["id", "group", "municipality", "variant", "regieberichten", "valid_from",
                  "valid_until", "reason"]  # fmt: skip


@extend_schema_view(list=extend_schema(parameters=[DAY]))
class GroupVariantViewSet(DayMixin, viewsets.ReadOnlyModelViewSet):
    """The funding variant per product group and municipality (CBS code) and period; a group
    without a row on a day is inspanningsgericht."""

    serializer_class = GroupVariantSerializer

    def get_queryset(self):
        qs = selectors.variant_history(self.request.user)
        day = self.day()
        return (qs.valid_on(day) if day else qs).order_by("pk")


class DataDeliverySerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.agb_code", read_only=True)
    group = serializers.CharField(source="group.code", read_only=True)
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)

    class Meta:
        model = DataDelivery
        fields = ["id", "provider", "group", "municipality", "period_start", "period_end",
                  "clients", "inflow", "outflow", "waiting_days"]  # fmt: skip


class DataDeliveryRow(serializers.Serializer):
    productgroep = serializers.CharField()
    gemeente = serializers.CharField(help_text="CBS code")
    periode_begin = serializers.CharField(help_text="YYYY-MM-DD")
    periode_eind = serializers.CharField(help_text="YYYY-MM-DD")
    clienten = serializers.CharField()
    instroom = serializers.CharField()
    uitstroom = serializers.CharField()
    wachttijd_dagen = serializers.CharField()


class DataDeliveryInput(serializers.Serializer):
    rijen = DataDeliveryRow(many=True)


class DataDeliveryPermission(BasePermission):
    """Read: the roles of Scope.sees_task_funding (scoped); POST: a provider, for itself."""

    def has_permission(self, request, view) -> bool:
        scope = scope_for(request.user)
        if request.method == "POST":
            return scope.provider_id is not None and scope.may_deliver_data_for(scope.provider_id)
        return scope.sees_task_funding


class DataDeliveryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The data deliveries of task-oriented work (art. 3.10): clients, inflow, outflow and the
    average waiting time per provider, product group, municipality and period. POST: a provider
    delivers rows (all or nothing; a period delivered before is replaced)."""

    permission_classes = [DataDeliveryPermission]
    serializer_class = DataDeliverySerializer

    def get_queryset(self):
        return selectors.data_deliveries(self.request.user).order_by("pk")

    @extend_schema(request=DataDeliveryInput, responses={201: DataDeliverySerializer(many=True)})
    def create(self, request, *args, **kwargs):
        data = DataDeliveryInput(data=request.data)
        data.is_valid(raise_exception=True)
        written = call_service(
            services.data_delivery_record,
            actor=request.user,
            provider=request.user.provider,
            rows=[dict(row) for row in data.validated_data["rijen"]],
        )
        return Response(
            DataDeliverySerializer(written, many=True).data, status=status.HTTP_201_CREATED
        )


def register(router) -> None:
    router.register("producten", ProductViewSet, basename="product")
    router.register("inkoopmatrix", PurchaseMatrixViewSet, basename="purchase-matrix")
    router.register("tarieven", TariffViewSet, basename="tariff")
    router.register("uitvoeringsvarianten", GroupVariantViewSet, basename="group-variant")
    router.register("gegevensaanleveringen", DataDeliveryViewSet, basename="data-delivery")
