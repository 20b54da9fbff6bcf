"""The public figures of a municipality with a taakgericht pilot (issue 20): the paid
instalments are its spending and the delivered clients its clients, equal to the monitor's
figures for the same year, and a small task cell stays hidden for the public.

The data is the monitor's ``task_world`` (``monitor/tests/test_task_cells.py``): Begeleiding
groep taakgericht in Apeldoorn from 2026, three instalments of 3.000,00 paid in 2026 and at most
10 delivered clients; Zutphen five clients of 500,00 in 2026 (declarations). Added here: Brummen,
also taakgericht from 2026, one instalment of 1.000,00 paid and 3 delivered clients (a small
cell).

So for 2026: Apeldoorn realisatie 9.000,00 over 10 clients (cost per client 900,00), the region
9.000,00 + 2.500,00 = 11.500,00 over 15 clients; with Brummen (1.000,00 over 3 clients, hidden:
"< 5") the region is 12.500,00 over 18 clients.
"""

from __future__ import annotations

import datetime as dt

import pytest

from zorgregio.monitor import figures as f
from zorgregio.monitor.selection import Selection, quarter_period, year_period
from zorgregio.monitor.tests.test_task_cells import task_world  # noqa: F401 - a fixture

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.debug_once]
ADDITIVE = ("clients_in", "instroom", "uitstroom", "realisatie")


@pytest.fixture
def clean_pilot(users, apeldoorn, zutphen):
    """No small cell anywhere: Begeleiding groep taakgericht in Apeldoorn from 2026, four
    instalments of 2.500,00 paid (January, April, July, October), delivered clients 8, 10, 12
    and 9 per quarter, inflow 5, 5, 6, 5 and outflow 5, 5, 5, 6; Zutphen five clients of 500,00
    in January 2026 (declarations). So Apeldoorn 2026: 10.000,00 over 12 clients (cost per
    client 833,33), instroom 21, uitstroom 21; the region 12.500,00 over 17 clients."""
    from django.core.cache import cache

    from zorgregio.aanbieders.tests.factories import ProviderFactory
    from zorgregio.monitor.services import refresh_after_import
    from zorgregio.monitor.tests.factories import (
        ClientFactory,
        ProductFactory,
        ProductGroupFactory,
        RegelFactory,
        care,
    )
    from zorgregio.producten import services
    from zorgregio.producten.models import (
        DataDelivery,
        FundingVariant,
        TaskBudget,
        TaskBudgetInstalment,
    )

    group = ProductGroupFactory(code="wmo-begeleiding-groep", name="Begeleiding groep")
    product = ProductFactory(group=group)
    services.group_variant_set(
        actor=users["regio"], group=group, municipality=apeldoorn,
        variant=FundingVariant.TASK, valid_from=D(2026, 1, 1),
    )  # fmt: skip
    for _ in range(5):
        client = ClientFactory()
        care(client, start=D(2026, 1, 1), end=D(2026, 12, 31), product=product,
             municipality=zutphen)  # fmt: skip
        RegelFactory(client=client, municipality=zutphen, product=product,
                     period_start=D(2026, 1, 1), amount_cents=50_000)  # fmt: skip
    provider = ProviderFactory(name="Aanbieder A")
    budget = TaskBudget.objects.create(
        provider=provider, municipality=apeldoorn, group=group, year=2026, amount_cents=1_000_000
    )
    figures = ((8, 5, 5), (10, 5, 5), (12, 6, 5), (9, 5, 6))
    for q, (clients, inflow, outflow) in enumerate(figures, start=1):
        month = 3 * q - 2
        TaskBudgetInstalment.objects.create(
            budget=budget, due_on=D(2026, month, 1), amount_cents=250_000,
            paid_on=D(2026, month, 15),
        )  # fmt: skip
        p = quarter_period(2026, q)
        DataDelivery.objects.create(
            provider=provider, municipality=apeldoorn, group=group, period_start=p.start,
            period_end=p.end, clients=clients, inflow=inflow, outflow=outflow, waiting_days=10,
        )  # fmt: skip
    refresh_after_import(None)
    cache.clear()
    return {"group": group}


@pytest.fixture
def pilot(task_world, users, region, apeldoorn, zutphen):  # noqa: F811
    from django.core.cache import cache

    from zorgregio.aanbieders.tests.factories import ProviderFactory
    from zorgregio.monitor.services import refresh_after_import
    from zorgregio.producten import services
    from zorgregio.producten.models import (
        DataDelivery,
        FundingVariant,
        TaskBudget,
        TaskBudgetInstalment,
    )
    from zorgregio.regio.tests.factories import InhabitantsFactory, MunicipalityFactory

    group = task_world["group"]
    brummen = MunicipalityFactory(region=region, cbs_code="0213", name="Brummen")
    services.group_variant_set(
        actor=users["regio"],
        group=group,
        municipality=brummen,
        variant=FundingVariant.TASK,
        valid_from=D(2026, 1, 1),
    )
    provider = ProviderFactory(name="Aanbieder C")
    budget = TaskBudget.objects.create(
        provider=provider, municipality=brummen, group=group, year=2026, amount_cents=400_000
    )
    TaskBudgetInstalment.objects.create(
        budget=budget, due_on=D(2026, 3, 1), amount_cents=100_000, paid_on=D(2026, 3, 10)
    )
    DataDelivery.objects.create(
        provider=provider, municipality=brummen, group=group, period_start=D(2026, 1, 1),
        period_end=D(2026, 3, 31), clients=3, inflow=1, outflow=1, waiting_days=5,
    )  # fmt: skip
    InhabitantsFactory(municipality=brummen, year=2026, count=21_000)
    refresh_after_import(None)
    cache.clear()
    return {**task_world, "brummen": brummen, "municipalities": [apeldoorn, zutphen, brummen]}


