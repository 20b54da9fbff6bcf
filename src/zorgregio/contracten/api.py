"""Read API of the contract register: agreements, admissions (filterable) and amendments."""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from zorgregio.accounts.permissions import HasRole
from zorgregio.api.params import date_param, int_param

from . import selectors
from .models import (
    Admission,
    AdmissionStatus,
    AgreementExtension,
    Amendment,
    FrameworkAgreement,
)


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementExtension
        fields = ["number", "previous_end", "new_end", "exercised_on"]


class AgreementSerializer(serializers.ModelSerializer):
    extensions = ExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = FrameworkAgreement
        fields = [
            "id",
            "name",
            "laws",
            "valid_from",
            "valid_until",
            "extension_options",
            "extension_months",
            "extensions",
        ]


class AdmissionSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    provider_agb_code = serializers.CharField(source="provider.agb_code", read_only=True)
    product_code = serializers.SerializerMethodField()
    product_group_code = serializers.CharField(
        source="product_group.code", read_only=True, default=None
    )
    municipality_cbs_code = serializers.CharField(source="municipality.cbs_code", read_only=True)

    class Meta:
        model = Admission
        fields = [
            "id",
            "agreement",
            "provider",
            "provider_name",
            "provider_agb_code",
            "product",
            "product_code",
            "product_group",
            "product_group_code",
            "municipality",
            "municipality_cbs_code",
            "valid_from",
            "valid_until",
            "status",
        ]

    def get_product_code(self, obj) -> str | None:
        if obj.product_id is None:
            return None
        return f"{obj.product.productcategorie}{obj.product.productcode}"


class AmendmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Amendment
        fields = [
            "id",
            "agreement",
            "provider",
            "proposed_by",
            "title",
            "motivation",
            "articles",
            "effective_date",
            "status",
            "decided_at",
        ]


class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    """Framework agreements of the caller's region."""

    serializer_class = AgreementSerializer
    permission_classes = [HasRole]

    def get_queryset(self):
        return selectors.agreements_visible_to(self.request.user).prefetch_related("extensions")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("provider", OpenApiTypes.INT, description="Provider id."),
            OpenApiParameter(
                "product",
                OpenApiTypes.INT,
                description="Product id (also matches admissions for its product group).",
            ),
            OpenApiParameter("municipality", OpenApiTypes.STR, description="CBS code."),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description="concept, actief, clientenstop or beeindigd.",
            ),
            OpenApiParameter("date", OpenApiTypes.DATE, description="Valid on this date."),
        ]
    )
)
class AdmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """Admissions the caller may see (a provider: only its own)."""

    serializer_class = AdmissionSerializer
    permission_classes = [HasRole]

    def get_queryset(self):
        params = self.request.query_params
        qs = selectors.admissions_visible_to(self.request.user)
        provider = int_param(params, "provider")
        if provider is not None:
            qs = qs.filter(provider_id=provider)
        product_id = int_param(params, "product")
        if product_id is not None:
            from zorgregio.producten.models import Product

            product = Product.objects.filter(pk=product_id).first()
            if product is None:
                return qs.none()
            qs = qs.filter(
                Q(product=product) | Q(product__isnull=True, product_group_id=product.group_id)
            )
        if params.get("municipality"):
            qs = qs.filter(municipality__cbs_code=params["municipality"])
        if params.get("status"):
            if params["status"] not in AdmissionStatus.values:
                raise ValidationError(
                    {"status": [_("Unknown status; use one of %(values)s.") % {
                        "values": ", ".join(AdmissionStatus.values)}]}
                )  # fmt: skip
            qs = qs.filter(status=params["status"])
        day = date_param(params, "date")
        if day is not None:
            qs = qs.valid_on(day)
        return qs.order_by("pk")


class AmendmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Amendments the caller may see (a provider: only its own)."""

    serializer_class = AmendmentSerializer
    permission_classes = [HasRole]

    def get_queryset(self):
        return selectors.amendments_visible_to(self.request.user).order_by("-pk")


def register(router) -> None:
    router.register("raamovereenkomsten", AgreementViewSet, basename="agreement")
    router.register("deelnames", AdmissionViewSet, basename="admission")
    router.register("contractwijzigingen", AmendmentViewSet, basename="amendment")
