"""Periods from the URL, birthday bounds and the SVG charts."""

import datetime as dt

from zorgregio.monitor.charts import Series, legend, line_chart
from zorgregio.monitor.figures import birth_bounds
from zorgregio.monitor.selection import (
    MonitorPeriod,
    parse_period,
    quarter_period,
    shift_years,
    year_period,
)

D = dt.date
DEFAULT = year_period(2026)


def test_parse_periods():
    assert parse_period("2025", None, None, DEFAULT) == (year_period(2025), None)
    assert parse_period("2025-K3", None, None, DEFAULT) == (quarter_period(2025, 3), None)
    assert parse_period("2025-q4", None, None, DEFAULT)[0].end == D(2025, 12, 31)
    month, error = parse_period("2024-02", None, None, DEFAULT)
    assert (month.start, month.end, error) == (D(2024, 2, 1), D(2024, 2, 29), None)
    custom, error = parse_period("2025", "2025-03-15", "2025-04-10", DEFAULT)
    assert custom == MonitorPeriod(D(2025, 3, 15), D(2025, 4, 10), "range") and error is None
    assert custom.months() == [D(2025, 3, 1), D(2025, 4, 1)]


def test_bad_periods_fall_back_with_a_message():
    for args in (
        ("2025-13", None, None),
        ("abc", None, None),
        ("2025-K5", None, None),
        (None, "2025-05-01", None),
        (None, "2025-05-01", "2025-04-01"),
        (None, "2010-01-01", "2025-01-01"),
    ):
        period, error = parse_period(*args, DEFAULT)
        assert period == DEFAULT
        assert error


def test_previous_year_and_leap_days():
    assert shift_years(D(2024, 2, 29), -1) == D(2023, 2, 28)
    q = quarter_period(2025, 1).previous_year()
    assert (q.start, q.end) == (D(2024, 1, 1), D(2024, 3, 31))
    # Born 29 Feb 2008 turns 18 on 28 Feb 2026: inside a period of only that day.
    first, last = birth_bounds(MonitorPeriod(D(2026, 2, 28), D(2026, 2, 28), "range"))
    assert first <= D(2008, 2, 29) <= last
    first, last = birth_bounds(MonitorPeriod(D(2026, 3, 1), D(2026, 3, 31), "month"))
    assert not first <= D(2008, 2, 29) <= last


def test_line_chart_is_accessible_svg_with_gaps_for_hidden_values():
    svg = line_chart(
        "Cliënten <per> maand",
        ["01", "02", "03"],
        [Series("A & B", [5, None, 7]), Series("C", [1, 2, 3])],
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Cliënten &lt;per&gt; maand</title>" in svg
    assert "A &amp; B" in svg
    # Series A is split by the hidden value: two polylines of one point each, plus C.
    assert svg.count("<polyline") == 3
    assert "stroke-dasharray" in svg  # the second series differs by more than colour
    assert line_chart("leeg", ["01"], [Series("A", [None])]) == ""
    assert "A &amp; B" in legend([Series("A & B", [1])])
