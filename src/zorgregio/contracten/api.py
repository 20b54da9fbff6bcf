"""Read API of the contract register: agreements, admissions (filterable) and amendments."""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from zorgregio.accounts.permissions import HasRole
from zorgregio.api.params import date_param, int_param
from zorgregio.api.services import WritesByRegionMixin, call_service

from . import selectors, services
from .models import (
    Admission,
    AdmissionStatus,
    AgreementExtension,
    Amendment,
    AmendmentChangeKind,
    AmendmentStatus,
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
        return obj.product.code


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


@extend_schema_field(OpenApiTypes.INT)
class ScopedField(serializers.PrimaryKeyRelatedField):
    """An id of an object the caller may see; any other id is 'does not exist'."""

    def __init__(self, visible, **kwargs):
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.visible(self.context["request"].user)


@extend_schema_field(OpenApiTypes.STR)
class MunicipalityCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="cbs_code", **kwargs)

    def get_queryset(self):
        from zorgregio.regio.models import Municipality

        return Municipality.objects.visible_to(self.context["request"].user)


def _providers(user):
    from zorgregio.aanbieders.models import Provider

    return Provider.objects.visible_to(user)


def _products(user):
    from zorgregio.producten.models import Product

    return Product.objects.all()


def _groups(user):
    from zorgregio.producten.models import ProductGroup

    return ProductGroup.objects.all()


class AdmissionInputSerializer(serializers.Serializer):
    agreement = ScopedField(
        selectors.agreements_visible_to, required=False, help_text="Default: the current one."
    )
    provider = ScopedField(_providers)
    product = ScopedField(_products, required=False, allow_null=True)
    product_group = ScopedField(_groups, required=False, allow_null=True)
    municipality = MunicipalityCodeField(help_text="CBS code.")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)
    active = serializers.BooleanField(default=False, help_text="Start active at once.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TransitionInputSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=AdmissionStatus.choices)
    effective_on = serializers.DateField()
    reason = serializers.CharField()


class AmendmentChangeInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AmendmentChangeKind.choices)
    product = ScopedField(_products, required=False, allow_null=True)
    product_group = ScopedField(_groups, required=False, allow_null=True)
    municipality = MunicipalityCodeField(required=False, allow_null=True)
    admission = ScopedField(selectors.admissions_visible_to, required=False, allow_null=True)


class AmendmentInputSerializer(serializers.Serializer):
    agreement = ScopedField(selectors.agreements_visible_to, required=False)
    provider = ScopedField(_providers, required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    motivation = serializers.CharField()
    articles = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    effective_date = serializers.DateField()
    changes = AmendmentChangeInputSerializer(many=True, required=False, default=list)


class DecisionInputSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=AmendmentStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


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
class AdmissionViewSet(WritesByRegionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Admissions the caller may see (a provider: only its own). The regional team adds
    admissions and moves them through their lifecycle (``status``), through the same services
    and rules as the screens."""

    serializer_class = AdmissionSerializer

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

    @extend_schema(request=AdmissionInputSerializer, responses={201: AdmissionSerializer})
    def create(self, request, *args, **kwargs):
        return _create_under_agreement(
            request, AdmissionInputSerializer, services.admission_create, AdmissionSerializer
        )

    @extend_schema(request=TransitionInputSerializer, responses=AdmissionSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def transition(self, request, pk=None):
        """Move the admission to another status from a date (activate, client stop, end)."""
        admission = self.get_object()
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admission = call_service(
            services.admission_transition,
            actor=request.user,
            admission=admission,
            **data.validated_data,
        )
        return Response(AdmissionSerializer(admission).data)


def _create_under_agreement(request, input_serializer, service, output_serializer):
    """Validate the input, call ``service`` under the agreement named (default: the current
    one) and answer 201 with the new object."""
    data = input_serializer(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    fields = dict(data.validated_data)
    agreement = fields.pop("agreement", None) or _current_agreement(request.user)
    obj = call_service(service, actor=request.user, agreement=agreement, **fields)
    return Response(output_serializer(obj).data, status=status.HTTP_201_CREATED)


def _current_agreement(user):
    from django.utils import timezone

    agreement = selectors.current_agreement(user.region, timezone.localdate())
    if agreement is None:
        raise ValidationError({"agreement": _("There is no framework agreement yet.")})
    return agreement


class AmendmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Amendments the caller may see (a provider: only its own). The regional team, and a
    provider for its own contract, propose amendments; the regional team decides on them
    (``besluit``): accepting applies the changes to the register, all or nothing."""

    serializer_class = AmendmentSerializer

    def get_permissions(self):
        from zorgregio.accounts.permissions import ManagesRegion, ProposesAmendments

        if self.action == "decide":
            return [ManagesRegion()]
        if self.action == "create":
            return [ProposesAmendments()]
        return [HasRole()]

    def get_queryset(self):
        return selectors.amendments_visible_to(self.request.user).order_by("-pk")

    @extend_schema(request=AmendmentInputSerializer, responses={201: AmendmentSerializer})
    def create(self, request, *args, **kwargs):
        return _create_under_agreement(
            request, AmendmentInputSerializer, services.amendment_propose, AmendmentSerializer
        )

    @extend_schema(request=DecisionInputSerializer, responses=AmendmentSerializer)
    @action(detail=True, methods=["post"], url_path="besluit")
    def decide(self, request, pk=None):
        amendment = self.get_object()
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = call_service(
            services.amendment_decide,
            actor=request.user,
            amendment=amendment,
            **data.validated_data,
        )
        return Response(AmendmentSerializer(amendment).data)


def register(router) -> None:
    router.register("raamovereenkomsten", AgreementViewSet, basename="agreement")
    router.register("deelnames", AdmissionViewSet, basename="admission")
    router.register("contractwijzigingen", AmendmentViewSet, basename="amendment")
