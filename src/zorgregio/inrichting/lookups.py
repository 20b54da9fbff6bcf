"""What the rows of set-up files name again and again, looked up once per import: the region's
municipalities by CBS code, products by code (and law) on a day, providers by KvK or AGB."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from zorgregio.common.tables import RowError

from .registry import ImportContext, ascii_digits


def cached(ctx: ImportContext, kind: str, load):
    if kind not in ctx.cache:
        ctx.cache[kind] = load()
    return ctx.cache[kind]


def municipality(ctx: ImportContext, values: dict, column: str = "gemeentecode"):
    from zorgregio.regio.models import Municipality

    code = ascii_digits(values, column, 4, _("CBS municipality code"))
    found = cached(
        ctx,
        "municipalities",
        lambda: {m.cbs_code: m for m in Municipality.objects.filter(region=ctx.region)},
    ).get(code)
    if found is None:
        raise RowError(
            column,
            _("%(code)s is not a municipality of %(region)s.")
            % {"code": code or "''", "region": ctx.region},
        )
    return found


def product(ctx: ImportContext, values: dict, day: dt.date):
    """The product with the row's ``productcode`` (and ``wet``, where the code exists under
    both laws) valid on ``day``."""
    from zorgregio.producten.models import Product
    from zorgregio.regio.models import Law

    law = values.get("wet", "").strip().lower()
    if law and law not in Law.values:
        raise RowError("wet", _("%s is not a law (wmo or jw).") % law)
    code = values.get("productcode", "").strip().upper()
    products = cached(ctx, "products", lambda: list(Product.objects.select_related("group")))
    candidates = [
        p
        for p in products
        if p.productcode == code and (not law or p.law == law) and p.period.contains(day)
    ]
    if not candidates:
        raise RowError(
            "productcode",
            _("there is no product %(code)s on %(day)s.")
            % {"code": code or "''", "day": day.strftime("%d-%m-%Y")},
        )
    if len(candidates) > 1:
        raise RowError("wet", _("product %s exists under both laws: give the law.") % code)
    return candidates[0]
