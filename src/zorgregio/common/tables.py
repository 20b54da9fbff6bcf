"""Reading the region's own files: CSV (UTF-8; ``;``, ``,`` or tab) or XLSX, first row the
column names, every row checked, and a report row by row.

Used by every import (products, tariffs and the set-up imports of :mod:`zorgregio.inrichting`).
Rows are numbered as in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 20_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def check_header(rows: list[list[str]], columns) -> tuple[list[str], list[str]]:
    """The lower-cased header and the errors in it: unknown, missing required or repeated
    columns. ``columns`` maps each name to whether it is required."""
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


def records(rows, header):
    """(row number, {column: value}) for every non-empty row after the header."""
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
        yield number, values


def parse_date(values, column, required=True) -> dt.date | None:
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


def row_message(number: int, column: str, message: str) -> str:
    return _("Row %(row)s, field %(field)s: %(message)s") % {
        "row": number,
        "field": column,
        "message": message,
    }


def validation_messages(number: int, exc: ValidationError, fields: dict[str, str]) -> list[str]:
    """A service's ValidationError as row messages, model fields named by their columns."""
    if hasattr(exc, "error_dict"):
        return [
            row_message(number, fields.get(name, name), message)
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [row_message(number, "-", m) for m in exc.messages]


# --- set-up imports: columns, report, templates ----------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str  # lazy translated
    example: str = ""


@dataclass
class RowResult:
    row: int
    outcome: str  # "new", "changed", "unchanged"
    text: str


@dataclass
class SetupReport:
    """What a set-up import did row by row, or every wrong row (then nothing was applied)."""

    kind: str
    rows: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    checked_only: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count("new")

    @property
    def updated(self) -> int:
        return self.count("changed")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def template_rows(columns: list[Column]) -> list[list[str]]:
    return [[c.name for c in columns], [c.example for c in columns]]


def template_csv(columns: list[Column]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(template_rows(columns))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(columns: list[Column], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    header, example = template_rows(columns)
    sheet.append(header)
    # Every example as text: a KvK or CBS code keeps its leading zeros.
    sheet.append(example)
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font = Font(bold=column.required)
        cell.comment = Comment(str(column.help), "zorgregio")
        sheet.cell(row=2, column=position).number_format = "@"
        sheet.column_dimensions[cell.column_letter].width = max(14, len(column.name) + 4)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
