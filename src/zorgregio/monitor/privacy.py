"""Small-cell suppression (kpis.md, "Privacy in figures") and the display of one figure.

Every figure shown on a page, in an export or by the API is a :class:`Cell`. Counts of 1 to 4
clients become "< 5"; amounts, averages and ratios computed over fewer clients than the
threshold are hidden. Only callers with ``detail=False`` are suppressed; who gets detail is
decided by the scope. Cells hidden so that subtraction cannot reveal a small one
(:mod:`.protection`) read "hidden".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from zorgregio.common.money import format_eurocents


def threshold() -> int:
    return int(getattr(settings, "ZORGREGIO_SUPPRESSION_THRESHOLD", 5))


def detail_allowed(scope, municipality_ids, provider_id=None) -> bool:
    """May this role see unsuppressed figures for these municipalities (and provider)? The
    scope decides (:meth:`~zorgregio.accounts.scoping.Scope.detail_for`)."""
    return scope.detail_for(municipality_ids, provider_id)


def _number(value, decimals=0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass
class Cell:
    value: int | float | None
    kind: str = "count"  # count, amount, percent, number, days, index
    suppressed: bool = False
    no_data: bool = False
    limit: int = 5
    base: int | None = None  # clients the value is computed over
    protecting: bool = False  # hidden so that subtraction cannot reveal a small cell

    @property
    def shown(self):
        """The value as exports and the API give it: None when hidden or missing."""
        if self.suppressed or self.no_data:
            return None
        return self.value

    @property
    def text(self) -> str:
        if self.no_data or (self.value is None and not self.suppressed):
            return _("no data")
        if self.suppressed:
            if self.protecting:
                return _("hidden")
            if self.kind == "count":
                return f"< {self.limit}"
            return _("hidden (< %(n)s clients)") % {"n": self.limit}
        if self.kind == "amount":
            return format_eurocents(round(self.value))
        if self.kind == "percent":
            return f"{_number(self.value * 100, 1)}%"
        if self.kind == "days":
            return _("%(n)s days") % {"n": _number(self.value, 1 if self.value % 1 else 0)}
        if self.kind == "number":
            return _number(self.value, 1)
        if self.kind == "index":
            return _number(self.value, 0)
        return _number(self.value)

    def __str__(self) -> str:
        return self.text


class Suppressor:
    def __init__(self, detail: bool, limit: int | None = None):
        self.detail = detail
        self.limit = threshold() if limit is None else limit

    def count(self, value: int | None, no_data: bool = False) -> Cell:
        """A count of clients: hidden from 1 to the threshold; 0 discloses nobody."""
        hidden = not self.detail and not no_data and value is not None and 0 < value < self.limit
        return Cell(value, "count", suppressed=hidden, no_data=no_data, limit=self.limit)

    def over(self, value, base: int | None, kind: str, no_data: bool = False) -> Cell:
        """An amount, average or ratio computed over ``base`` clients."""
        if value is None:
            return Cell(None, kind, no_data=True, limit=self.limit, base=base)
        hidden = not self.detail and (base is None or base < self.limit)
        return Cell(value, kind, suppressed=hidden, no_data=no_data, limit=self.limit, base=base)

    def plain(self, value, kind: str = "count") -> Cell:
        """Not about clients (e.g. a count of providers): never suppressed."""
        return Cell(value, kind, no_data=value is None, limit=self.limit)


def change(current: Cell, previous: Cell) -> Cell:
    """Relative change against the same period last year; hidden when either side is."""
    if current.no_data or previous.no_data:
        return Cell(None, "percent", no_data=True)
    if current.suppressed or previous.suppressed:
        return Cell(None, "percent", suppressed=True, limit=current.limit)
    if current.shown is None or previous.shown is None or previous.shown == 0:
        return Cell(None, "percent", no_data=True)
    return Cell((current.shown - previous.shown) / abs(previous.shown), "percent")
