"""Exports of a dashboard view: XLSX (openpyxl) and the council report PDF (reportlab, pure
Python). Both take the already suppressed :class:`~zorgregio.monitor.dashboard.Dashboard`, so
they show exactly what the page shows."""

from __future__ import annotations

import io
from html import escape

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from zorgregio.common.xlsx import append_row

from .dashboard import Dashboard

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(cell):
    """Numbers as numbers (euros for amounts); hidden or missing cells as their text."""
    if cell is None:
        return None
    if cell.shown is None:
        return cell.text
    if cell.kind == "amount":
        return round(cell.shown / 100, 2)
    return cell.shown


def xlsx_bytes(board: Dashboard, heading: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Key figures")[:31]
    bold = Font(bold=True)
    append_row(sheet, [heading])
    sheet["A1"].font = bold
    append_row(sheet, [_("Period"), board.selection.period.label])
    append_row(sheet, [_("Reference date"), board.reference_day.isoformat()])
    if not board.detail:
        append_row(sheet, [_("Counts below the threshold are shown as '< N'; amounts hidden.")])
    append_row(sheet, [_("Change"), board.comparison.label])
    append_row(sheet, [])
    append_row(
        sheet,
        [_("Figure"), board.selection.period.label, *board.comparison_headers(), _("Definition")],
    )
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in board.rows:
        compared = [_value(cell) for cell in board.comparison_cells(row)]
        append_row(sheet, [str(row.label), _value(row.cell), *compared, str(row.definition)])
    append_row(sheet, [_("Amounts in euros.")])

    months = book.create_sheet(_("Per month")[:31])
    append_row(
        months, [_("Month"), _("Clients in care"), _("Instroom"), _("Uitstroom"), _("Realisatie")]
    )
    for month in board.months:
        append_row(
            months,
            [
                month["month"].strftime("%Y-%m"),
                _value(month["clients"]),
                _value(month["instroom"]),
                _value(month["uitstroom"]),
                _value(month["amount"]),
            ],
        )
    market = book.create_sheet(_("Providers")[:31])
    append_row(market, [_("Rank"), _("Provider"), _("Realisatie"), _("Share")])
    for row in board.market:
        append_row(
            market,
            [
                row["rank"],
                row["name"],
                _value(row["amount"]),
                _value(row["share"]),
            ],
        )
    idle = book.create_sheet(_("Without clients")[:31])
    append_row(idle, [_("Provider without clients")])
    for provider in board.providers_without_clients:
        append_row(idle, [provider.name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(board: Dashboard, heading: str, filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(board, heading), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _chart(board: Dashboard):
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    values = [m["amount"].shown for m in board.months]
    if not any(v is not None for v in values):
        return None
    drawing = Drawing(460, 180)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 50, 30, 390, 130
    # Hidden months and months still to come are gaps, never zeros; the axis starts at zero,
    # so a dip of a few percent does not look like a crash; Dutch number notation.
    chart.data = [[v / 100 if v is not None else None for v in values]]
    chart.categoryAxis.categoryNames = [m["month"].strftime("%m-%y") for m in board.months]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda value: f"{value:,.0f}".replace(",", ".")
    chart.lines[0].strokeColor = colors.HexColor("#154273")
    chart.lines[0].strokeWidth = 1.5
    drawing.add(chart)
    drawing.add(String(50, 168, _("Realisatie per month (euros)"), fontSize=9))
    return drawing


def _complete_note(period, complete_until) -> str:
    if complete_until is not None and period.end <= complete_until:
        return _("The data for %(period)s are complete.") % {"period": period.label}
    return _(
        "The data for %(period)s are not complete yet: declarations of its last months are "
        "still coming in, so spending is lower than it will be."
    ) % {"period": period.label}


def council_report_pdf(board: Dashboard, municipality, period, state) -> bytes:
    """The raadsrapportage: key figures with last year, spending against budget and forecast,
    figures per month, the largest providers and the definitions. Always in Dutch."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    with translation.override("nl"):
        styles = getSampleStyleSheet()
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            title=_("Council report %(name)s %(period)s")
            % {"name": municipality.name, "period": period.label},
            author="zorgregio",
        )
        grid = TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b4b4b4")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
        story = [
            Paragraph(
                _("Council report %(name)s %(period)s")
                % {"name": municipality.name, "period": period.label},
                styles["Title"],
            ),
            Paragraph(
                _("Data complete until %(date)s. Reference date %(day)s.")
                % {
                    "date": state.complete_until.strftime("%d-%m-%Y")
                    if state.complete_until
                    else _("unknown"),
                    "day": board.reference_day.strftime("%d-%m-%Y"),
                },
                styles["Normal"],
            ),
        ]
        story.append(Paragraph(_complete_note(period, state.complete_until), styles["Normal"]))
        if not board.detail:
            story.append(
                Paragraph(
                    _(
                        "Counts below %(n)s clients are shown as '< %(n)s'; amounts over fewer "
                        "clients are hidden."
                    )
                    % {"n": board.rows[0].cell.limit},
                    styles["Normal"],
                )
            )
        if not board.has_data:
            story.append(Paragraph(_("No data for this period."), styles["Heading2"]))
        story += [Spacer(1, 8), Paragraph(_("Key figures"), styles["Heading2"])]
        story.append(Paragraph(f"{_('Change')}: {board.comparison.label}", styles["Normal"]))
        data = [[_("Figure"), period.label, *board.comparison_headers()]]
        for row in board.rows:
            compared = [cell.text if cell else "" for cell in board.comparison_cells(row)]
            data.append([str(row.label), row.cell.text, *compared])
        story.append(Table(data, style=grid, repeatRows=1))
        forecast = board.forecast_cells
        story += [Spacer(1, 8), Paragraph(_("Budget and forecast"), styles["Heading2"])]
        budget_rows = [
            [_("Budget for the year"), board.row("budget").cell.text],
            [_("Budget use"), board.row("budget_use").cell.text],
            [_("Year-end forecast"), board.row("forecast").cell.text],
            [
                _("Forecast range (largest error on past years)"),
                f"{forecast['low'].text} – {forecast['high'].text}",
            ],
            [_("Largest error on past years"), forecast["max_error"].text],
        ]
        story.append(Table(budget_rows, style=grid))
        chart = _chart(board)
        if chart is not None:
            story += [Spacer(1, 8), chart]
        story += [Spacer(1, 8), Paragraph(_("Per month"), styles["Heading2"])]
        months = [
            [_("Month"), _("Clients in care"), _("Instroom"), _("Uitstroom"), _("Realisatie")]
        ]
        for m in board.months:
            months.append(
                [
                    m["month"].strftime("%m-%Y"),
                    m["clients"].text,
                    m["instroom"].text,
                    m["uitstroom"].text,
                    m["amount"].text,
                ]
            )
        story.append(Table(months, style=grid, repeatRows=1))
        story += [Spacer(1, 8), Paragraph(_("Largest providers"), styles["Heading2"])]
        providers = [[_("Rank"), _("Provider"), _("Realisatie"), _("Share")]]
        for r in board.market[:10]:
            providers.append(
                [
                    r["rank"],
                    Paragraph(escape(r["name"]), styles["Normal"]),
                    r["amount"].text,
                    r["share"].text,
                ]
            )
        story.append(Table(providers, style=grid, repeatRows=1))
        story += [Spacer(1, 8), Paragraph(_("Definitions used"), styles["Heading2"])]
        for row in board.rows:
            if row.definition:
                story.append(Paragraph(f"<b>{row.label}</b>: {row.definition}", styles["Normal"]))
        doc.build(story)
        return out.getvalue()
