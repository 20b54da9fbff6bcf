"""Exports: the catalogue (XLSX) and the tariff sheet for a date (XLSX and PDF)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _

from zorgregio.common.formatting import date_short, frequencies_label, product_code, unit_label
from zorgregio.common.money import format_eurocents
from zorgregio.common.xlsx import append_row

from .models import Product, Tariff


def _product_row(p: Product) -> list:
    return [
        p.law,
        p.group.code,
        p.group.name,
        p.productcategorie,
        p.productcode,
        p.name,
        p.description,
        p.unit,
        " ".join(p.allowed_frequencies or []),
        p.intensity_rank,
        p.valid_from,
        p.valid_until,
        str(p.successor) if p.successor else "",
    ]


def catalogue_xlsx(products) -> bytes:
    """The catalogue in the product import's columns (plus the successor), ready to re-import."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Products")[:31]
    append_row(
        sheet,
        [
            "wet",
            "productgroep_code",
            "productgroep",
            "productcategorie",
            "productcode",
            "naam",
            "omschrijving",
            "eenheid",
            "frequenties",
            "intensiteit",
            "geldig_van",
            "geldig_tot",
            "opvolger",
        ],
    )
    for product in products:
        append_row(sheet, _product_row(product))
    for column in ("K", "L"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _tariff_values(t: Tariff) -> list:
    return [
        t.product.productcategorie,
        product_code(t.product.productcategorie, t.product.productcode),
        t.product.name,
        t.product.group.name,
        t.municipality.name if t.municipality else _("whole region"),
        unit_label(t.product.law, t.product.unit),
        t.amount_cents / 100,
        t.valid_from,
        t.valid_until,
    ]


def tariff_sheet_xlsx(tariffs: list[Tariff], day: dt.date) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Tariffs")[:31]
    append_row(sheet, [_("Tariff sheet on %s") % day.strftime("%d-%m-%Y")])
    append_row(
        sheet,
        [
            _("Category"),
            _("Code"),
            _("Product"),
            _("Product group"),
            _("Municipality"),
            _("Unit"),
            _("Tariff (euro)"),
            _("Valid from"),
            _("Valid until"),
        ],
    )
    for tariff in tariffs:
        append_row(sheet, _tariff_values(tariff))
    for row in sheet.iter_rows(min_row=3):
        row[6].number_format = "#,##0.00"
        row[7].number_format = "dd-mm-yyyy"
        row[8].number_format = "dd-mm-yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _pdf(title: str, subtitle: str, header: list, rows: list, widths: list, right: int) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=title,
        author="zorgregio",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    from html import escape

    from reportlab.lib.styles import ParagraphStyle

    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=8, leading=10)
    # Text cells wrap within their column (labels such as "Per week, Per maand" are long).
    rows = [
        [
            Paragraph(escape(value), cell) if isinstance(value, str) and i != right else value
            for i, value in enumerate(row)
        ]
        for row in rows
    ]
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")
    header = [Paragraph(escape(str(value)), head) for value in header]
    table = Table([header, *rows], repeatRows=1, colWidths=[w * mm for w in widths])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde7f3")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (right, 1), (right, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [Paragraph(title, styles["Title"])]
    if subtitle:
        story.append(Paragraph(subtitle, styles["Normal"]))
    story += [Spacer(1, 4 * mm), table]
    doc.build(story)
    return buffer.getvalue()


def catalogue_pdf(products, day: dt.date, region_name: str = "") -> bytes:
    """The products valid on ``day`` with their region-wide tariff then (``tariff_cents``)."""
    header = [
        _("Category"),
        _("Code"),
        _("Product"),
        _("Intensity"),
        _("Unit"),
        _("Frequencies"),
        _("Valid from"),
        _("Valid until"),
        _("Tariff"),
    ]
    rows = [
        [
            p.productcategorie,
            product_code(p.productcategorie, p.productcode),
            _clip(f"{p.group.name}: {p.name}", 48),
            p.intensity_rank or "",
            unit_label(p.law, p.unit),
            frequencies_label(p.law, p.allowed_frequencies),
            date_short(p.valid_from),
            date_short(p.valid_until),
            format_eurocents(p.tariff_cents) if p.tariff_cents is not None else "",
        ]
        for p in products
    ]
    title = _("Product catalogue on %s") % day.strftime("%d-%m-%Y")
    return _pdf(title, region_name, header, rows, [16, 16, 66, 14, 28, 48, 22, 22, 26], 8)


def tariff_sheet_pdf(tariffs: list[Tariff], day: dt.date, region_name: str = "") -> bytes:
    header = [
        _("Category"),
        _("Code"),
        _("Product"),
        _("Municipality"),
        _("Unit"),
        _("Tariff"),
        _("Valid from"),
        _("Valid until"),
    ]
    rows = [
        [
            t.product.productcategorie,
            product_code(t.product.productcategorie, t.product.productcode),
            _clip(f"{t.product.group.name}: {t.product.name}", 55),
            t.municipality.name if t.municipality else _("whole region"),
            unit_label(t.product.law, t.product.unit),
            format_eurocents(t.amount_cents),
            date_short(t.valid_from),
            date_short(t.valid_until),
        ]
        for t in tariffs
    ]
    title = _("Tariff sheet on %s") % day.strftime("%d-%m-%Y")
    return _pdf(title, region_name, header, rows, [16, 18, 82, 40, 28, 28, 24, 24], 5)
