"""The main monitor figures of task-oriented cells (issue 20 point 4), checked by hand.

Begeleiding groep is taakgericht in Apeldoorn from 1 January 2026 (with start and stop
messages without a toewijzing agreed); Zutphen stays P x Q. Apeldoorn had six clients of
1.000,00 each in January 2025 (declarations).

2026 in Apeldoorn, provider A (a task budget):

| quarter | instalment paid | delivered clients | inflow | outflow |
|---|---|---|---|---|
| Q1 | 3.000,00 (15 January) | 8 | 3 | 1 |
| Q2 | 3.000,00 (15 April) | 10 | 4 | 2 |
| Q3 | 3.000,00 (15 July) | 3 | 1 | 0 |

(a fourth instalment is not paid). A also sent a regiebericht start in February: a delivery
covers that month, so it does not count. Provider B has no budget and no delivery; it sent two
starts in May and one stop in June (regieberichten): inflow 2 (Q2), outflow 1 (Q2).

So for Apeldoorn, the group, 2026: realisatie 9.000,00; clients (with realisatie) 10, the
largest delivered quarter; cost per client 900,00; instroom 3 + 4 + 1 + 2 = 10; uitstroom
1 + 2 + 0 + 1 = 4. Zutphen 2026: five clients of 500,00 in January (declarations).
"""

import datetime as dt

import pytest
from django.urls import reverse

from zorgregio.monitor import dashboard
from zorgregio.monitor import figures as f
from zorgregio.monitor.models import TaskMonth
from zorgregio.monitor.selection import Selection, quarter_period, year_period
from zorgregio.monitor.services import refresh_after_import, task_month_rows
from zorgregio.producten import services
from zorgregio.producten.models import (
    DataDelivery,
    FundingVariant,
    TaskBudget,
    TaskBudgetInstalment,
)
from zorgregio.zorg.models import Regiebericht

from .factories import ClientFactory, ProductFactory, ProductGroupFactory, RegelFactory, care

D = dt.date
pytestmark = pytest.mark.django_db


def sel(municipalities, period, **kwargs):
    return Selection(tuple(m.pk for m in municipalities), period, **kwargs)


@pytest.fixture
def task_world(users, apeldoorn, zutphen):
    from zorgregio.aanbieders.tests.factories import ProviderFactory

    group = ProductGroupFactory(code="wmo-begeleiding-groep", name="Begeleiding groep")
    product = ProductFactory(group=group)
    services.group_variant_set(
        actor=users["regio"],
        group=group,
        municipality=apeldoorn,
        variant=FundingVariant.TASK,
        valid_from=D(2026, 1, 1),
        regieberichten=True,
    )
    for _ in range(6):  # 2025 in Apeldoorn: P x Q
        client = ClientFactory()
        care(client, start=D(2025, 1, 1), end=D(2025, 12, 31), product=product,
             municipality=apeldoorn)  # fmt: skip
        RegelFactory(client=client, municipality=apeldoorn, product=product,
                     period_start=D(2025, 1, 1), amount_cents=100_000)  # fmt: skip
    for _ in range(5):  # Zutphen 2026: P x Q
        client = ClientFactory()
        care(client, start=D(2026, 1, 1), end=D(2026, 12, 31), product=product,
             municipality=zutphen)  # fmt: skip
        RegelFactory(client=client, municipality=zutphen, product=product,
                     period_start=D(2026, 1, 1), amount_cents=50_000)  # fmt: skip
    a, b = ProviderFactory(name="Aanbieder A"), ProviderFactory(name="Aanbieder B")
    budget = TaskBudget.objects.create(
        provider=a, municipality=apeldoorn, group=group, year=2026, amount_cents=1_200_000
    )
    for month, paid in ((1, True), (4, True), (7, True), (10, False)):
        TaskBudgetInstalment.objects.create(
            budget=budget,
            due_on=D(2026, month, 1),
            amount_cents=300_000,
            paid_on=D(2026, month, 15) if paid else None,
        )
    for q, clients, inflow, outflow in ((1, 8, 3, 1), (2, 10, 4, 2), (3, 3, 1, 0)):
        p = quarter_period(2026, q)
        DataDelivery.objects.create(
            provider=a, municipality=apeldoorn, group=group, period_start=p.start,
            period_end=p.end, clients=clients, inflow=inflow, outflow=outflow, waiting_days=10,
        )  # fmt: skip

    def regie(provider, kind, day, end=None):
        return Regiebericht.objects.create(
            municipality=apeldoorn, provider=provider, client=ClientFactory(), law="wmo",
            kind=kind, product=product, group=group, begindatum=day, einddatum=end,
        )  # fmt: skip

    regie(a, "start", D(2026, 2, 3))  # covered by A's delivery of Q1: not counted
    regie(b, "start", D(2026, 5, 4))
    regie(b, "start", D(2026, 5, 11))
    regie(b, "stop", D(2026, 1, 5), end=D(2026, 6, 20))
    refresh_after_import(None)
    return {"group": group, "a": a, "b": b}


