"""Suppression rules, who gets detail, and the bounds used to decide small cells."""

import datetime as dt

import pytest

from zorgregio.accounts.scoping import Scope
from zorgregio.monitor import figures as f
from zorgregio.monitor.privacy import Cell, Suppressor, change, detail_allowed
from zorgregio.monitor.selection import Selection, year_period
from zorgregio.monitor.services import refresh_after_import

from .factories import ClientFactory, ProductFactory, RegelFactory


def test_counts_below_the_threshold_show_as_less_than():
    s = Suppressor(detail=False, limit=5)
    assert s.count(4).text == "< 5"
    assert s.count(4).shown is None
    assert s.count(0).text == "0"  # no client: nobody to protect
    assert s.count(5).text == "5"
    assert s.count(5).shown == 5
    assert Suppressor(detail=True, limit=5).count(1).text == "1"


def test_amounts_over_few_clients_are_hidden():
    s = Suppressor(detail=False, limit=5)
    assert s.over(123_45, 4, "amount").suppressed
    assert s.over(123_45, 4, "amount").shown is None
    shown = s.over(123_45, 5, "amount")
    assert not shown.suppressed and shown.shown == 123_45
    assert s.over(None, 50, "amount").no_data


def test_change_is_hidden_when_either_side_is():
    s = Suppressor(detail=False, limit=5)
    assert change(s.count(10), s.count(3)).suppressed
    assert change(s.count(12), s.count(10)).value == pytest.approx(0.2)
    assert change(s.count(12), s.count(0, no_data=True)).no_data
    assert change(Cell(5), Cell(0)).no_data  # no division by zero


@pytest.mark.parametrize(
    ("role", "municipalities", "provider", "expected"),
    [
        ("regio", {1, 2}, None, True),
        ("gemeente", {1}, None, True),
        ("gemeente", {1, 2}, None, False),  # the region: aggregate only
        ("gemeente", {2}, None, False),
        ("aanbieder", {1, 2}, 7, True),
        ("aanbieder", {1, 2}, None, False),
        ("raad", {1}, None, False),
        ("beheerder", {1}, None, False),
    ],
)
def test_who_gets_detail(role, municipalities, provider, expected):
    scope = Scope(role=role, region_id=1, municipality_ids=frozenset({1}), provider_id=7)
    assert detail_allowed(scope, municipalities, provider) is expected


def test_cell_bounds_decide_without_counting_unless_needed(settings):
    settings.ZORGREGIO_SUPPRESSION_THRESHOLD = 5
    calls = []

    def exact():
        calls.append(1)
        return 42

    assert f.decide_base(6, 9, exact) == 6  # largest cell already reaches 5
    assert f.decide_base(1, 4, exact) == 4  # even the sum stays below 5
    assert calls == []
    assert f.decide_base(3, 6, exact) == 42  # undecided: counted exactly
    assert f.decide_base(None, None, exact) == 0


def test_region_amount_with_clients_spread_over_cells(apeldoorn, zutphen, settings):
    """3 clients in Apeldoorn and 3 in Zutphen: no cell reaches 5 but the region has 6."""
    settings.ZORGREGIO_SUPPRESSION_THRESHOLD = 5
    product = ProductFactory()
    for municipality in (apeldoorn, zutphen):
        for _ in range(3):
            RegelFactory(client=ClientFactory(), municipality=municipality, product=product)
    # One client in both municipalities: 5 distinct clients, 6 cell clients.
    shared = ClientFactory()
    RegelFactory(
        client=shared, municipality=apeldoorn, product=product, period_start=dt.date(2025, 2, 1)
    )
    refresh_after_import()
    both = Selection((apeldoorn.pk, zutphen.pk), year_period(2025))
    assert f.paid_base(both) == 7
    only = Selection((apeldoorn.pk,), year_period(2025))
    assert f.paid_base(only) == 4  # sum of cells 3 + 1 stays below 5
