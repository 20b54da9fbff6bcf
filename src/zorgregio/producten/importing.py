"""CSV/XLSX import of products and tariffs, all or nothing, with a row-by-row report.

The first row holds the column names (see ``PRODUCT_COLUMNS`` and ``TARIFF_COLUMNS``;
``docs/producten.md`` describes them). Rows are numbered as in a spreadsheet: the header is
row 1. Every row is checked before anything is written; when any row is wrong the report lists
every problem and nothing is applied.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log
from zorgregio.common.money import parse_euros
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
MAX_ROWS = 20_000


class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(upload, filename: str = "") -> list[list[str]]:
    """All rows of the first sheet (XLSX) or the CSV (``;``, ``,`` or tab separated)."""
    name = (filename or getattr(upload, "name", "") or "").lower()
    data = upload.read() if hasattr(upload, "read") else upload
    try:
        if name.endswith(".xlsx"):
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            book.close()
        else:
            text = data.decode("utf-8-sig")
            first = text.splitlines()[0] if text else ""
            delimiter = max(";,\t", key=first.count)
            rows = [
                [c.strip() for c in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            ]
    except (UnicodeDecodeError, ValueError, OSError, KeyError, IndexError) as exc:
        raise ValidationError(
            _("The file cannot be read: upload a CSV (UTF-8) or XLSX file.")
        ) from exc
    except Exception as exc:  # openpyxl raises zipfile/XML errors on files that are not XLSX
        raise ValidationError(
            _("The file cannot be read: upload a CSV (UTF-8) or XLSX file.")
        ) from exc
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise ValidationError(_("The file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError(_("The file has more than %s rows.") % MAX_ROWS)
    return rows


def _header(rows: list[list[str]], columns: dict[str, bool]) -> tuple[list[str], list[str]]:
    header = [h.strip().lower() for h in rows[0]]
    errors = []
    for position, name in enumerate(header, start=1):
        if name and name not in columns:
            errors.append(
                _("Row 1, column %(pos)s: %(name)s is not a known column (expected: %(known)s).")
                % {"pos": position, "name": name, "known": ", ".join(columns)}
            )
    for name, required in columns.items():
        if required and name not in header:
            errors.append(_("Row 1: the required column %s is missing.") % name)
    if len({h for h in header if h}) != len([h for h in header if h]):
        errors.append(_("Row 1: a column name appears more than once."))
    return header, errors


def _records(rows, header):
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
        yield number, values


def _date(values, column, required=True) -> dt.date | None:
    raw = values.get(column, "")
    if not raw:
        if required:
            raise RowError(column, _("a date is required."))
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw[:10] if fmt == "%Y-%m-%d" else raw, fmt).date()
        except ValueError:
            continue
    raise RowError(column, _("%s is not a date (use YYYY-MM-DD or DD-MM-YYYY).") % raw)


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
