"""Each figure of kpis.md on small hand-built datasets; expected values worked out here."""

import datetime as dt

import pytest

from zorgregio.monitor import figures as f
from zorgregio.monitor.selection import MonitorPeriod, Selection, quarter_period, year_period
from zorgregio.monitor.services import refresh_after_import

from .factories import (
    AdmissionFactory,
    BudgetFactory,
    ClientFactory,
    DeclaratieFactory,
    LeveringFactory,
    ProductFactory,
    ProductGroupFactory,
    RegelFactory,
    ToewijzingFactory,
    care,
)

D = dt.date


@pytest.fixture
def group(db):
    return ProductGroupFactory(code="begeleiding", name="Begeleiding", law="wmo")


@pytest.fixture
def light(group):
    return ProductFactory(group=group, intensity_rank=1)


@pytest.fixture
def medium(group):
    return ProductFactory(group=group, intensity_rank=2)


@pytest.fixture
def heavy(group):
    return ProductFactory(group=group, intensity_rank=3)


def sel(municipalities, period, **kwargs):
    return Selection(tuple(m.pk for m in municipalities), period, **kwargs)


def test_clients_on_a_date_and_in_a_period(apeldoorn, light):
    a, b, c, d = ClientFactory.create_batch(4)
    care(a, start=D(2025, 1, 10), end=D(2025, 3, 31), product=light, municipality=apeldoorn)
    # No 305/307: the toewijzing's own (open) period counts.
    care(b, start=D(2025, 3, 1), product=light, municipality=apeldoorn, levering=False)
    # 'Verwijderd' counts as never having existed.
    care(c, start=D(2025, 1, 1), product=light, municipality=apeldoorn, deleted=True)
    # A deleted levering is no levering: the toewijzing period (June) counts.
    t = care(
        d,
        start=D(2025, 6, 1),
        end=D(2025, 6, 30),
        product=light,
        municipality=apeldoorn,
        levering=False,
    )
    LeveringFactory(toewijzing=t, begindatum=D(2025, 1, 1), einddatum=None, deleted=True)
    refresh_after_import()

    assert f.clients_on(sel([apeldoorn], year_period(2025)), D(2025, 3, 15)) == 2  # a, b
    assert f.clients_on(sel([apeldoorn], year_period(2025)), D(2025, 4, 1)) == 1  # b
    assert f.clients_in(sel([apeldoorn], quarter_period(2025, 1))) == 2  # a, b
    assert f.clients_in(sel([apeldoorn], quarter_period(2025, 2))) == 2  # b, d
    assert f.clients_in(sel([apeldoorn], year_period(2024))) == 0


def test_trajectories_merge_overlapping_and_touching_deliveries(apeldoorn, light, medium):
    one, two, three = ClientFactory.create_batch(3)
    # Client one: touching (Feb 1 follows Jan 31) and overlapping deliveries: one trajectory
    # from 1 January to 30 April = 120 days.
    care(one, start=D(2025, 1, 1), end=D(2025, 1, 31), product=light, municipality=apeldoorn)
    care(one, start=D(2025, 2, 1), end=D(2025, 2, 28), product=light, municipality=apeldoorn)
    care(one, start=D(2025, 2, 15), end=D(2025, 4, 30), product=medium, municipality=apeldoorn)
    # Client two: a one-day gap (Feb 1 missing) makes two trajectories: 31 and 27 days.
    care(two, start=D(2025, 1, 1), end=D(2025, 1, 31), product=light, municipality=apeldoorn)
    care(two, start=D(2025, 2, 2), end=D(2025, 2, 28), product=light, municipality=apeldoorn)
    # Client three: open-ended; starts in Q1 and never ends.
    care(three, start=D(2025, 3, 1), product=light, municipality=apeldoorn)
    refresh_after_import()

    q1 = sel([apeldoorn], quarter_period(2025, 1))
    q2 = sel([apeldoorn], quarter_period(2025, 2))
    assert f.instroom(q1) == 4  # one, two (twice), three
    assert f.uitstroom(q1) == {"count": 2, "trajectories": 2, "duration": (31 + 27) / 2}
    assert f.instroom(q2) == 0
    assert f.uitstroom(q2) == {"count": 1, "trajectories": 1, "duration": 120}


