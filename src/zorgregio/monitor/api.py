"""API: the monitor's figures with the same scopes and suppression as the pages.

``GET /api/v1/monitor/kerncijfers/`` gives every figure of kpis.md for a scope and period, with
the figures per month and per provider; ``GET /api/v1/monitor/budgetten/`` the budgets.
Hidden (suppressed) values are ``null`` with ``suppressed: true``.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from zorgregio.accounts.permissions import HasRole
from zorgregio.accounts.scoping import scope_for
from zorgregio.api.params import int_param
from zorgregio.producten.models import ProductGroup
from zorgregio.regio.models import Law

from . import dashboard
from .models import Budget
from .privacy import Cell
from .selection import Selection, parse_period, year_period
from .services import current_state
from .views import region_municipalities


class CellSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="null when hidden or missing")
    text = serializers.CharField(help_text="As shown on screen, e.g. '< 5' or 'geen gegevens'.")
    suppressed = serializers.BooleanField()
    unit = serializers.CharField(help_text="count, amount (eurocents), percent (0-1), days...")


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    current = CellSerializer()
    compared = CellSerializer(
        allow_null=True,
        help_text="The figure over the comparable months (comparison.period), when that is "
        "not the whole period.",
    )
    previous_year = CellSerializer(
        allow_null=True, help_text="The figure over the comparison's months a year earlier."
    )
    change = CellSerializer(
        allow_null=True, help_text="compared (or current) against previous_year"
    )


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    clients = CellSerializer()
    instroom = CellSerializer()
    uitstroom = CellSerializer()
    realisatie = CellSerializer()


class ProviderShareSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    provider_id = serializers.IntegerField(
        allow_null=True, help_text="null for the row of other providers together"
    )
    name = serializers.CharField()
    realisatie = CellSerializer()
    share = CellSerializer()


class ComparisonSerializer(serializers.Serializer):
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    previous_start = serializers.DateField(allow_null=True)
    previous_end = serializers.DateField(allow_null=True)
    partial = serializers.BooleanField(help_text="Fewer months than the period: data lag.")
    label = serializers.CharField()


def comparison_data(comparison) -> dict:
    period, previous = comparison.period, comparison.previous
    return {
        "period_start": period.start if period else None,
        "period_end": period.end if period else None,
        "previous_start": previous.start if previous else None,
        "previous_end": previous.end if previous else None,
        "partial": comparison.partial,
        "label": comparison.label,
    }


class FundingVariantSerializer(serializers.Serializer):
    product_group = serializers.CharField(help_text="Product group code.")
    variant = serializers.CharField(help_text="outputgericht or taakgericht.")
    municipalities = serializers.ListField(child=serializers.CharField(), help_text="CBS codes.")
    from_date = serializers.DateField(help_text="First day of the variant in the period.")


class FiguresSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    reference_date = serializers.DateField()
    complete_until = serializers.DateField(allow_null=True)
    suppressed = serializers.BooleanField(help_text="Small-cell suppression applied.")
    has_data = serializers.BooleanField()
    comparison = ComparisonSerializer(
        help_text="The change against last year covers only the months with complete data."
    )
    figures = FigureSerializer(many=True)
    months = MonthSerializer(many=True)
    providers = ProviderShareSerializer(many=True)
    providers_without_clients = serializers.ListField(child=serializers.CharField())
    funding_variants = FundingVariantSerializer(
        many=True,
        help_text="Product groups paid otherwise than per unit of effort in the period: their "
        "figures rest on the declarations of outputs (outputgericht) or on the paid instalments "
        "and data deliveries (taakgericht; docs/bekostiging.md).",
    )


def cell_data(cell: Cell | None):
    if cell is None:
        return None
    return {
        "value": cell.shown,
        "text": cell.text,
        "suppressed": cell.suppressed,
        "unit": cell.kind,
    }


PARAMETERS = [
    OpenApiParameter("periode", OpenApiTypes.STR, description="2025, 2025-K3 or 2025-07"),
    OpenApiParameter("van", OpenApiTypes.DATE, description="Custom period start"),
    OpenApiParameter("tot", OpenApiTypes.DATE, description="Custom period end"),
    OpenApiParameter("gemeente", OpenApiTypes.STR, description="CBS code(s), comma separated"),
    OpenApiParameter("wet", OpenApiTypes.STR, enum=Law.values),
    OpenApiParameter("productgroep", OpenApiTypes.STR, description="Product group code"),
    OpenApiParameter("product", OpenApiTypes.INT),
    OpenApiParameter("aanbieder", OpenApiTypes.INT, description="Provider id"),
]


def _only_published(selection: Selection, *, whole_region: bool) -> None:
    """Without detail, only the published cells are answered (the protection against
    subtraction covers those): one municipality or the whole region, a law or product group,
    a year, quarter or month (a product group per year or quarter)."""
    if len(selection.municipality_ids) > 1 and not whole_region:
        raise ValidationError(
            {"gemeente": [_("Without detail rights: one municipality or the whole region.")]}
        )
    if selection.product_id:
        raise ValidationError({"product": [_("Figures per product need detail rights.")]})
    if selection.provider_id:
        raise PermissionDenied(_("You may only see your own provider in detail."))
    if selection.period.kind == "range":
        raise ValidationError({"periode": [_("A custom period needs detail rights.")]})
    if selection.group_id and selection.period.kind == "month":
        raise ValidationError({"periode": [_("A product group is shown per quarter or year.")]})


class FiguresViewSet(viewsets.ViewSet):
    """Every figure of the KPI definitions for one scope and period."""

    permission_classes = [HasRole]

    @extend_schema(parameters=PARAMETERS, responses=FiguresSerializer)
    def list(self, request, format=None):  # noqa: A002 - DRF's name for the .json suffix
        scope = scope_for(request.user)
        state = current_state()
        params = request.query_params
        default = year_period((state.complete_until or dt.date.today()).year)
        period, error = parse_period(
            params.get("periode"), params.get("van"), params.get("tot"), default
        )
        if error:
            raise ValidationError({"periode": error})
        region = region_municipalities(scope)
        municipalities = list(region)
        if params.get("gemeente"):
            codes = [c.strip() for c in params["gemeente"].split(",") if c.strip()]
            chosen = list(region.filter(cbs_code__in=codes))
            if len(chosen) != len(set(codes)):
                raise NotFound(_("Unknown municipality."))
            allowed = set(scope.municipalities(region).values_list("pk", flat=True))
            if not {m.pk for m in chosen} <= allowed:
                raise PermissionDenied(_("You may only see your own municipality in detail."))
            municipalities = chosen
        law = params.get("wet") or None
        if law and law not in Law.values:
            raise ValidationError({"wet": _("Unknown law.")})
        group_id = None
        if params.get("productgroep"):
            group = ProductGroup.objects.filter(code=params["productgroep"]).first()
            if group is None:
                raise ValidationError({"productgroep": _("Unknown product group.")})
            group_id = group.pk
        provider_id = int_param(params, "aanbieder")
        if provider_id is not None and not (
            scope.sees_provider_figures or scope.detail_for([], provider_id)
        ):
            raise PermissionDenied(_("You may only see your own provider in detail."))
        selection = Selection(
            municipality_ids=tuple(m.pk for m in municipalities),
            period=period,
            law=law,
            group_id=group_id,
            product_id=int_param(params, "product"),
            provider_id=provider_id,
        )
        detail = scope.detail_for(selection.municipality_ids, provider_id)
        if not detail:
            _only_published(selection, whole_region=len(municipalities) == len(region))
        board = dashboard.cached_build(
            selection, detail=detail, state=state, viewer=dashboard.Viewer.of(scope)
        )
        from .variants import variant_notes

        cbs = {m.pk: m.cbs_code for m in municipalities}
        notes = [
            {
                "product_group": note["group"].code,
                "variant": note["variant"],
                "municipalities": sorted(cbs[pk] for pk in note["municipality_ids"] if pk in cbs),
                "from_date": note["first"],
            }
            for note in variant_notes(municipalities, period.start, period.end, group_id)
        ]
        return Response(
            {
                "funding_variants": notes,
                "period_start": period.start,
                "period_end": period.end,
                "reference_date": board.reference_day,
                "complete_until": state.complete_until,
                "suppressed": not detail,
                "has_data": board.has_data,
                "comparison": comparison_data(board.comparison),
                "figures": [
                    {
                        "key": row.key,
                        "label": str(row.label),
                        "definition": str(row.definition),
                        "current": cell_data(row.cell),
                        "compared": cell_data(row.compared),
                        "previous_year": cell_data(row.previous),
                        "change": cell_data(row.delta),
                    }
                    for row in board.rows
                ],
                "months": [
                    {
                        "month": m["month"],
                        "clients": cell_data(m["clients"]),
                        "instroom": cell_data(m["instroom"]),
                        "uitstroom": cell_data(m["uitstroom"]),
                        "realisatie": cell_data(m["amount"]),
                    }
                    for m in board.months
                ],
                "providers": [
                    {
                        "rank": r["rank"],
                        "provider_id": r["provider_id"],
                        "name": r["name"],
                        "realisatie": cell_data(r["amount"]),
                        "share": cell_data(r["share"]),
                    }
                    for r in board.market
                ],
                "providers_without_clients": [p.name for p in board.providers_without_clients],
            }
        )


class BudgetSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code")
    product_group = serializers.CharField(source="product_group.code")

    class Meta:
        model = Budget
        fields = ["id", "municipality", "product_group", "year", "amount_cents"]


class BudgetViewSet(viewsets.ReadOnlyModelViewSet):
    """Budgets per municipality, product group and year (eurocents)."""

    serializer_class = BudgetSerializer
    permission_classes = [HasRole]
    queryset = Budget.objects.none()  # for the schema; the real one is get_queryset()

    def get_queryset(self):
        from zorgregio.regio.models import Municipality

        visible = scope_for(self.request.user).municipalities(Municipality.objects.all())
        return Budget.objects.filter(municipality__in=visible).select_related(
            "municipality", "product_group"
        )


def register(router) -> None:
    router.register("monitor/kerncijfers", FiguresViewSet, basename="monitor-figures")
    router.register("monitor/budgetten", BudgetViewSet, basename="monitor-budget")
