"""The counts the refresh precomputes (clients in care, clients with realisatie, market per year,
scaling flags) must equal the same figures counted over the fact tables."""

import datetime as dt
from unittest import mock

import pytest

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.monitor import figures as f
from zorgregio.monitor.models import PaidCount
from zorgregio.monitor.selection import MonitorPeriod, Selection, quarter_period, year_period
from zorgregio.monitor.services import refresh_after_import

from .factories import ClientFactory, ProductFactory, ProductGroupFactory, RegelFactory, care

D = dt.date


def counted(sel: Selection):
    """The figures with every precomputed table bypassed, and the year tables too (whole years
    counted over the months)."""
    with (
        mock.patch.object(f, "_care_scope", lambda s: None),
        mock.patch.object(f, "_clients_per_municipality", lambda s: None),
        mock.patch.object(f.ProviderYear.objects, "exists", lambda: False),
        mock.patch.object(f, "_whole_year", lambda p: False),
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
        f.realisatie(sel),
        f.instroom(sel),
        f.uitstroom(sel),
    )


def task_cell(municipality, group, provider, *, paid_on, delivered, clients):
    """A task budget of ``provider`` with one instalment paid on ``paid_on`` (1.000,00) and a
    data delivery of the quarter starting ``delivered``."""
    from zorgregio.monitor.selection import add_months, month_end
    from zorgregio.producten.models import DataDelivery, TaskBudget, TaskBudgetInstalment

    budget = TaskBudget.objects.create(
        provider=provider, municipality=municipality, group=group, year=paid_on.year,
        amount_cents=100_000,
    )  # fmt: skip
    TaskBudgetInstalment.objects.create(
        budget=budget, due_on=paid_on, amount_cents=100_000, paid_on=paid_on
    )
    DataDelivery.objects.create(
        provider=provider, municipality=municipality, group=group, period_start=delivered,
        period_end=month_end(add_months(delivered, 2)), clients=clients, inflow=2, outflow=1,
        waiting_days=7,
    )  # fmt: skip


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
    # task-oriented cells beside the declarations: a small one (3 clients) and a larger one
    task_cell(apeldoorn, wmo, ProviderFactory(), paid_on=D(2024, 2, 10), delivered=D(2024, 1, 1),
              clients=3)  # fmt: skip
    task_cell(zutphen, wmo, ProviderFactory(), paid_on=D(2024, 4, 10), delivered=D(2024, 4, 1),
              clients=7)  # fmt: skip
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


def line(client, municipality, product, month, cents, provider=None):
    """A 323 line in ``month`` (a debit, or a credit when ``cents`` is negative)."""
    extra = {"provider": provider} if provider is not None else {}
    return RegelFactory(
        client=client,
        municipality=municipality,
        product=product,
        period_start=month,
        amount_cents=abs(cents),
        debit_credit="C" if cents < 0 else "D",
        **extra,
    )


