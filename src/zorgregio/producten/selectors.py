"""Reads of the productenboek. Other apps use the first three to check messages and contracts.

The catalogue, purchase matrix and tariffs are public information within a region: everyone
with a role may read them. Municipality-specific rows are limited to the municipalities of the
user's region through :func:`region_municipalities` (the scope decides).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery

from zorgregio.accounts.scoping import scope_for
from zorgregio.common.periods import valid_on_q
from zorgregio.regio.models import Municipality

from .models import CostCalculation, Indexation, Product, PurchaseMatrixEntry, PurchaseMode, Tariff


def product_on(law: str, productcategorie: str, productcode: str, day: dt.date) -> Product | None:
    """The product with this law/category/code that is valid on ``day``, or ``None``."""
    return (
        Product.objects.valid_on(day)
        .filter(law=law, productcategorie=productcategorie, productcode=productcode)
        .select_related("group")
        .first()
    )


_TARIFF_ON_SQL = """
    SELECT * FROM {table}
    WHERE product_id = %s AND valid_from <= %s AND (valid_until IS NULL OR valid_until >= %s)
      AND (municipality_id IS NULL OR municipality_id = %s)
    ORDER BY CASE WHEN municipality_id IS NULL THEN 1 ELSE 0 END, valid_from DESC
    LIMIT 1
"""


def tariff_on(product: Product | int, municipality, day: dt.date) -> Tariff | None:
    """The tariff of ``product`` for ``municipality`` on ``day``.

    A tariff for that municipality wins over the region-wide one (municipality empty).
    ``municipality`` may be ``None`` for the region-wide tariff only. One plain SQL statement on
    the ``(product, municipality, valid_from)`` index (the ORM's query building cost 20 times
    the query itself; see benchmarks/README.md). For many questions use :class:`TariffIndex`.
    """
    product_id = getattr(product, "pk", product)
    municipality_id = getattr(municipality, "pk", municipality)
    sql = _TARIFF_ON_SQL.format(table=Tariff._meta.db_table)
    found = list(Tariff.objects.raw(sql, [product_id, day, day, municipality_id]))
    return found[0] if found else None


class TariffIndex:
    """Every tariff in memory, for answering many "tariff of P in G on D" questions at once.

    ``TariffIndex().amount_on(product_id, municipality_id, day)`` gives the same answer as
    ``tariff_on(...).amount_cents`` (``None`` when there is no tariff) without a query.
    """

    def __init__(self, queryset: QuerySet | None = None):
        self._rows: dict[tuple, list[tuple]] = {}
        qs = Tariff.objects.all() if queryset is None else queryset
        for row in qs.order_by("-valid_from").values_list(
            "product_id", "municipality_id", "valid_from", "valid_until", "amount_cents", "pk"
        ):
            self._rows.setdefault((row[0], row[1]), []).append(row[2:])

    def _find(self, key, day):
        for valid_from, valid_until, amount, pk in self._rows.get(key, ()):
            if valid_from <= day and (valid_until is None or day <= valid_until):
                return amount, pk
        return None

    def amount_on(self, product_id: int, municipality_id: int | None, day: dt.date) -> int | None:
        found = (
            municipality_id is not None and self._find((product_id, municipality_id), day)
        ) or (self._find((product_id, None), day))
        return found[0] if found else None


def purchase_mode_on(product: Product, municipality, day: dt.date) -> str | None:
    """``PurchaseMode`` of ``product`` in ``municipality`` on ``day``; ``None`` if not recorded."""
    entry = (
        PurchaseMatrixEntry.objects.valid_on(day)
        .filter(product=product, municipality=municipality)
        .order_by("-valid_from")
        .first()
    )
    return entry.mode if entry else None


def region_municipalities(user) -> QuerySet:
    """Every municipality of the user's region (all of them for an administrator)."""
    return scope_for(user).region_municipalities(Municipality.objects.all())


def products(user, day: dt.date | None = None) -> QuerySet:
    if not scope_for(user).has_role:
        return Product.objects.none()
    qs = Product.objects.select_related("group", "successor")
    return qs.valid_on(day) if day else qs


def products_with_tariff(user, day: dt.date) -> QuerySet:
    """Products valid on ``day``, each with ``tariff_cents``: the region-wide tariff then."""
    tariff = Tariff.objects.valid_on(day).filter(product=OuterRef("pk"), municipality__isnull=True)
    return products(user, day).annotate(
        tariff_cents=Subquery(tariff.order_by("-valid_from").values("amount_cents")[:1])
    )


def tariffs(user, day: dt.date | None = None) -> QuerySet:
    """Tariffs the user may read: region-wide ones and those of the region's municipalities."""
    if not scope_for(user).has_role:
        return Tariff.objects.none()
    qs = Tariff.objects.filter(
        Q(municipality__isnull=True) | Q(municipality__in=region_municipalities(user))
    ).select_related("product", "product__group", "municipality", "set_by")
    if day:
        qs = qs.valid_on(day)
    return qs.order_by(
        "product__group__name",
        "product__intensity_rank",
        "product__productcode",
        "municipality__name",
        "valid_from",
    )


