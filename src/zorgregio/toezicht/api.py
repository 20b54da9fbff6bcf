"""API of supervision, scoped as the screens.

``/api/v1/toezicht/signalen/`` and ``/zaken/`` for the regional team and municipality staff
(their municipalities); ``/wachttijden/`` reported waiting times with the measured ones and the
norm (providers their own; POST: a provider reports); ``/clientervaring/`` survey results with
small-cell suppression.
"""

from __future__ import annotations

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from zorgregio.accounts.permissions import HasRole
from zorgregio.accounts.scoping import scope_for
from zorgregio.api.services import call_service

from . import selectors, services
from .models import Case, Signal, WaitingTimeReport
from .rules import RULES


class Supervises(HasRole):
    message = "Only the regional team and municipality staff see supervision."

    def has_permission(self, request, view) -> bool:
        return scope_for(request.user).supervises


class SignalSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    municipality = serializers.CharField(source="municipality.cbs_code", allow_null=True)
    provider_id = serializers.IntegerField(allow_null=True)
    provider = serializers.CharField(source="provider.name", allow_null=True)
    product_group = serializers.CharField(source="product_group.code", allow_null=True)

    class Meta:
        model = Signal
        fields = [
            "id", "rule", "title", "summary", "municipality", "provider_id", "provider",
            "product_group", "period_start", "period_end", "measure", "threshold", "figures",
            "evidence", "active", "first_seen", "last_seen", "resolved_at",
        ]  # fmt: skip

    def get_title(self, obj) -> str:
        rule = RULES.get(obj.rule)
        return str(rule.title) if rule else obj.rule

    def get_summary(self, obj) -> str:
        rule = RULES.get(obj.rule)
        return rule.summary(obj.figures) if rule else ""


@extend_schema(
    parameters=[
        OpenApiParameter("regel", OpenApiTypes.STR, description="rule code"),
        OpenApiParameter("aanbieder", OpenApiTypes.INT, description="provider id"),
        OpenApiParameter("gemeente", OpenApiTypes.STR, description="CBS code"),
        OpenApiParameter("actief", OpenApiTypes.BOOL, description="still raised (default true)"),
    ]
)
class SignalViewSet(viewsets.ReadOnlyModelViewSet):
    """Supervision signals with their figures and evidence (ids)."""

    serializer_class = SignalSerializer
    permission_classes = [Supervises]
    queryset = Signal.objects.none()

    def get_queryset(self):
        qs = selectors.signals_visible_to(self.request.user)
        p = self.request.query_params
        if self.action == "list":
            active = p.get("actief", "true").lower()
            if active in ("true", "1"):
                qs = qs.filter(active=True)
            elif active in ("false", "0"):
                qs = qs.filter(active=False)
            if p.get("regel"):
                qs = qs.filter(rule=p["regel"])
            if p.get("aanbieder", "").isdigit():
                qs = qs.filter(provider_id=int(p["aanbieder"]))
            if p.get("gemeente"):
                qs = qs.filter(municipality__cbs_code=p["gemeente"])
        return qs.order_by("pk")