def test_scaling_up_and_down_within_30_days(apeldoorn, light, medium, heavy):
    up, late, down = ClientFactory.create_batch(3)
    care(up, start=D(2025, 1, 1), end=D(2025, 3, 31), product=light, municipality=apeldoorn)
    care(up, start=D(2025, 4, 10), product=medium, municipality=apeldoorn)  # 10 days: op
    care(late, start=D(2025, 1, 1), end=D(2025, 5, 31), product=medium, municipality=apeldoorn)
    care(late, start=D(2025, 7, 15), product=light, municipality=apeldoorn)  # 45 days: none
    care(down, start=D(2025, 1, 1), end=D(2025, 6, 30), product=heavy, municipality=apeldoorn)
    care(down, start=D(2025, 7, 1), product=light, municipality=apeldoorn)  # next day: af
    refresh_after_import()

    assert f.scaling(sel([apeldoorn], MonitorPeriod(D(2025, 4, 1), D(2025, 4, 30), "month"))) == {
        "up": 1,
        "down": 0,
    }
    assert f.scaling(sel([apeldoorn], quarter_period(2025, 3))) == {"up": 0, "down": 1}
    assert f.scaling(sel([apeldoorn], year_period(2025))) == {"up": 1, "down": 1}


def test_realisatie_debit_minus_credit_in_the_product_period_month(apeldoorn, light):
    a, b = ClientFactory.create_batch(2)
    common = {"municipality": apeldoorn, "product": light}
    RegelFactory(client=a, period_start=D(2025, 1, 1), amount_cents=100_00, **common)
    # A credit line declared in April for January counts in January.
    late = DeclaratieFactory(municipality=apeldoorn, declaratiedatum=D(2025, 4, 5))
    RegelFactory(
        client=a,
        period_start=D(2025, 1, 1),
        amount_cents=40_00,
        credit=True,
        declaratie=late,
        **common,
    )
    RegelFactory(client=b, period_start=D(2025, 1, 15), amount_cents=30_00, **common)
    RegelFactory(
        client=b, period_start=D(2025, 1, 1), amount_cents=999_00, afgekeurd=True, **common
    )
    rejected = DeclaratieFactory(municipality=apeldoorn, status="afgekeurd")
    RegelFactory(
        client=b, period_start=D(2025, 1, 1), amount_cents=555_00, declaratie=rejected, **common
    )
    RegelFactory(client=b, period_start=D(2025, 2, 1), amount_cents=20_00, **common)
    refresh_after_import()

    january = MonitorPeriod(D(2025, 1, 1), D(2025, 1, 31), "month")
    assert f.realisatie(sel([apeldoorn], january)) == {
        "amount": 100_00 - 40_00 + 30_00,
        "clients": 2,
    }
    q1 = f.realisatie(sel([apeldoorn], quarter_period(2025, 1)))
    assert q1 == {"amount": 60_00 + 30_00 + 20_00, "clients": 2}
    assert f.realisatie(sel([apeldoorn], quarter_period(2025, 2))) == {"amount": None, "clients": 0}


def test_refresh_of_some_months_leaves_the_others(apeldoorn, light):
    RegelFactory(municipality=apeldoorn, product=light, period_start=D(2025, 1, 1))
    refresh_after_import()
    RegelFactory(
        municipality=apeldoorn, product=light, period_start=D(2025, 2, 1), amount_cents=5_00
    )
    RegelFactory(
        municipality=apeldoorn, product=light, period_start=D(2025, 3, 1), amount_cents=7_00
    )
    refresh_after_import({D(2025, 2, 14)})
    year = sel([apeldoorn], year_period(2025))
    # March not yet refreshed; three lines of three different clients.
    assert f.realisatie(year) == {"amount": 100_00 + 5_00, "clients": 2}
    refresh_after_import({D(2025, 3, 1)})
    assert f.realisatie(year) == {"amount": 100_00 + 5_00 + 7_00, "clients": 3}


