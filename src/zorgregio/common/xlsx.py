"""Writing spreadsheet rows safely: a text that a spreadsheet would read as a formula (it starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, e.g. a provider named
``=HYPERLINK(...)``) is written as text, marked with Excel's quote prefix, so opening or editing
the export never runs it. Every XLSX export appends its rows through :func:`append_row`."""

from __future__ import annotations

from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(sheet, value):
    """A cell for ``sheet`` holding ``value``; formula-like text stays text."""
    made = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        made.data_type = "s"
        made.quotePrefix = True
    return made


def append_row(sheet, values) -> None:
    """``sheet.append(values)`` (normal and write-only sheets), with formula-like text as text."""
    sheet.append([cell(sheet, value) for value in values])


def csv_safe(value):
    """A value for a CSV cell: formula-like text gets a leading quote (``'=1+2``), as a
    spreadsheet opening the CSV would otherwise run it; numbers and other text stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