def test_task_oriented_figures_by_hand(task_world, apeldoorn):
    group = task_world["group"]
    year = sel([apeldoorn], year_period(2026), law="wmo", group_id=group.pk)
    assert f.realisatie(year) == {"amount": 900_000, "clients": 10}
    assert f.clients_in(year) == 10
    assert f.instroom(year) == 10
    assert f.uitstroom(year)["count"] == 4
    assert f.uitstroom(year)["duration"] is None  # no trajectory ends in 2026
    q1 = year.with_period(quarter_period(2026, 1))
    assert f.realisatie(q1) == {"amount": 300_000, "clients": 8}
    assert (f.instroom(q1), f.uitstroom(q1)["count"]) == (3, 1)  # A's February start: no
    q2 = year.with_period(quarter_period(2026, 2))
    assert f.realisatie(q2) == {"amount": 300_000, "clients": 10}
    assert (f.instroom(q2), f.uitstroom(q2)["count"]) == (6, 3)  # 4 + B's 2; 2 + B's 1
    q4 = year.with_period(quarter_period(2026, 4))
    assert f.realisatie(q4) == {"amount": None, "clients": 0}  # the unpaid instalment
    # the whole municipality (all care) and the dashboard: cost per client 900,00
    board = dashboard.build(
        sel([apeldoorn], year_period(2026)), detail=True, complete_until=D(2026, 9, 30)
    )
    cells = board.as_dict()
    assert cells["realisatie"].value == 900_000
    assert cells["cost_per_client"].value == 90_000
    assert cells["clients_in"].value == 10
    assert cells["cost_per_inhabitant"].value == pytest.approx(900_000 / 166_000)
    march = next(m for m in board.months if m["month"] == D(2026, 3, 1))
    assert (march["clients"].value, march["instroom"].value) == (8, 3)
    assert next(m for m in board.months if m["month"] == D(2026, 1, 1))["amount"].value == 300_000
    market = {row["name"]: row["amount"].value for row in board.market}
    assert market == {"Aanbieder A": 900_000}  # B has no budget: no spending


def test_a_municipality_across_the_variant_change(task_world, apeldoorn):
    group = task_world["group"]
    before = sel([apeldoorn], year_period(2025), law="wmo", group_id=group.pk)
    after = before.with_period(year_period(2026))
    # 2025: six declarations of 1.000,00; 2026: three paid instalments, 10 delivered clients
    assert f.realisatie(before) == {"amount": 600_000, "clients": 6}
    assert f.realisatie(after) == {"amount": 900_000, "clients": 10}
    assert f.clients_in(before) == 6 and f.clients_in(after) == 10
    assert f.uitstroom(before)["count"] == 6  # the six trajectories end on 31 December 2025
    assert f.instroom(before) == 6 and f.instroom(after) == 10