def matrix_entries(user, day: dt.date | None = None) -> QuerySet:
    qs = PurchaseMatrixEntry.objects.filter(
        municipality__in=region_municipalities(user)
    ).select_related("product", "municipality")
    return qs.valid_on(day) if day else qs


def purchase_matrix(user, day: dt.date, group_id: int | None = None) -> dict:
    """Products down, municipalities across (seed 000, Bijlage 3), for ``day``."""
    municipalities = list(region_municipalities(user).order_by("name"))
    product_qs = products(user, day)
    entries = matrix_entries(user, day)
    if group_id:
        product_qs = product_qs.filter(group_id=group_id)
        entries = entries.filter(product__group_id=group_id)
    product_list = list(product_qs.order_by("group__name", "intensity_rank", "productcode"))
    cells = {
        (product_id, municipality_id): mode
        for product_id, municipality_id, mode in entries.values_list(
            "product_id", "municipality_id", "mode"
        )
    }
    rows = [
        {
            "product": p,
            "cells": [
                {"municipality": m, "mode": cells.get((p.pk, m.pk), "")} for m in municipalities
            ],
        }
        for p in product_list
    ]
    return {"municipalities": municipalities, "rows": rows, "modes": PurchaseMode}


def tariff_sheet(user, day: dt.date) -> list[Tariff]:
    """Every tariff valid on ``day``, region-wide first per product."""
    return list(tariffs(user, day))


def calculations_for(product: Product) -> QuerySet:
    return product.calculations.select_related("created_by").order_by("-version")


def latest_calculation(product: Product) -> CostCalculation | None:
    return product.calculations.order_by("-version").first()


def indexations() -> QuerySet:
    return Indexation.objects.select_related("applied_by", "created_by")


def indexation_preview(indexation: Indexation, user, day: dt.date) -> list[dict]:
    """The tariffs that applying from ``day`` would index, with their amounts after it.

    As ``services.indexation_apply``: open-ended tariffs in force the day before, of products
    that still exist on ``day``.
    """
    result = indexation.result()
    before = day - dt.timedelta(days=1)
    current = (
        tariffs(user, before)
        .filter(valid_until__isnull=True)
        .filter(valid_on_q(day, "product__valid_from", "product__valid_until"))
    )
    return [
        {"tariff": t, "old": t.amount_cents, "new": result.apply(t.amount_cents)} for t in current
    ]


# --- funding variants (issue 20) ---------------------------------------------------------------


def variant_on(group, municipality, day: dt.date) -> str:
    """The funding variant of ``group`` in ``municipality`` on ``day``: the one the region set,
    or inspanningsgericht when none was set (P x Q, as before variants existed)."""
    from .models import FundingVariant, GroupVariant

    row = (
        GroupVariant.objects.valid_on(day)
        .filter(group=group, municipality=municipality)
        .order_by("-valid_from")
        .first()
    )
    return row.variant if row else FundingVariant.EFFORT


def product_variant_on(product: Product, municipality, day: dt.date) -> str:
    return variant_on(product.group_id, municipality, day)


def variant_table(user, day: dt.date) -> dict:
    """Product groups down, the region's municipalities across: the variant on ``day``."""
    from .models import FundingVariant, GroupVariant, ProductGroup

    municipalities = list(region_municipalities(user).order_by("name"))
    if not scope_for(user).has_role:
        return {"municipalities": [], "rows": []}
    cells = {
        (g, m): (variant, regie)
        for g, m, variant, regie in GroupVariant.objects.valid_on(day)
        .filter(municipality__in=municipalities)
        .values_list("group_id", "municipality_id", "variant", "regieberichten")
    }
    rows = []
    for group in ProductGroup.objects.order_by("-law", "name"):
        row_cells = []
        for m in municipalities:
            variant, regie = cells.get((group.pk, m.pk), (FundingVariant.EFFORT, False))
            row_cells.append(
                {
                    "municipality": m,
                    "variant": variant,
                    "label": FundingVariant(variant).label,
                    "set": (group.pk, m.pk) in cells,
                    "regieberichten": regie,
                }
            )
        rows.append(
            {"group": group, "cells": row_cells, "changed": any(c["set"] for c in row_cells)}
        )
    return {"municipalities": municipalities, "rows": rows}


def variant_history(user) -> QuerySet:
    """Every variant period the user may read (those of the region's municipalities)."""
    from .models import GroupVariant

    return (
        GroupVariant.objects.filter(municipality__in=region_municipalities(user))
        .select_related("group", "municipality", "set_by")
        .order_by("group__name", "municipality__name", "valid_from")
    )


def task_budgets(user, year: int | None = None) -> QuerySet:
    from .models import TaskBudget

    qs = scope_for(user).task_funding(
        TaskBudget.objects.select_related("provider", "municipality", "group").prefetch_related(
            "instalments"
        ),
        provider="provider",
        municipality="municipality",
    )
    return qs.filter(year=year) if year else qs


def data_deliveries(user) -> QuerySet:
    from .models import DataDelivery

    return (
        scope_for(user)
        .task_funding(
            DataDelivery.objects.select_related("provider", "municipality", "group"),
            provider="provider",
            municipality="municipality",
        )
        .order_by("-period_start", "group__name", "municipality__name")
    )
