"""XLSX of a comparison (one scenario or several, with the baseline), with openpyxl."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from zorgregio.common.xlsx import append_row

MONEY = {"spending", "budget", "gap", "cost_per_client", "per_inhabitant"}


def comparison_xlsx(comparison: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Scenarios")[:31]
    bold = Font(bold=True)
    append_row(sheet, [_("Budget scenarios for %(scope)s") % {"scope": comparison["scope_name"]}])
    sheet["A1"].font = bold
    append_row(
        sheet,
        [
            _("Base year %(year)s as realised, later years projected. Amounts in euros.")
            % {"year": comparison["base_year"]}
        ],
    )
    append_row(sheet, [])
    columns = comparison["columns"]
    append_row(
        sheet,
        [_("Figure"), _("Year")]
        + [f"{c['name']} (v{c['version']})" if c["version"] else c["name"] for c in columns],
    )
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in comparison["table"]:
        values = []
        for value in row["values"]:
            if value is None:
                values.append(None)
            elif row["figure"] in MONEY:
                values.append(round(value / 100, 2))
            else:
                values.append(value)
        append_row(sheet, [row["label"], row["year"], *values])
    knobs = book.create_sheet(_("Knobs")[:31])
    append_row(knobs, [_("Scenario"), _("Knob")])
    for column in columns:
        if column["version"] is None:
            continue
        for line in column["knobs"] or [_("Baseline: no knobs turned.")]:
            append_row(knobs, [column["name"], line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
