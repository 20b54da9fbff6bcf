"""Issue 17 points 1 and 2: a comparison with last year covers only the months the data are
complete for, a year without data is "geen gegevens" (not 0), and the council report defaults
to the last complete quarter."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from zorgregio.monitor import dashboard
from zorgregio.monitor.selection import (
    MonitorPeriod,
    Selection,
    add_months,
    last_complete_quarter,
    quarter_period,
    year_period,
)
from zorgregio.monitor.services import refresh_after_import

from .factories import ProductFactory, ProductGroupFactory, RegelFactory

D = dt.date


@pytest.fixture
def product(db):
    return ProductFactory(group=ProductGroupFactory(code="begeleiding", law="wmo"))


def _paid(municipality, product, months, cents=10_000):
    """One declaration line of ``cents`` per month given, each for its own client, declared on
    the 5th of the next month; the monitor refreshed."""
    for month in months:
        RegelFactory(
            municipality=municipality,
            product=product,
            period_start=month,
            amount_cents=cents,
            declaratie__declaratiedatum=add_months(month, 1).replace(day=5),
        )
    refresh_after_import()


def _months(year, first, last):
    return [D(year, m, 1) for m in range(first, last + 1)]


def test_the_comparison_covers_the_complete_months_of_both_years(apeldoorn, product):
    # 2025 complete; 2026 complete to September, October and November partly declared.
    _paid(apeldoorn, product, _months(2025, 1, 12))
    _paid(apeldoorn, product, _months(2026, 1, 9))
    _paid(apeldoorn, product, _months(2026, 10, 11), cents=2_000)  # still coming in
    sel = Selection((apeldoorn.pk,), year_period(2026))
    board = dashboard.build(sel, detail=True, complete_until=D(2026, 9, 30))

    assert board.comparison.period == MonitorPeriod(D(2026, 1, 1), D(2026, 9, 30), "range")
    assert board.comparison.previous.start == D(2025, 1, 1)
    assert board.comparison.previous.end == D(2025, 9, 30)
    assert board.comparison.label == "jan-sep 2026 t.o.v. jan-sep 2025"
    row = board.row("realisatie")
    # The whole year so far is shown, but compared over January to September only: 9 x 100
    # against 9 x 100 is no change (over the whole year it would look like -22%).
    assert row.cell.value == 9 * 10_000 + 2 * 2_000
    assert row.compared.value == 9 * 10_000
    assert row.previous.value == 9 * 10_000
    assert row.delta.value == 0
    assert board.comparison_headers() == ["jan-sep 2026", "jan-sep 2025", "Wijziging"]


def test_a_complete_period_is_compared_whole_and_an_incomplete_one_not_at_all(apeldoorn, product):
    _paid(apeldoorn, product, _months(2025, 1, 12))
    _paid(apeldoorn, product, _months(2026, 1, 6), cents=11_000)
    q2 = dashboard.build(
        Selection((apeldoorn.pk,), quarter_period(2026, 2)),
        detail=True,
        complete_until=D(2026, 9, 30),
    )
    assert not q2.comparison.partial and q2.row("realisatie").compared is None
    assert q2.row("realisatie").delta.value == pytest.approx(0.1)
    q4 = dashboard.build(
        Selection((apeldoorn.pk,), quarter_period(2026, 4)),
        detail=True,
        complete_until=D(2026, 9, 30),
    )
    assert q4.comparison.period is None
    assert q4.row("realisatie").previous.no_data and q4.row("realisatie").delta.no_data
    assert "geen vergelijking" in q4.comparison.label


def test_a_previous_year_without_data_is_no_data_not_zero(apeldoorn, product):
    _paid(apeldoorn, product, _months(2026, 1, 6))
    board = dashboard.build(
        Selection((apeldoorn.pk,), year_period(2026)), detail=True, complete_until=D(2026, 6, 30)
    )
    for key in ("clients_in", "instroom", "realisatie"):
        row = board.row(key)
        assert row.previous.no_data and row.previous.text == "geen gegevens", key
        assert row.delta.no_data


def test_months_still_to_come_are_no_data_and_incomplete_months_are_marked(
    client, users, apeldoorn, product
):
    _paid(apeldoorn, product, _months(2026, 1, 9))  # declared to 5 October
    board = dashboard.build(
        Selection((apeldoorn.pk,), year_period(2026)),
        detail=True,
        complete_until=D(2026, 9, 30),
        today=D(2026, 10, 15),
    )
    by_month = {m["month"].month: m for m in board.months}
    assert by_month[9]["complete"] and not by_month[10]["complete"]
    assert by_month[11]["amount"].no_data and by_month[11]["clients"].text == "geen gegevens"

    client.force_login(users["regio"])
    page = client.get(reverse("monitor:index"), {"periode": "2026"}).content.decode()
    assert "jan-sep 2026 t.o.v. jan-sep 2025" in page
    assert "nog niet volledig" in page


def test_last_complete_quarter():
    assert last_complete_quarter(D(2026, 9, 30)) == quarter_period(2026, 3)
    assert last_complete_quarter(D(2026, 11, 30)) == quarter_period(2026, 3)
    assert last_complete_quarter(D(2026, 2, 28)) == quarter_period(2025, 4)
    assert last_complete_quarter(None, today=D(2026, 12, 1)) == quarter_period(2026, 3)


def test_the_council_report_defaults_to_the_last_complete_quarter(
    client, users, apeldoorn, product
):
    _paid(apeldoorn, product, _months(2025, 1, 12))
    _paid(apeldoorn, product, _months(2026, 1, 11))  # declared to 5 December: complete to Nov
    client.force_login(users["gemeente"])
    page = client.get(reverse("monitor:municipality", args=[apeldoorn.cbs_code]))
    # The page's link asks for the last complete quarter, not the current one.
    assert "?periode=2026-K3" in page.content.decode()
    response = client.get(reverse("monitor:report", args=[apeldoorn.cbs_code]))
    assert response.status_code == 200
    assert "2026-K3" in response["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "De gegevens over K3 2026 zijn volledig." in text
    assert "jul-sep 2026" not in text  # a whole quarter is compared as a quarter
    assert "K3 2026 t.o.v. K3 2025" in text
    # Asked for the quarter still coming in, the report says so.
    response = client.get(
        reverse("monitor:report", args=[apeldoorn.cbs_code]), {"periode": "2026-K4"}
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "nog niet volledig" in text