def test_cost_per_inhabitant_budget_use_and_missing_budget(apeldoorn, zutphen, light, group):
    # Inhabitants 2026: Apeldoorn 166,000, Zutphen 48,500 (root fixtures).
    RegelFactory(
        municipality=apeldoorn, product=light, period_start=D(2026, 1, 1), amount_cents=3_320_00
    )
    RegelFactory(
        municipality=apeldoorn, product=light, period_start=D(2026, 4, 1), amount_cents=1_000_00
    )
    BudgetFactory(municipality=apeldoorn, product_group=group, year=2026, amount_cents=10_000_00)
    refresh_after_import()
    q1 = sel([apeldoorn], quarter_period(2026, 1))
    assert f.inhabitants(q1, 2026) == 166_000
    assert f.inhabitants(sel([apeldoorn, zutphen], year_period(2026)), 2026) == 214_500
    assert f.inhabitants(q1, 2024) is None  # no count for 2024: no figure, not a zero
    assert f.budget(q1, 2026) == 10_000_00
    assert f.budget(sel([zutphen], year_period(2026)), 2026) is None

    from zorgregio.monitor import dashboard

    board = dashboard.build(
        sel([apeldoorn], quarter_period(2026, 2)), detail=True, complete_until=D(2026, 5, 31)
    )
    cells = board.as_dict()
    # Budget use to the end of Q2 = (3,320 + 1,000) / 10,000.
    assert cells["budget_use"].value == pytest.approx(4_320_00 / 10_000_00)
    assert cells["cost_per_inhabitant"].value == pytest.approx(1_000_00 / 166_000)
    board = dashboard.build(
        sel([zutphen], quarter_period(2026, 2)), detail=True, complete_until=D(2026, 5, 31)
    )
    assert board.as_dict()["budget_use"].no_data
    assert board.as_dict()["budget_use"].shown is None


def test_forecast_seasonal_ratio_and_its_error_on_past_years(apeldoorn, light):
    # 2024: 100 per month, 2025: 110 per month for Jan-Jun, then 220 for Jul-Dec.
    # 2026: 120 per month, data complete to the end of March.
    for month in range(1, 13):
        RegelFactory(
            municipality=apeldoorn,
            product=light,
            period_start=D(2024, month, 1),
            amount_cents=100_00,
        )
        RegelFactory(
            municipality=apeldoorn,
            product=light,
            period_start=D(2025, month, 1),
            amount_cents=110_00 if month <= 6 else 220_00,
        )
    for month in range(1, 5):  # April is incomplete: left out and projected
        RegelFactory(
            municipality=apeldoorn,
            product=light,
            period_start=D(2026, month, 1),
            amount_cents=120_00 if month < 4 else 1_00,
        )
    refresh_after_import()
    result = f.forecast(sel([apeldoorn], year_period(2026)), complete_until=D(2026, 3, 31))
    assert result.cutoff == D(2026, 3, 1)
    assert result.realised == 360_00
    rest_2025 = 3 * 110_00 + 6 * 220_00
    assert result.forecast == 360_00 + round(rest_2025 * 360_00 / 330_00)
    assert result.method == "seasonal"
    # Backtest 2025 (from 2024): 330 + 900 * 330/300 = 1320 against the actual 1980.
    back = {b["year"]: b for b in result.backtest}
    assert back[2025]["forecast"] == 330_00 + round(900_00 * 330_00 / 300_00)
    assert back[2025]["error"] == pytest.approx((1320 - 1980) / 1980)
    # 2024 has no year before it: run rate 300 / 3 * 12 = 1200 = the actual, error 0.
    assert back[2024]["error"] == 0
    assert result.max_error == pytest.approx(660 / 1980)


def test_market_shares_and_hhi(apeldoorn, light):
    amounts = [500_00, 200_00, 100_00, 100_00, 50_00, 50_00]
    for amount in amounts:
        RegelFactory(municipality=apeldoorn, product=light, amount_cents=amount)
    refresh_after_import()
    result = f.market(sel([apeldoorn], year_period(2025)))
    total = sum(amounts)
    assert result["top3"] == pytest.approx(800_00 / total)
    assert result["top10"] == 1
    assert result["hhi"] == pytest.approx(sum((a / total * 100) ** 2 for a in amounts))
    assert [r["amount"] for r in result["rows"]] == amounts


def test_providers_without_clients(apeldoorn, zutphen, light, group):
    busy, idle, stopped, ended, elsewhere = (
        AdmissionFactory(municipality=apeldoorn, product_group=group) for _ in range(5)
    )
    care(
        start=D(2025, 6, 1),
        end=D(2025, 8, 31),
        product=light,
        municipality=apeldoorn,
        provider=busy.provider,
    )
    # Care ended more than 12 months before the reference date does not count.
    care(
        start=D(2023, 1, 1),
        end=D(2024, 1, 31),
        product=light,
        municipality=apeldoorn,
        provider=idle.provider,
    )
    stopped.status = "clientenstop"
    stopped.save()
    ended.valid_until = D(2024, 12, 31)
    ended.save()
    elsewhere.municipality = zutphen
    elsewhere.save()
    refresh_after_import()
    found = set(f.providers_without_clients(sel([apeldoorn], year_period(2025)), D(2025, 12, 31)))
    assert found == {idle.provider, stopped.provider}


