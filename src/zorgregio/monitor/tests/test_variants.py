"""The monitor per funding variant and the pilot comparison, checked by hand (issue 20)."""

import datetime as dt

import pytest
from django.urls import reverse

from zorgregio.accounts.scoping import scope_for
from zorgregio.monitor import variants as v
from zorgregio.monitor.models import ClientMonth, Trajectory
from zorgregio.monitor.privacy import Cell
from zorgregio.producten import services
from zorgregio.producten.models import (
    DataDelivery,
    FundingVariant,
    TaskBudget,
    TaskBudgetInstalment,
)
from zorgregio.producten.tests.factories import ProductGroupFactory

D = dt.date


def test_windows_are_equally_long_and_at_most_a_year():
    before, after = v.windows(D(2026, 1, 1), D(2026, 3, 31))
    assert after == (D(2026, 1, 1), D(2026, 3, 31))  # 90 days
    assert before == (D(2025, 10, 3), D(2025, 12, 31))  # the 90 days before
    before, after = v.windows(D(2026, 1, 1), D(2027, 6, 30))
    assert after == (D(2026, 1, 1), D(2026, 12, 31)) and before == (D(2025, 1, 1), D(2025, 12, 31))


def test_the_variant_a_window_rests_on():
    periods = [(D(2026, 1, 1), None, v.TASK)]
    assert v.variant_in(periods, D(2026, 1, 1), D(2026, 12, 31)) == {v.TASK}
    assert v.variant_in(periods, D(2025, 1, 1), D(2025, 12, 31)) == {v.EFFORT}
    assert v.variant_in(periods, D(2025, 7, 1), D(2026, 6, 30)) == {v.EFFORT, v.TASK}  # mixed
    assert v.change_day({1: periods, 2: []}) == D(2026, 1, 1)
    assert v.change_day({1: [(D(2026, 1, 1), None, v.EFFORT)]}) is None


def test_secondary_suppression_within_a_set():
    small = Cell(3, "count", suppressed=True)
    rows = [
        {"before": {m: Cell(10) for m in v.MEASURES}, "after": {m: Cell(10) for m in v.MEASURES}},
        {"before": {m: Cell(10) for m in v.MEASURES}, "after": {m: Cell(10) for m in v.MEASURES}},
    ]
    rows[0]["after"]["clients"] = small
    v.protect_rows(rows)
    assert rows[1]["after"]["clients"].suppressed and rows[1]["after"]["clients"].protecting
    assert not rows[1]["before"]["clients"].suppressed  # another window: not needed


def _months(group, municipality, year, amounts):
    """One client per amount, realisatie in January of ``year``."""
    for client, amount in enumerate(amounts, start=1):
        ClientMonth.objects.create(
            month=D(year, 1, 1),
            client_id=client + 1000 * municipality.pk,
            municipality_id=municipality.pk,
            provider_id=1,
            group_id=group.pk,
            law="wmo",
            amount_cents=amount,
        )


@pytest.fixture
def pilot_world(users, apeldoorn, zutphen):
    """Apeldoorn taakgericht from 2026 (a budget paid in two instalments, deliveries of two
    quarters); Zutphen stays P x Q. 2025 is P x Q in both."""
    from zorgregio.aanbieders.tests.factories import ProviderFactory

    group = ProductGroupFactory()
    services.group_variant_set(
        actor=users["regio"],
        group=group,
        municipality=apeldoorn,
        variant=FundingVariant.TASK,
        valid_from=D(2026, 1, 1),
    )
    _months(group, apeldoorn, 2025, [100_000] * 6)  # 6 clients, 6.000 euros
    _months(group, zutphen, 2025, [50_000] * 5)  # 5 clients, 2.500 euros
    _months(group, zutphen, 2026, [60_000] * 5)  # 5 clients, 3.000 euros
    _months(group, apeldoorn, 2026, [999_999])  # a P x Q declaration in a task period: ignored
    budget = TaskBudget.objects.create(
        provider=ProviderFactory(),
        municipality=apeldoorn,
        group=group,
        year=2026,
        amount_cents=1_000_000,
    )
    TaskBudgetInstalment.objects.create(
        budget=budget, due_on=D(2026, 1, 1), amount_cents=250_000, paid_on=D(2026, 1, 2)
    )
    TaskBudgetInstalment.objects.create(
        budget=budget, due_on=D(2026, 4, 1), amount_cents=250_000, paid_on=D(2026, 4, 3)
    )
    TaskBudgetInstalment.objects.create(
        budget=budget, due_on=D(2026, 7, 1), amount_cents=250_000
    )  # not paid: not spent
    for start, end, clients, inflow, wait in (
        (D(2026, 1, 1), D(2026, 3, 31), 8, 3, 10),
        (D(2026, 4, 1), D(2026, 6, 30), 10, 4, 20),
    ):
        DataDelivery.objects.create(
            provider=budget.provider,
            municipality=apeldoorn,
            group=group,
            period_start=start,
            period_end=end,
            clients=clients,
            inflow=inflow,
            outflow=1,
            waiting_days=wait,
        )
    Trajectory.objects.create(
        client_id=1, group_id=group.pk, municipality_id=apeldoorn.pk, provider_id=1, law="wmo",
        start_date=D(2025, 3, 1), end_date=D(2025, 8, 31), duration_days=184,
    )  # fmt: skip
    return group


