"""What a figure is about: the scope (municipalities, law, product group, product, provider) and
the period, parsed from the URL so a view can be shared."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from django.db.models import Q
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class MonitorPeriod:
    start: dt.date
    end: dt.date
    kind: str  # year, quarter, month, range

    @property
    def code(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return f"{self.start.year}-K{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d}_{self.end:%Y-%m-%d}"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return _("Q%(q)s %(year)s") % {
                "q": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == "month":
            return f"{self.start:%m-%Y}"
        return f"{self.start:%d-%m-%Y} – {self.end:%d-%m-%Y}"

    def previous_year(self) -> MonitorPeriod:
        return MonitorPeriod(shift_years(self.start, -1), shift_years(self.end, -1), self.kind)

    def comparable(self, complete_until: dt.date | None) -> MonitorPeriod | None:
        """The part of the period the data are complete for, to compare with the same months a
        year earlier: the period itself when it ends by ``complete_until``, its start to
        ``complete_until`` when that falls inside it, None when no month of it is complete."""
        if complete_until is None or self.start > complete_until:
            return None
        if self.end <= complete_until:
            return self
        return MonitorPeriod(self.start, complete_until, "range")

    @property
    def span_label(self) -> str:
        """Short Dutch label of whole months: "jan-sep 2026", "mrt 2026"; else the period."""
        from django.utils.dateformat import format as date_format

        whole = self.start.day == 1 and self.end == month_end(self.end)
        if not whole or self.kind in ("year", "quarter", "month"):
            return self.label
        first, last = date_format(self.start, "b"), date_format(self.end, "b")
        if self.start.year != self.end.year:
            return f"{first} {self.start.year}-{last} {self.end.year}"
        if self.start.month == self.end.month:
            return f"{first} {self.end.year}"
        return f"{first}-{last} {self.end.year}"

    def months(self) -> list[dt.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def year_period(year: int) -> MonitorPeriod:
    return MonitorPeriod(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def quarter_period(year: int, quarter: int) -> MonitorPeriod:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return MonitorPeriod(start, month_end(add_months(start, 2)), "quarter")


def last_complete_quarter(complete_until: dt.date | None, today: dt.date | None = None):
    """The last quarter the data are complete for: the one ending on ``complete_until`` or the
    one before it. Without data, the quarter before today's."""
    day = complete_until or add_months((today or dt.date.today()).replace(day=1), -3)
    quarter = (day.month - 1) // 3 + 1
    candidate = quarter_period(day.year, quarter)
    if complete_until is not None and candidate.end > complete_until:
        start = add_months(candidate.start, -3)
        candidate = quarter_period(start.year, (start.month - 1) // 3 + 1)
    return candidate


PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:[KkQq]([1-4])|(\d{2})))?$")


def parse_period(code: str | None, first: str | None, last: str | None, default: MonitorPeriod):
    """A period from the URL: ``periode=2025``, ``2025-K3`` or ``2025-07``, or a custom range
    ``van``/``tot`` (ISO dates). Returns ``(period, error message or None)``."""
    if first or last:
        try:
            start = dt.date.fromisoformat(first or "")
            end = dt.date.fromisoformat(last or "")
        except ValueError:
            return default, _("The custom period needs a start and end date (yyyy-mm-dd).")
        if end < start:
            return default, _("The end date of the period lies before its start date.")
        if (end - start).days > 366 * 5:
            return default, _("A custom period can be at most five years long.")
        return MonitorPeriod(start, end, "range"), None
    if not code:
        return default, None
    match = PERIOD_RE.match(code.strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        return default, _("'%(value)s' is not a period; use 2025, 2025-K3 or 2025-07.") % {
            "value": code
        }
    year = int(match.group(1))
    if match.group(2):
        return quarter_period(year, int(match.group(2))), None
    if match.group(3):
        month = int(match.group(3))
        if not 1 <= month <= 12:
            return default, _("'%(value)s' is not a period; use 2025, 2025-K3 or 2025-07.") % {
                "value": code
            }
        start = dt.date(year, month, 1)
        return MonitorPeriod(start, month_end(start), "month"), None
    return year_period(year), None


@dataclass(frozen=True)
class Selection:
    """A scope plus a period. ``municipality_ids`` is always explicit (the region's
    municipalities for the region view)."""

    municipality_ids: tuple[int, ...]
    period: MonitorPeriod
    law: str | None = None
    group_id: int | None = None
    product_id: int | None = None
    provider_id: int | None = None

    def with_period(self, period: MonitorPeriod) -> Selection:
        return replace(self, period=period)

    def filters(self, *, with_product: bool = True) -> dict:
        """ORM filters on the fact tables (which share these column names)."""
        result: dict = {"municipality_id__in": self.municipality_ids}
        if self.law:
            result["law"] = self.law
        if self.group_id:
            result["group_id"] = self.group_id
        if self.product_id and with_product:
            result["product_id"] = self.product_id
        if self.provider_id:
            result["provider_id"] = self.provider_id
        return result

    def q(self, **kwargs) -> Q:
        return Q(**self.filters(**kwargs))

    def sql(self, alias: str) -> tuple[str, list]:
        """The same filters as SQL on a fact table alias: ``(where, params)``."""
        ids = list(self.municipality_ids) or [-1]
        where = [f"{alias}.municipality_id IN ({', '.join(['%s'] * len(ids))})"]
        params: list = list(ids)
        for column, value in (
            ("law", self.law),
            ("group_id", self.group_id),
            ("product_id", self.product_id),
            ("provider_id", self.provider_id),
        ):
            if value:
                where.append(f"{alias}.{column} = %s")
                params.append(value)
        return " AND ".join(where), params
