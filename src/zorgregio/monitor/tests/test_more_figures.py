"""More edge cases: forecast without history, demo budgets, API budgets, periods without data."""

import datetime as dt

import pytest

from zorgregio.demo.registry import DemoContext
from zorgregio.monitor import figures as f
from zorgregio.monitor.models import Budget
from zorgregio.monitor.selection import MonitorPeriod, Selection, year_period
from zorgregio.monitor.services import budget_set, refresh_after_import

from .factories import BudgetFactory, ProductFactory, ProductGroupFactory, RegelFactory, care

D = dt.date


def test_forecast_run_rate_without_last_year(apeldoorn):
    product = ProductFactory()
    for month, amount in ((1, 100_00), (2, 200_00), (3, 300_00)):
        RegelFactory(
            municipality=apeldoorn,
            product=product,
            period_start=D(2025, month, 1),
            amount_cents=amount,
        )
    refresh_after_import()
    sel = Selection((apeldoorn.pk,), year_period(2025))
    result = f.forecast(sel, complete_until=D(2025, 3, 31))
    # Mean month 200 times the 9 months left, plus the 600 so far.
    assert (result.method, result.realised, result.forecast) == ("run-rate", 600_00, 2400_00)
    assert result.backtest == [] and result.low is None
    # Data complete only up to mid-January: no complete month, no forecast.
    assert f.forecast(sel, complete_until=D(2025, 1, 15)).forecast is None
    assert f.forecast(sel, complete_until=None).forecast is None


def test_custom_range_counts_whole_months_for_money(apeldoorn):
    product = ProductFactory()
    RegelFactory(
        municipality=apeldoorn, product=product, period_start=D(2025, 3, 1), amount_cents=50_00
    )
    refresh_after_import()
    sel = Selection((apeldoorn.pk,), MonitorPeriod(D(2025, 3, 20), D(2025, 4, 5), "range"))
    assert f.realisatie(sel)["amount"] == 50_00


def test_open_ended_delivery_counts_in_every_later_month(apeldoorn):
    care(start=D(2024, 6, 1), municipality=apeldoorn)
    refresh_after_import()
    sel = Selection((apeldoorn.pk,), year_period(2025))
    months = f.monthly_series(sel)
    assert [m["clients"] for m in months] == [1] * 12
    assert f.uitstroom(sel)["count"] == 0


def test_budget_set_validates_and_audits(apeldoorn, users):
    group = ProductGroupFactory()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        budget_set(
            actor=users["regio"],
            municipality=apeldoorn,
            product_group=group,
            year=2025,
            amount_cents=-1,
        )
    budget_set(
        actor=users["regio"],
        municipality=apeldoorn,
        product_group=group,
        year=2025,
        amount_cents=5_00,
    )
    budget_set(
        actor=users["regio"],
        municipality=apeldoorn,
        product_group=group,
        year=2025,
        amount_cents=7_00,
    )
    assert Budget.objects.get().amount_cents == 7_00
    from zorgregio.audit.models import AuditEvent

    assert AuditEvent.objects.filter(object_repr__contains="2025").count() == 2


def test_demo_step_budgets_for_years_with_data(region, apeldoorn, zutphen):
    import random

    from zorgregio.monitor.demo import build_monitor

    group = ProductGroupFactory()
    product = ProductFactory(group=group)
    RegelFactory(
        municipality=apeldoorn,
        product=product,
        period_start=D(2024, 5, 1),
        amount_cents=1_000_000_00,
    )
    ctx = DemoContext(
        seed=1, scale=1, log=lambda _m: None, password="x", region=region, rng=random.Random(1)
    )
    build_monitor(ctx)
    budget = Budget.objects.get()
    assert (budget.municipality, budget.product_group, budget.year) == (apeldoorn, group, 2024)
    assert 900_000_00 <= budget.amount_cents <= 1_100_000_00


def test_demo_step_without_groups_does_nothing(region):
    import random

    from zorgregio.monitor.demo import build_monitor

    ctx = DemoContext(
        seed=1, scale=1, log=lambda _m: None, password="x", region=region, rng=random.Random(1)
    )
    build_monitor(ctx)
    assert not Budget.objects.exists()


def test_api_budgets_are_scoped(client, users, apeldoorn, zutphen):
    BudgetFactory(municipality=apeldoorn)
    BudgetFactory(municipality=zutphen)
    client.force_login(users["gemeente"])
    body = client.get("/api/v1/monitor/budgetten/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["municipality"] for r in rows] == ["0200"]
    client.force_login(users["regio"])
    body = client.get("/api/v1/monitor/budgetten/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert sorted(r["municipality"] for r in rows) == ["0200", "0301"]


def test_api_schema_documents_the_monitor(client, users):
    client.force_login(users["regio"])
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/monitor/kerncijfers/" in schema
    assert "productgroep" in schema


def test_demo_step_budgets_the_running_year_as_a_whole_year(region, apeldoorn):
    """The year still running is covered only up to its last month with data: its budget is
    that spending scaled to twelve months, not the spending so far."""
    import random

    from zorgregio.monitor.demo import build_monitor

    this_year = dt.date.today().year
    product = ProductFactory(group=ProductGroupFactory())
    for month in (1, 2, 3):  # 300 euros over the first quarter: 1,200 over the year
        RegelFactory(
            municipality=apeldoorn,
            product=product,
            period_start=D(this_year, month, 1),
            amount_cents=100_000_00,
        )
    ctx = DemoContext(
        seed=1, scale=1, log=lambda _m: None, password="x", region=region, rng=random.Random(1)
    )
    build_monitor(ctx)
    budget = Budget.objects.get(year=this_year)
    assert 1_080_000_00 <= budget.amount_cents <= 1_320_000_00