@pytest.mark.django_db
def test_the_pilot_by_hand(users, pilot_world, apeldoorn, zutphen):
    result = v.pilot(
        scope_for(users["regio"]),
        pilot_world,
        last_day=D(2026, 12, 31),
        municipalities=[apeldoorn, zutphen],
    )
    assert result["change"] == D(2026, 1, 1)
    rows = {r["municipality"].name: r for r in result["rows"]}
    ap = rows["Apeldoorn"]
    assert ap["before"]["variants"] == ["inspanningsgericht"]
    assert ap["after"]["variants"] == ["taakgericht"]
    assert ap["before"]["spending"].value == 600_000  # 6 × 1.000,00 from the declarations
    assert ap["before"]["cost_per_client"].value == 100_000
    assert ap["before"]["inflow"].value == 1 and ap["before"]["duration"].value == 184
    assert ap["after"]["spending"].value == 500_000  # two paid instalments, not the declaration
    assert ap["after"]["clients"].value == 10  # the largest quarter delivered
    assert ap["after"]["cost_per_client"].value == 50_000  # 5.000,00 / 10
    assert ap["after"]["inflow"].value == 7  # 3 + 4
    assert ap["after"]["waiting"].value == 15  # median of 10 and 20
    assert ap["after"]["duration"].no_data  # not delivered
    zu = rows["Zutphen"]
    assert zu["before"]["cost_per_client"].value == 50_000
    assert zu["after"]["cost_per_client"].value == 60_000
    assert zu["after"]["variants"] == ["inspanningsgericht"]
    groups = dict(result["groups"])
    assert [m.name for m in groups["changed"]["members"]] == ["Apeldoorn"]
    assert groups["unchanged"]["after"]["spending"].value == 300_000


@pytest.mark.django_db
def test_the_pilot_page_suppresses_small_cells_for_the_council(client, users, pilot_world, zutphen):
    url = reverse("monitor:pilot", args=[pilot_world.code])
    client.force_login(users["regio"])
    page = client.get(url).content.decode()
    assert "taakgericht" in page and "5.000,00" in page
    client.force_login(users["raad"])
    page = client.get(url).content.decode()
    assert "5.000,00" in page  # Apeldoorn after: 10 clients, shown
    assert "&lt; 5" in page or "verborgen" in page  # Apeldoorn's one trajectory is not shown
    nothing = ProductGroupFactory(code="wmo-ander", name="Ander")
    assert "nooit" in client.get(reverse("monitor:pilot", args=[nothing.code])).content.decode()


@pytest.mark.django_db
def test_the_monitor_pages_name_the_variant_a_figure_rests_on(client, users, pilot_world, zutphen):
    client.force_login(users["regio"])
    page = client.get(reverse("monitor:index") + "?periode=2026").content.decode()
    assert 'id="funding-variants"' in page
    assert "taakgericht in Apeldoorn vanaf 01-01-2026." in page
    assert "betaalde termijnen van de taakbudgetten" in page
    assert reverse("monitor:pilot", args=[pilot_world.code]) in page
    # The group's own page says it too; the year before, and Zutphen, had no other variant.
    group_page = client.get(reverse("monitor:group", args=[pilot_world.code]) + "?periode=2026")
    assert "taakgericht in Apeldoorn" in group_page.content.decode()
    before = client.get(reverse("monitor:index") + "?periode=2025").content.decode()
    assert 'id="funding-variants"' not in before
    elsewhere = client.get(reverse("monitor:municipality", args=["0301"]) + "?periode=2026")
    assert 'id="funding-variants"' not in elsewhere.content.decode()
    notes = v.variant_notes([zutphen], D(2026, 1, 1), D(2026, 12, 31))
    assert notes == []


@pytest.mark.django_db
def test_the_set_totals_count_a_client_in_two_municipalities_once(
    users, pilot_world, apeldoorn, zutphen, region
):
    """Zutphen's first client also has care in Brummen in 2026 (400,00). The municipalities
    that did not change (Zutphen, Brummen) together: 3.000,00 + 400,00 = 3.400,00 over 5
    distinct clients (not 6), so 680,00 per client."""
    from zorgregio.regio.tests.factories import MunicipalityFactory

    brummen = MunicipalityFactory(region=region, cbs_code="0213", name="Brummen")
    ClientMonth.objects.create(
        month=D(2026, 1, 1), client_id=1 + 1000 * zutphen.pk, municipality_id=brummen.pk,
        provider_id=1, group_id=pilot_world.pk, law="wmo", amount_cents=40_000,
    )  # fmt: skip
    result = v.pilot(
        scope_for(users["regio"]),
        pilot_world,
        last_day=D(2026, 12, 31),
        municipalities=[apeldoorn, zutphen, brummen],
    )
    rows = {r["municipality"].name: r for r in result["rows"]}
    assert rows["Brummen"]["after"]["clients"].value == 1
    assert rows["Zutphen"]["after"]["clients"].value == 5
    unchanged = dict(result["groups"])["unchanged"]["after"]
    assert unchanged["spending"].value == 340_000
    assert unchanged["clients"].value == 5
    assert unchanged["cost_per_client"].value == 68_000