class MeasureSerializer(serializers.Serializer):
    kind = serializers.CharField()
    amount_cents = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    taken_on = serializers.DateField()
    note = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code", allow_null=True)
    provider = serializers.CharField(source="provider.name")
    assignee = serializers.CharField(source="assignee.username", allow_null=True)
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id", "title", "status", "municipality", "provider_id", "provider", "signal_id",
            "assignee", "opened_on", "deadline", "conclusion", "concluded_on", "closed_on",
            "measures",
        ]  # fmt: skip


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Supervision cases (onderzoeken) with their measures."""

    serializer_class = CaseSerializer
    permission_classes = [Supervises]
    queryset = Case.objects.none()

    def get_queryset(self):
        return (
            selectors.cases_visible_to(self.request.user)
            .prefetch_related("measures")
            .order_by("pk")
        )


class WaitingTimeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="report.id")
    provider_id = serializers.IntegerField(source="report.provider_id")
    provider = serializers.CharField(source="report.provider.name")
    municipality = serializers.CharField(source="report.municipality.cbs_code")
    product = serializers.CharField(source="report.product.productcode")
    reported_on = serializers.DateField(source="report.reported_on")
    intake_weeks = serializers.DecimalField(
        source="report.intake_weeks", max_digits=4, decimal_places=1
    )
    treatment_weeks = serializers.DecimalField(
        source="report.treatment_weeks", max_digits=4, decimal_places=1
    )
    norm_intake_weeks = serializers.DecimalField(
        source="norm_intake", max_digits=4, decimal_places=1
    )
    norm_treatment_weeks = serializers.DecimalField(
        source="norm_treatment", max_digits=4, decimal_places=1
    )
    over_norm = serializers.BooleanField()
    measured_weeks = serializers.FloatField(
        allow_null=True, help_text="Median toewijzing to first start of care, last 365 days."
    )
    measured_count = serializers.IntegerField()
    differs = serializers.BooleanField(help_text="Reported and measured differ by > 2 weeks.")
    overdue = serializers.BooleanField(help_text="Reported more than 31 days ago.")


class WaitingTimeInput(serializers.Serializer):
    gemeente = serializers.CharField(help_text="CBS code")
    productcode = serializers.CharField(help_text="e.g. 02A16 (category and code)")
    aanmeldwachttijd_weken = serializers.CharField()
    behandelwachttijd_weken = serializers.CharField()


class WaitingPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        scope = scope_for(request.user)
        if request.method == "POST":
            return scope.is_provider
        return scope.role in ("regio", "gemeente", "aanbieder")


class WaitingTimeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reported waiting times (latest per product) beside the measured ones; POST to report."""

    permission_classes = [WaitingPermission]
    serializer_class = WaitingTimeSerializer
    queryset = WaitingTimeReport.objects.none()

    def list(self, request, *args, **kwargs):
        rows = selectors.waiting_overview(request.user)
        return Response(WaitingTimeSerializer(rows, many=True).data)

    @extend_schema(request=WaitingTimeInput, responses={201: WaitingTimeSerializer})
    def create(self, request, *args, **kwargs):
        from zorgregio.aanbieders.models import Provider
        from zorgregio.common.periods import valid_on_q
        from zorgregio.producten.models import Product
        from zorgregio.regio.models import Municipality

        data = WaitingTimeInput(data=request.data)
        data.is_valid(raise_exception=True)
        scope = scope_for(request.user)
        if not scope.is_provider:
            raise PermissionDenied
        provider = Provider.objects.get(pk=scope.provider_id)
        municipality = Municipality.objects.filter(
            cbs_code=data.validated_data["gemeente"], region_id=scope.region_id
        ).first()
        code = data.validated_data["productcode"].strip().upper()
        product = (
            Product.objects.filter(valid_on_q(dt.date.today()))
            .filter(productcategorie=code[:2], productcode=code[2:])
            .first()
            or Product.objects.filter(valid_on_q(dt.date.today()), productcode=code).first()
        )
        if municipality is None or product is None:
            raise NotFound("Onbekende gemeente of productcode.")
        report = call_service(
            services.waiting_time_report,
            actor=request.user,
            provider=provider,
            municipality=municipality,
            product=product,
            intake_weeks=data.validated_data["aanmeldwachttijd_weken"],
            treatment_weeks=data.validated_data["behandelwachttijd_weken"],
        )
        rows = [
            r
            for r in selectors.waiting_overview(request.user, provider_id=provider.pk)
            if r["report"].pk == report.pk
        ]
        return Response(WaitingTimeSerializer(rows[0]).data, status=status.HTTP_201_CREATED)


class SatisfactionSerializer(serializers.Serializer):
    provider_id = serializers.IntegerField(source="result.provider_id")
    provider = serializers.CharField(source="result.provider.name")
    product_group = serializers.CharField(source="result.product_group.code")
    year = serializers.IntegerField(source="result.year")
    respondents = serializers.IntegerField(source="result.respondents")
    suppressed = serializers.BooleanField(help_text="Fewer than 10 respondents: no scores.")
    overall = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    scores = serializers.DictField(child=serializers.CharField())


class SatisfactionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Client-satisfaction results per provider, product group and year (suppressed)."""

    permission_classes = [HasRole]
    serializer_class = SatisfactionSerializer
    queryset = WaitingTimeReport.objects.none()

    def list(self, request, *args, **kwargs):
        rows = selectors.satisfaction_for(request.user)
        return Response(SatisfactionSerializer(rows, many=True).data)


def register(router) -> None:
    router.register("toezicht/signalen", SignalViewSet, basename="toezicht-signal")
    router.register("toezicht/zaken", CaseViewSet, basename="toezicht-case")
    router.register("toezicht/wachttijden", WaitingTimeViewSet, basename="toezicht-waiting")
    router.register(
        "toezicht/clientervaring", SatisfactionViewSet, basename="toezicht-satisfaction"
    )