def test_the_region_adds_task_and_declared_cells(task_world, apeldoorn, zutphen):
    region = sel([apeldoorn, zutphen], year_period(2026))
    assert f.realisatie(region) == {"amount": 900_000 + 250_000, "clients": 10 + 5}
    assert f.clients_in(region) == 15
    per = f.by_municipality(region)
    assert (per[apeldoorn.pk]["amount"], per[apeldoorn.pk]["amount_clients"]) == (900_000, 10)
    assert (per[zutphen.pk]["amount"], per[zutphen.pk]["amount_clients"]) == (250_000, 5)


def test_the_stored_task_facts_equal_their_sources(task_world):
    stored = sorted(
        TaskMonth.objects.values_list(
            "month", "municipality_id", "provider_id", "group_id", "law", "amount_cents",
            "clients", "inflow", "outflow", "delivered",
        )
    )  # fmt: skip
    assert stored == task_month_rows()
    assert len(stored) == 11  # A: 9 months delivered (and paid in 3); B: May, June


def test_council_sees_the_new_figures_suppressed(task_world, apeldoorn, client, users):
    """Q3 rests on 3 delivered clients: hidden for the council, and not recoverable by
    subtraction from the year and the other quarters."""
    from zorgregio.monitor.services import current_state

    group = task_world["group"]
    state = current_state()

    def board(period, detail):
        return dashboard.build(
            sel([apeldoorn], period, law="wmo", group_id=group.pk),
            detail=detail,
            complete_until=state.complete_until,
            version=state.version,
            with_series=False,
        ).as_dict()

    q3 = board(quarter_period(2026, 3), detail=False)
    assert q3["realisatie"].suppressed and q3["clients_in"].text == "< 5"
    assert q3["instroom"].text == "< 5"
    assert board(quarter_period(2026, 3), detail=True)["realisatie"].value == 300_000
    shown = [
        board(p, detail=False)["realisatie"]
        for p in (year_period(2026), *(quarter_period(2026, q) for q in (1, 2, 4)))
    ]
    # The year minus the other quarters would give Q3: one of them is hidden as well.
    assert any(cell.suppressed for cell in shown[:3])
    # The page says what the figures rest on, for the council too.
    client.force_login(users["raad"])
    url = reverse("monitor:municipality", args=["0200"]) + "?periode=2026"
    page = client.get(url).content.decode()
    assert 'id="funding-variants"' in page
    assert "betaalde termijnen van de taakbudgetten" in page


def test_a_payment_or_delivery_notes_a_change_for_the_monitor(task_world, users, apeldoorn):
    from zorgregio.zorg.models import CareChange

    CareChange.objects.all().delete()
    instalment = TaskBudgetInstalment.objects.get(paid_on__isnull=True)
    services.instalment_pay(actor=users["regio"], instalment=instalment, paid_on=D(2026, 10, 2))
    assert CareChange.objects.exists()
    refresh_after_import(set())  # what the hook runs after the commit (no months)
    q4 = sel([apeldoorn], quarter_period(2026, 4), law="wmo", group_id=task_world["group"].pk)
    assert f.realisatie(q4)["amount"] == 300_000
    assert not CareChange.objects.exists()


def test_the_api_counts_them_and_names_the_variant(task_world, client, users):
    client.force_login(users["regio"])
    data = client.get(
        "/api/v1/monitor/kerncijfers/", {"gemeente": "0200", "periode": "2026"}
    ).json()
    figures = {row["key"]: row["current"] for row in data["figures"]}
    assert figures["realisatie"]["value"] == 900_000
    assert figures["cost_per_client"]["value"] == 90_000
    assert data["funding_variants"] == [
        {
            "product_group": "wmo-begeleiding-groep",
            "variant": "taakgericht",
            "municipalities": ["0200"],
            "from_date": "2026-01-01",
        }
    ]