@pytest.mark.django_db
def test_clients_with_realisatie_per_quarter_and_year(apeldoorn, zutphen):
    """``PaidCount`` for quarters and years, worked out by hand: a client counts in a scope when
    its net amount there is above zero, so credits in another municipality or law can cancel
    it out for the region but not for the municipality or law."""
    wmo = ProductGroupFactory(code="begeleiding", law="wmo")
    jw = ProductGroupFactory(code="jeugdhulp", law="jw")
    light, youth = ProductFactory(group=wmo), ProductFactory(group=jw)
    a, b, c, d, e = ClientFactory.create_batch(5)
    line(a, apeldoorn, light, D(2024, 1, 1), 100)  # A: Q1 200, Q2 50
    line(a, apeldoorn, light, D(2024, 2, 1), 100)
    line(a, apeldoorn, light, D(2024, 4, 1), 50)
    line(b, apeldoorn, light, D(2024, 1, 1), 100)  # B: Q1 100 - 100 = 0, Q3 30
    line(b, apeldoorn, light, D(2024, 3, 1), -100)
    line(b, apeldoorn, light, D(2024, 7, 1), 30)
    line(c, apeldoorn, light, D(2024, 2, 1), 100)  # C: Apeldoorn +100, Zutphen -150
    line(c, zutphen, light, D(2024, 2, 1), -150)
    line(d, zutphen, light, D(2024, 5, 1), 80)  # D: Wmo +80, Jeugdwet -100
    line(d, zutphen, youth, D(2024, 5, 1), -100)
    line(e, zutphen, youth, D(2023, 12, 1), 10)  # E: 2023-Q4 10, 2024-Q4 40
    line(e, zutphen, youth, D(2024, 10, 1), 40)
    refresh_after_import()

    both, ape, zut = (apeldoorn.pk, zutphen.pk), (apeldoorn.pk,), (zutphen.pk,)
    year, q1, q2, q3, q4 = (
        year_period(2024),
        *(quarter_period(2024, q) for q in (1, 2, 3, 4)),
    )
    expected = [
        # scope, period, clients with realisatie
        ({"municipality_ids": both}, q1, 1),  # A (B nets 0, C nets -50)
        ({"municipality_ids": both}, q2, 1),  # A (D nets -20)
        ({"municipality_ids": both}, q3, 1),  # B
        ({"municipality_ids": both}, q4, 1),  # E
        ({"municipality_ids": both}, year, 3),  # A, B, E
        ({"municipality_ids": both}, quarter_period(2023, 4), 1),  # E
        ({"municipality_ids": both}, year_period(2023), 1),  # E
        ({"municipality_ids": both}, quarter_period(2025, 1), 0),  # no data
        ({"municipality_ids": ape}, q1, 2),  # A, C
        ({"municipality_ids": ape}, year, 3),  # A, B, C
        ({"municipality_ids": zut}, q1, 0),  # C nets -150
        ({"municipality_ids": zut}, q2, 0),  # D nets -20
        ({"municipality_ids": zut}, year, 1),  # E
        ({"municipality_ids": zut, "law": "wmo"}, q2, 1),  # D's +80
        ({"municipality_ids": zut, "law": "wmo"}, year, 1),  # D
        ({"municipality_ids": both, "law": "wmo"}, q1, 1),  # A (C nets -50)
        ({"municipality_ids": both, "law": "wmo"}, q2, 2),  # A, D
        ({"municipality_ids": both, "law": "wmo"}, year, 3),  # A, B, D
        ({"municipality_ids": both, "law": "jw"}, q2, 0),  # D's -100
        ({"municipality_ids": both, "law": "jw", "group_id": jw.pk}, q4, 1),  # E
        ({"municipality_ids": both, "law": "jw", "group_id": jw.pk}, year, 1),  # E
        # a custom range counts the whole months it touches: April to June is Q2
        (
            {"municipality_ids": both, "law": "wmo"},
            MonitorPeriod(D(2024, 4, 15), D(2024, 6, 10), "range"),
            2,
        ),
        # two months of a quarter are not precomputed: counted (A, and B before its credit)
        ({"municipality_ids": both}, MonitorPeriod(D(2024, 1, 1), D(2024, 2, 29), "range"), 2),
    ]
    for scope, period, clients in expected:
        sel = Selection(period=period, **scope)
        with mock.patch.object(f, "_care_scope", lambda s: None):
            assert f.paid_clients(sel) == clients, ("counted", scope, period)
        assert f.paid_clients(sel) == clients, ("precomputed", scope, period)

    # the quarters are read from PaidCount, not counted
    assert (
        PaidCount.objects.get(
            start_date=D(2024, 4, 1),
            end_date=D(2024, 6, 30),
            region_id=apeldoorn.region_id,
            law="wmo",
            group_id=None,
        ).clients
        == 2
    )
    with mock.patch.object(f, "spending", side_effect=AssertionError("counted")):
        assert f.paid_clients(Selection(both, q2, law="wmo")) == 2

    # an import touching February 2024 rebuilds 2024 and leaves 2023 alone
    line(b, apeldoorn, light, D(2024, 2, 1), 500)
    refresh_after_import({D(2024, 2, 1)})
    region_q1 = Selection(both, q1)
    assert f.paid_clients(region_q1) == 2  # A, and B now nets 500
    assert f.paid_clients(Selection(both, year)) == 3
    assert f.paid_clients(Selection(both, year_period(2023))) == 1
    assert PaidCount.objects.filter(start_date__year=2023).count() > 0


@pytest.mark.django_db
def test_undecided_cells_are_counted_exactly(apeldoorn, zutphen, settings):
    """When the cell bounds do not decide, clients are counted exactly: per provider over a year
    (from ``ClientYear``) or a quarter, and per month of the series."""
    settings.ZORGREGIO_SUPPRESSION_THRESHOLD = 3
    light = ProductFactory(group=ProductGroupFactory(code="begeleiding", law="wmo"))
    provider = ProviderFactory()
    a, b, c = ClientFactory.create_batch(3)
    # March 2024: A and B in Apeldoorn, B and C in Zutphen: cells of 2 (below 3), 3 clients
    for client, municipality in ((a, apeldoorn), (b, apeldoorn), (b, zutphen), (c, zutphen)):
        line(client, municipality, light, D(2024, 3, 1), 100, provider)
    line(a, apeldoorn, light, D(2024, 8, 1), 100, provider)  # A again in another quarter
    refresh_after_import()
    both = (apeldoorn.pk, zutphen.pk)
    for period in (year_period(2024), quarter_period(2024, 1)):
        sel = Selection(both, period)
        rows = f.market(sel)["rows"]
        assert [(r["provider_id"], r["clients"]) for r in rows] == [(provider.pk, 3)], period
        assert f.market(sel) == counted(sel)[5]
    series = {m["month"]: m for m in f.monthly_series(Selection(both, quarter_period(2024, 1)))}
    assert series[D(2024, 3, 1)]["amount_clients"] == 3