def test_waiting_times_median_and_80th_percentile(apeldoorn, light):
    waits = [3, 10, 7, 30, 14]
    for days in waits:
        care(
            start=D(2025, 2, 1) + dt.timedelta(days=days),
            assigned=D(2025, 2, 1),
            product=light,
            municipality=apeldoorn,
        )
    # Started before the period: not counted. Without 305: no waiting time.
    care(start=D(2024, 12, 1), assigned=D(2024, 11, 1), product=light, municipality=apeldoorn)
    care(
        start=D(2025, 3, 1),
        assigned=D(2025, 1, 1),
        product=light,
        municipality=apeldoorn,
        levering=False,
    )
    refresh_after_import()
    result = f.waiting_times(sel([apeldoorn], year_period(2025)))
    ordered = sorted(waits)  # 3, 7, 10, 14, 30
    assert result == {"count": 5, "median": ordered[2], "p80": ordered[3]}  # rank ceil(4) = 4
    care(start=D(2025, 6, 21), assigned=D(2025, 6, 1), product=light, municipality=apeldoorn)
    refresh_after_import()
    result = f.waiting_times(sel([apeldoorn], year_period(2025)))
    # Six values 3, 7, 10, 14, 20, 30: median (10 + 14) / 2, p80 rank ceil(4.8) = 5 -> 20.
    assert result == {"count": 6, "median": 12, "p80": 20}


def test_turning_18(apeldoorn, zutphen):
    jw = ProductFactory(group=ProductGroupFactory(law="jw", code="jeugd"), law="jw")
    wmo = ProductFactory(group=ProductGroupFactory(law="wmo", code="wmo-b"), law="wmo")
    # Turns 18 on 2025-05-10, youth care until then, Wmo from 2025-07-01 (52 days): both.
    a = ClientFactory(birth_date=D(2007, 5, 10))
    care(a, start=D(2024, 1, 1), end=D(2025, 5, 9), product=jw, municipality=apeldoorn)
    care(a, start=D(2025, 7, 1), product=wmo, municipality=apeldoorn)
    # Turns 18 in 2025, youth care ended more than 183 days before: not counted.
    b = ClientFactory(birth_date=D(2007, 9, 1))
    care(b, start=D(2020, 1, 1), end=D(2025, 1, 31), product=jw, municipality=apeldoorn)
    # Born 29 Feb 2008: turns 18 on 28 Feb 2026, outside 2025.
    c = ClientFactory(birth_date=D(2008, 2, 29))
    care(c, start=D(2024, 1, 1), product=jw, municipality=apeldoorn)
    # Turns 18 in 2025 with youth care, Wmo only after 120 days: counted, not to Wmo.
    e = ClientFactory(birth_date=D(2007, 1, 1))
    care(e, start=D(2024, 6, 1), end=D(2025, 1, 1), product=jw, municipality=apeldoorn)
    care(e, start=D(2025, 5, 1), product=wmo, municipality=apeldoorn)
    # Youth care in Zutphen: not in Apeldoorn's scope.
    z = ClientFactory(birth_date=D(2007, 3, 3))
    care(z, start=D(2024, 6, 1), product=jw, municipality=zutphen)
    refresh_after_import()
    assert f.turning_18(sel([apeldoorn], year_period(2025))) == {"youths": 2, "to_wmo": 1}
    assert (
        f.turning_18(sel([apeldoorn], MonitorPeriod(D(2026, 2, 28), D(2026, 2, 28), "range")))[
            "youths"
        ]
        == 1
    )
    assert f.turning_18(sel([apeldoorn, zutphen], year_period(2025)))["youths"] == 3


def test_deleted_toewijzing_and_provider_with_one_client(apeldoorn, light):
    t = ToewijzingFactory(municipality=apeldoorn, product=light, ingangsdatum=D(2025, 1, 1))
    LeveringFactory(toewijzing=t)
    refresh_after_import()
    one = sel([apeldoorn], year_period(2025), provider_id=t.provider_id)
    assert f.clients_in(one) == 1
    t.deleted = True
    t.save()
    refresh_after_import()
    assert f.clients_in(one) == 0