def api_cells(client, region, year=2026):
    response = client.get(
        f"/api/open/v1/regios/{region.slug}/kerncijfers/", {"jaar": year, "pagina_grootte": 100}
    )
    assert response.status_code == 200, response.content
    return {
        (place["gemeente"] or "R", figure["kengetal"]): figure["huidig"]
        for place in response.json()["resultaten"]
        for figure in place["kengetallen"]
    }


def test_the_paid_instalments_are_the_public_spending(
    client, clean_pilot, region, apeldoorn, zutphen
):
    cells = api_cells(client, region)
    apeldoorn_year = Selection((apeldoorn.pk,), year_period(2026))
    # the monitor's own figures for the same municipality and year
    assert f.realisatie(apeldoorn_year) == {"amount": 1_000_000, "clients": 12}
    assert (f.instroom(apeldoorn_year), f.uitstroom(apeldoorn_year)["count"]) == (21, 21)
    assert cells[("0200", "realisatie")] == {
        "waarde": 1_000_000, "tekst": "€ 10.000,00", "verborgen": False, "eenheid": "amount"
    }  # fmt: skip
    assert cells[("0200", "cost_per_client")]["waarde"] == pytest.approx(1_000_000 / 12)
    assert cells[("0200", "clients_in")]["waarde"] == 12
    assert (cells[("0200", "instroom")]["waarde"], cells[("0200", "uitstroom")]["waarde"]) == (
        21,
        21,
    )
    whole = Selection((apeldoorn.pk, zutphen.pk), year_period(2026))
    assert f.realisatie(whole) == {"amount": 1_250_000, "clients": 17}
    assert cells[("R", "realisatie")]["waarde"] == 1_250_000
    assert cells[("R", "clients_in")]["waarde"] == 17
    assert cells[("0301", "realisatie")]["waarde"] == 250_000  # declarations
    # the page and the CSV show the same
    page = client.get(f"/openbaar/{region.slug}/gemeente/0200/", {"jaar": "2026"})
    assert page.status_code == 200
    html = page.content.decode()
    row = html[html.index('data-figure="realisatie"') :]
    assert "10.000,00" in row[: row.index("</tr>")]
    csv = client.get(f"/openbaar/{region.slug}/csv/", {"jaar": "2026"}).content.decode("utf-8-sig")
    line = next(x for x in csv.splitlines() if ";0200;2026;realisatie;" in x)
    assert line.startswith(f"{region.name};Apeldoorn;0200;2026;realisatie;")
    assert ";1000000;" in line


def test_a_small_task_cell_stays_hidden_for_the_public(client, pilot, region, settings):
    limit = settings.ZORGREGIO_SUPPRESSION_THRESHOLD
    cells = api_cells(client, region)
    brummen = {key: cells[("0213", key)] for key in ADDITIVE}
    assert brummen["realisatie"]["verborgen"] and brummen["realisatie"]["waarde"] is None
    assert brummen["clients_in"]["verborgen"]
    assert brummen["clients_in"]["tekst"] == f"< {limit}"
    assert cells[("0213", "cost_per_client")]["verborgen"]
    # complementary: the region's 12.500,00 is shown, so Apeldoorn's or Zutphen's spending is
    # hidden with Brummen's (which one is the protection's choice)
    assert cells[("R", "realisatie")]["waarde"] == 1_250_000
    assert cells[("0200", "realisatie")]["verborgen"] or cells[("0301", "realisatie")]["verborgen"]
    places = ["0200", "0301", "0213"]
    for key in ADDITIVE:
        hidden = [p for p in places if cells[(p, key)]["verborgen"]]
        if not cells[("R", key)]["verborgen"] and hidden:
            # the region minus the shown municipalities must not give one hidden cell
            assert len(hidden) >= 2, (key, hidden)
    # the public gets exactly the council's cells
    from zorgregio.accounts.tests.factories import UserFactory

    raad = UserFactory(username="raad2", council_member=True, region=region)
    client.force_login(raad)
    council = client.get("/api/v1/monitor/kerncijfers/", {"periode": "2026", "gemeente": "0213"})
    by_key = {row["key"]: row["current"] for row in council.json()["figures"]}
    for key in ADDITIVE:
        assert by_key[key]["suppressed"] == brummen[key]["verborgen"], key
        assert by_key[key]["value"] == brummen[key]["waarde"], key


def test_a_year_with_task_cells_only_is_a_data_year(pilot):
    from zorgregio.monitor.models import ScopeMonth, TaskMonth
    from zorgregio.opendata import selectors

    assert 2026 in selectors.data_years()
    ScopeMonth.objects.filter(month__year=2026).delete()
    assert TaskMonth.objects.filter(month__year=2026).exists()
    assert selectors.data_years() == [2026, 2025]
