"""CSV/XLSX import of products and tariffs, all or nothing, with a row-by-row report.

The first row holds the column names (see ``PRODUCT_COLUMNS`` and ``TARIFF_COLUMNS``;
``docs/producten.md`` describes them). Rows are numbered as in a spreadsheet: the header is
row 1. Every row is checked before anything is written; when any row is wrong the report lists
every problem and nothing is applied.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log
from zorgregio.common.money import parse_euros
from zorgregio.common.tables import (
    MAX_ROWS,  # noqa: F401 - part of this module's interface
    RowError,
    check_header,
    parse_date,
    read_table,
    records,
    row_message,
    validation_messages,
)
from zorgregio.regio.models import Law, Municipality

from . import services
from .models import Product, ProductGroup, Tariff

PRODUCT_COLUMNS = {
    "wet": True,
    "productgroep_code": True,
    "productgroep": False,
    "productcategorie": True,
    "productcode": True,
    "naam": True,
    "omschrijving": False,
    "eenheid": True,
    "frequenties": False,
    "intensiteit": False,
    "geldig_van": True,
    "geldig_tot": False,
}
TARIFF_COLUMNS = {
    "wet": True,
    "productcategorie": True,
    "productcode": True,
    "gemeente": False,
    "eenheid": True,
    "tarief": True,
    "geldig_van": True,
    "geldig_tot": False,
    "reden": False,
}
# The table reading is shared by every import (zorgregio.common.tables).
_header = check_header
_records = records
_date = parse_date
_row_message = row_message
_validation_messages = validation_messages


def _law(values) -> str:
    law = values.get("wet", "").lower()
    if law not in Law.values:
        raise RowError("wet", _("%s is not a law (wmo or jw).") % (law or "''"))
    return law


def _row_message(number: int, column: str, message: str) -> str:
    return _("Row %(row)s, field %(field)s: %(message)s") % {
        "row": number,
        "field": column,
        "message": message,
    }


def _validation_messages(number: int, exc: ValidationError, fields: dict[str, str]) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            _row_message(number, fields.get(name, name), message)
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [_row_message(number, "-", m) for m in exc.messages]


PRODUCT_FIELDS = {
    "law": "wet",
    "productcategorie": "productcategorie",
    "productcode": "productcode",
    "name": "naam",
    "unit": "eenheid",
    "allowed_frequencies": "frequenties",
    "valid_from": "geldig_van",
    "valid_until": "geldig_tot",
}
TARIFF_FIELDS = {"amount_cents": "tarief", "valid_from": "geldig_van", "valid_until": "geldig_tot"}


@transaction.atomic
def import_products(*, actor, upload, filename: str = "") -> services.ImportReport:
    report = services.ImportReport(kind="products")
    try:
        rows = read_table(upload, filename)
    except ValidationError as exc:
        report.errors = exc.messages
        return report
    header, report.errors = _header(rows, PRODUCT_COLUMNS)
    if report.errors:
        return report
    planned: list[tuple[Product, tuple]] = []
    new_groups: dict[str, str] = {}  # groups named earlier in the file
    for number, values in _records(rows, header):
        try:
            law = _law(values)
            rank = values.get("intensiteit", "")
            if rank and not re.fullmatch("[0-9]{1,3}", rank):
                raise RowError("intensiteit", _("%s is not a whole number.") % rank)
            group_code = values.get("productgroep_code", "")
            if not group_code:
                raise RowError("productgroep_code", _("a product group code is required."))
            group = ProductGroup.objects.filter(code=group_code).first()
            if group is not None and group.law != law:
                raise RowError(
                    "productgroep_code",
                    _("product group %s belongs to the other law.") % group_code,
                )
            if group is None and values.get("productgroep"):
                new_groups.setdefault(group_code, values["productgroep"])
            if group is None and group_code not in new_groups:
                raise RowError(
                    "productgroep",
                    _("product group %s is new: give its name.") % group_code,
                )
            product = Product(
                law=law,
                productcategorie=values.get("productcategorie", "").zfill(2),
                productcode=values.get("productcode", "").upper(),
                name=values.get("naam", ""),
                description=values.get("omschrijving", ""),
                unit=values.get("eenheid", "").zfill(2),
                allowed_frequencies=[
                    f
                    for f in values.get("frequenties", "")
                    .replace(",", " ")
                    .replace(";", " ")
                    .split()
                    if f
                ],
                intensity_rank=int(rank) if rank else None,
                valid_from=_date(values, "geldig_van"),
                valid_until=_date(values, "geldig_tot", required=False),
            )
            services.check_product(product)
            key = (product.law, product.productcategorie, product.productcode)
            for other, other_key in planned:
                if other_key[:3] == key and other.period.overlaps(product.period):
                    raise RowError(
                        "productcode",
                        _("product code %s appears twice in the file for overlapping periods.")
                        % product.productcode,
                    )
            planned.append((product, (*key, group_code, new_groups.get(group_code, ""))))
        except RowError as exc:
            report.errors.append(_row_message(number, exc.column, exc.message))
        except ValidationError as exc:
            report.errors.extend(_validation_messages(number, exc, PRODUCT_FIELDS))
    if report.errors:
        return report
    for product, (*_key, group_code, group_name) in planned:
        product.group = services.group_for(product.law, group_code, group_name)
        product.save()
    report.created = len(planned)
    audit_log(
        actor=actor,
        action=AuditAction.IMPORT,
        message=_("Imported %s products.") % report.created,
        after={"products": [p.pk for p, _k in planned]},
    )
    return report


@transaction.atomic
def import_tariffs(*, actor, upload, filename: str = "") -> services.ImportReport:
    report = services.ImportReport(kind="tariffs")
    try:
        rows = read_table(upload, filename)
    except ValidationError as exc:
        report.errors = exc.messages
        return report
    header, report.errors = _header(rows, TARIFF_COLUMNS)
    if report.errors:
        return report
    municipalities = {m.cbs_code: m for m in Municipality.objects.all()}
    catalogue: dict[tuple, list[Product]] = {}
    for item in Product.objects.select_related("group"):
        catalogue.setdefault((item.law, item.productcategorie, item.productcode), []).append(item)
    stored: dict[tuple, list[Tariff]] = {}  # stored tariffs per (product, municipality)
    for item in Tariff.objects.all():
        stored.setdefault((item.product_id, item.municipality_id), []).append(item)
    plans: list[tuple[services.TariffPlan, str]] = []
    pending: dict[tuple, list[Tariff]] = {}  # planned tariffs per (product, municipality)
    superseded: set[int] = set()
    for number, values in _records(rows, header):
        try:
            law = _law(values)
            valid_from = _date(values, "geldig_van")
            valid_until = _date(values, "geldig_tot", required=False)
            if valid_until and valid_until < valid_from:
                raise RowError("geldig_tot", _("the end date lies before the start date."))
            category = values.get("productcategorie", "").zfill(2)
            code = values.get("productcode", "").upper()
            product = next(
                (
                    p
                    for p in catalogue.get((law, category, code), [])
                    if p.period.contains(valid_from)
                ),
                None,
            )
            if product is None:
                raise RowError(
                    "productcode",
                    _("there is no product %(cat)s%(code)s (%(law)s) on %(day)s.")
                    % {
                        "cat": category,
                        "code": code,
                        "law": law,
                        "day": valid_from.strftime("%d-%m-%Y"),
                    },
                )
            unit = values.get("eenheid", "").zfill(2)
            if unit != product.unit:
                raise RowError(
                    "eenheid",
                    _("product %(product)s is priced per unit %(allowed)s, not %(unit)s.")
                    % {"product": product.label, "allowed": product.unit, "unit": unit},
                )
            cbs = values.get("gemeente", "")
            municipality = None
            if cbs:
                municipality = municipalities.get(cbs.zfill(4))
                if municipality is None:
                    raise RowError("gemeente", _("%s is not a municipality of the region.") % cbs)
            try:
                cents = parse_euros(values.get("tarief", ""))
            except ValidationError as exc:
                raise RowError("tarief", exc.messages[0]) from exc
            if cents < 0:
                raise RowError("tarief", _("the tariff may not be negative."))
            plan = services.plan_tariff(
                product=product,
                amount_cents=cents,
                valid_from=valid_from,
                valid_until=valid_until,
                municipality=municipality,
                pending=pending.get((product.pk, getattr(municipality, "pk", None)), []),
                existing=stored.get((product.pk, getattr(municipality, "pk", None)), []),
            )
            if plan.supersedes is not None:
                if plan.supersedes.pk in superseded:
                    raise RowError("geldig_van", _("another row already replaces the same tariff."))
                superseded.add(plan.supersedes.pk)
            pending.setdefault((product.pk, getattr(municipality, "pk", None)), []).append(
                plan.tariff
            )
            plans.append((plan, values.get("reden", "")))
        except RowError as exc:
            report.errors.append(_row_message(number, exc.column, exc.message))
        except ValidationError as exc:
            report.errors.extend(_validation_messages(number, exc, TARIFF_FIELDS))
    if report.errors:
        return report
    created = services.write_plans(
        [plan for plan, _reason in plans],
        actor=actor,
        reasons=[reason or _("Import.") for _plan, reason in plans],
    )
    report.created = len(created)
    audit_log(
        actor=actor,
        action=AuditAction.IMPORT,
        message=_("Imported %s tariffs.") % report.created,
        after={"tariffs": [t.pk for t in created]},
    )
    return report


# --- set-up imports (zorgregio.inrichting): products, tariffs and the purchase matrix --------


def _set_up_registrations() -> None:
    from django.utils.translation import gettext_lazy

    from zorgregio.common.tables import Column, RowResult
    from zorgregio.inrichting import lookups
    from zorgregio.inrichting.registry import SetupImport, register

    def legacy(function):
        """Products and tariffs keep their own all-or-nothing import; the report is adapted."""

        def run_table(ctx, data, filename, report, check_only):
            with transaction.atomic():
                result = function(actor=ctx.actor, upload=data, filename=filename)
                if check_only:
                    transaction.set_rollback(True)
            report.errors = list(result.errors)
            if result.ok:
                report.rows = [
                    RowResult(row=n, outcome="new", text=_("imported"))
                    for n in range(2, result.created + 2)
                ]
            return report

        return run_table

    see = gettext_lazy("See docs/producten.md.")
    examples = {
        "wet": "wmo",
        "productgroep_code": "wmo-begeleiding",
        "productgroep": "Begeleiding individueel",
        "productcategorie": "02",
        "productcode": "02A16",
        "naam": "Basis",
        "eenheid": "04",
        "frequenties": "2",
        "intensiteit": "2",
        "geldig_van": "2026-01-01",
        "gemeente": "",
        "tarief": "68,40",
    }
    register(
        SetupImport(
            slug="producten",
            title=gettext_lazy("Products"),
            order=30,
            columns=tuple(
                Column(name, required, see, examples.get(name, ""))
                for name, required in PRODUCT_COLUMNS.items()
            ),
            run_table=legacy(import_products),
            needs_region=False,
        )
    )
    register(
        SetupImport(
            slug="tarieven",
            title=gettext_lazy("Tariffs"),
            order=40,
            columns=tuple(
                Column(name, required, see, examples.get(name, ""))
                for name, required in TARIFF_COLUMNS.items()
            ),
            run_table=legacy(import_tariffs),
            needs_region=False,
        )
    )

    def matrix_row(ctx, number, values):
        from zorgregio.inrichting.registry import changed, new, unchanged

        from .models import PurchaseMode

        day = _date(values, "geldig_van")
        products = [lookups.product(ctx, values, day)]
        municipality = lookups.municipality(ctx, values)
        mode = values.get("inkoop", "").strip().lower()
        if mode not in PurchaseMode.values:
            raise RowError(
                "inkoop", _("%s is not a purchase mode (regionaal, lokaal or niet).") % mode
            )
        key = (products[0].pk, municipality.pk, day)
        if key in ctx.seen:
            raise RowError("productcode", _("the same cell is already in row %s.") % ctx.seen[key])
        ctx.seen[key] = number
        from .models import PurchaseMatrixEntry

        had = PurchaseMatrixEntry.objects.filter(
            product=products[0], municipality=municipality
        ).exists()
        count = services.purchase_matrix_set(
            actor=ctx.actor, valid_from=day, changes={(products[0], municipality): mode}
        )
        text = f"{products[0].label} · {municipality} · {mode} {day:%d-%m-%Y}"
        if not count:
            return unchanged(number, text)
        return changed(number, text) if had else new(number, text)

    register(
        SetupImport(
            slug="inkoopmatrix",
            title=gettext_lazy("Purchase matrix"),
            order=50,
            columns=(
                Column("wet", False, gettext_lazy("wmo or jw, where needed."), "wmo"),
                Column("productcode", True, gettext_lazy("Product code."), "02A16"),
                Column("gemeentecode", True, gettext_lazy("CBS municipality code."), "0363"),
                Column(
                    "inkoop",
                    True,
                    gettext_lazy("regionaal, lokaal or niet (not bought)."),
                    "regionaal",
                ),
                Column("geldig_van", True, gettext_lazy("From this day."), "2026-01-01"),
            ),
            apply_row=matrix_row,
            fields={"valid_from": "geldig_van"},
        )
    )


_set_up_registrations()
