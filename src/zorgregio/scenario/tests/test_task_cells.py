"""The baseline of a municipality with a taakgericht pilot (issue 20): the paid instalments are
its spending, the delivered clients its clients and the delivered inflow and outflow (and
regieberichten) its flows, equal to the monitor's figures for the same year.

The data is the monitor's ``task_world`` (``monitor/tests/test_task_cells.py``): Begeleiding
groep taakgericht in Apeldoorn from 2026, three instalments of 3.000,00 paid in 2026, at most
10 delivered clients, inflow 3 + 4 + 1 (deliveries) + 2 (regieberichten) = 10, outflow
1 + 2 + 0 + 1 = 4; Zutphen five clients of 500,00 in 2026 (declarations).
"""

import datetime as dt

import numpy as np
import pytest

from zorgregio.monitor import figures as f
from zorgregio.monitor.selection import Selection, year_period
from zorgregio.monitor.tests.test_task_cells import task_world  # noqa: F401 - a fixture
from zorgregio.scenario import baseline as baseline_module
from zorgregio.scenario.engine import project
from zorgregio.scenario.presentation import hidden_groups

D = dt.date
pytestmark = pytest.mark.django_db


def test_the_baseline_counts_the_paid_instalments_as_the_monitor_does(task_world, apeldoorn):  # noqa: F811
    group = task_world["group"]
    b = baseline_module.load([apeldoorn], base_year=2026, use_cache=False)
    assert [b.groups[g]["code"] for g in b.cell_g] == ["wmo-begeleiding-groep"]
    assert (b.spending[0], b.clients[0]) == (900_000, 10)
    assert (b.inflow[0], b.outflow[0]) == (10, 4)
    # the monitor's figures for the same municipality, group and year
    monitor = Selection((apeldoorn.pk,), year_period(2026), law="wmo", group_id=group.pk)
    assert f.realisatie(monitor) == {"amount": b.spending[0], "clients": b.clients[0]}
    assert f.instroom(monitor) == b.inflow[0] and f.uitstroom(monitor)["count"] == b.outflow[0]
    # the task budget's provider is the group's provider (concentration knob)
    assert list(b.providers[b.cell_g[0]]) == [900_000.0]
    # the projection starts from the realised 9.000,00 (the base year is shown as realised)
    assert project(b, [], 1).totals()[0]["spending_cents"] == 900_000


def test_actual_spending_and_the_region_add_task_and_declared_cells(
    task_world,  # noqa: F811
    apeldoorn,
    zutphen,
):
    both = [apeldoorn, zutphen]
    actual = baseline_module.actual_spending(both, 2026)
    assert actual == {"": 1_150_000, "wmo-begeleiding-groep": 1_150_000}
    region = Selection((apeldoorn.pk, zutphen.pk), year_period(2026))
    assert f.realisatie(region)["amount"] == actual[""]
    b = baseline_module.load(both, base_year=2026, use_cache=False)
    assert b.spending.sum() == 1_150_000 and b.clients.sum() == 15
    assert np.array_equal(np.sort(b.spending), [250_000, 900_000])


def test_a_small_task_cell_is_hidden_for_the_council(task_world, users, apeldoorn):  # noqa: F811
    """A second group, taakgericht in Apeldoorn with 3 delivered clients and an instalment
    paid: fewer than 5 base clients, so hidden for aggregate-only roles, with the next smallest
    group (so the total minus the other does not give it away)."""
    from zorgregio.aanbieders.tests.factories import ProviderFactory
    from zorgregio.monitor.services import refresh_after_import
    from zorgregio.monitor.tests.factories import ProductGroupFactory
    from zorgregio.producten import services
    from zorgregio.producten.models import (
        DataDelivery,
        FundingVariant,
        TaskBudget,
        TaskBudgetInstalment,
    )

    small = ProductGroupFactory(code="wmo-dagbesteding", name="Dagbesteding")
    services.group_variant_set(
        actor=users["regio"], group=small, municipality=apeldoorn,
        variant=FundingVariant.TASK, valid_from=D(2026, 1, 1),
    )  # fmt: skip
    provider = ProviderFactory(name="Aanbieder C")
    budget = TaskBudget.objects.create(
        provider=provider, municipality=apeldoorn, group=small, year=2026, amount_cents=200_000
    )
    TaskBudgetInstalment.objects.create(
        budget=budget, due_on=D(2026, 2, 1), amount_cents=200_000, paid_on=D(2026, 2, 2)
    )
    DataDelivery.objects.create(
        provider=provider, municipality=apeldoorn, group=small, period_start=D(2026, 1, 1),
        period_end=D(2026, 3, 31), clients=3, inflow=3, outflow=0, waiting_days=5,
    )  # fmt: skip
    refresh_after_import(None)
    b = baseline_module.load([apeldoorn], base_year=2026, use_cache=False)
    groups = project(b, [], 1).by_group(b)
    clients = {g["code"]: g["base_clients"] for g in groups}
    assert clients == {"wmo-begeleiding-groep": 10, "wmo-dagbesteding": 3}
    assert hidden_groups(groups, detail=False, limit=5) == set(clients)
    assert hidden_groups(groups, detail=True, limit=5) == set()
