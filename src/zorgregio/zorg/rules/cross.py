"""Cross-message rules (the standard's check level *berichtoverstijgend*) as plain functions.

The rules on a declaration line are in :mod:`.lines`; the rules on a start, stop, toewijzing or
request are in the service of that message kind (:class:`zorgregio.zorg.apply.MessageApplier`;
the registry names the place). Here: the month bounds of a product period.
"""

from __future__ import annotations

import datetime as dt

_ONE_DAY = dt.timedelta(days=1)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - _ONE_DAY


def tr387_period_start(start: dt.date, tw_start: dt.date) -> bool:
    """TR387: a ProductPeriode starts on the first of its month, or on the Ingangsdatum of the
    toewijzing when that lies later in the same month. True when broken."""
    first = start.replace(day=1)
    expected = tw_start if first < tw_start <= _month_end(start) else first
    return start != expected


def tr388_period_end(end: dt.date, tw_end: dt.date | None) -> bool:
    """TR388: a ProductPeriode ends on the last day of its month, or on the Einddatum of the
    toewijzing when that lies earlier in the same month. True when broken."""
    last = _month_end(end)
    expected = tw_end if tw_end is not None and end.replace(day=1) <= tw_end < last else last
    return end != expected


def month_bounds(start, end, tw_start, tw_end) -> list[str]:
    """The retourcodes of TR387 and TR388 for a line of a toewijzing."""
    codes = []
    if tr387_period_start(start, tw_start):
        codes.append("9387")
    if tr388_period_end(end, tw_end):
        codes.append("9388")
    return codes
