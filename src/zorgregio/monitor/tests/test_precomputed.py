"""The counts the refresh precomputes (clients in care, clients with realisatie, market per year,
scaling flags) must equal the same figures counted over the fact tables."""

import datetime as dt
from unittest import mock

import pytest

from zorgregio.monitor import figures as f
from zorgregio.monitor.selection import MonitorPeriod, Selection, quarter_period, year_period
from zorgregio.monitor.services import refresh_after_import

from .factories import ClientFactory, ProductFactory, ProductGroupFactory, RegelFactory, care

D = dt.date


def counted(sel: Selection):
    """The figures with every precomputed table bypassed."""
    with (
        mock.patch.object(f, "_care_scope", lambda s: None),
        mock.patch.object(f, "_clients_per_municipality", lambda s: None),
        mock.patch.object(f.ProviderYear.objects, "exists", lambda: False),
    ):
        return figures(sel)


def figures(sel: Selection):
    return (
        f.clients_in(sel),
        f.clients_on(sel, sel.period.end),
        [m["clients"] for m in f.monthly_series(sel)],
        f.by_municipality(sel),
        f.paid_clients(sel),
        f.market(sel),
        f.scaling(sel),
    )


@pytest.mark.django_db
def test_precomputed_counts_equal_counted_ones(apeldoorn, zutphen):
    wmo = ProductGroupFactory(code="begeleiding", law="wmo")
    jw = ProductGroupFactory(code="jeugdhulp", law="jw")
    light, heavy = (
        ProductFactory(group=wmo, intensity_rank=1),
        ProductFactory(group=wmo, intensity_rank=3),
    )
    youth = ProductFactory(group=jw, intensity_rank=None)
    clients = ClientFactory.create_batch(6)
    spans = [
        (D(2024, 1, 15), D(2024, 3, 31)),  # ends on a month end
        (D(2024, 4, 1), D(2024, 4, 30)),  # touches the one before
        (D(2024, 3, 31), None),  # open end
        (D(2024, 12, 31), D(2025, 1, 1)),  # over the year boundary
        (D(2025, 2, 28), D(2025, 2, 28)),  # one day, a month end
        (D(2025, 5, 10), D(2025, 8, 20)),
    ]
    for index, client in enumerate(clients):
        for shift, (start, end) in enumerate(spans[index:] + spans[:index]):
            if shift > 2:
                break
            care(
                client,
                start=start,
                end=end,
                product=(light, heavy, youth)[(index + shift) % 3],
                municipality=(apeldoorn, zutphen)[(index * shift) % 2],
            )
        for month in (1, 4, 12):
            RegelFactory(
                client=client,
                municipality=(apeldoorn, zutphen)[index % 2],
                product=(light, youth)[index % 2],
                period_start=D(2024, month, 1),
                amount_cents=1000 * (index + 1) * (1 if month != 12 or index % 3 else -3),
            )
    refresh_after_import()
    scopes = [
        {"municipality_ids": (apeldoorn.pk, zutphen.pk)},
        {"municipality_ids": (apeldoorn.pk,)},
        {"municipality_ids": (zutphen.pk,), "law": "wmo"},
        {"municipality_ids": (apeldoorn.pk, zutphen.pk), "law": "jw", "group_id": jw.pk},
    ]
    periods = [
        year_period(2024),
        year_period(2025),
        quarter_period(2024, 1),
        quarter_period(2024, 2),
        MonitorPeriod(D(2024, 3, 1), D(2024, 3, 31), "month"),
        MonitorPeriod(D(2024, 3, 15), D(2024, 4, 10), "range"),
    ]
    seen_any = False
    for scope in scopes:
        for period in periods:
            sel = Selection(period=period, **scope)
            precomputed = figures(sel)
            assert precomputed == counted(sel), (scope, period)
            seen_any = seen_any or precomputed[0] > 0
    assert seen_any
    region = Selection((apeldoorn.pk, zutphen.pk), year_period(2024))
    assert f.precomputed_clients(region, [(D(2024, 1, 1), D(2024, 12, 31))]) is not None
