"""Every knob on a small hand-built baseline; the figures are worked out in docs/scenario.md
(section "Worked example"), and each test names the line it checks.

The baseline: one municipality of 10,000 inhabitants, base year 2025, two product groups:
Begeleiding individueel (100 clients, EUR 1,000,000, 40 in, 40 out, a quarter of the clients in
its highest intensity, which costs EUR 4,000 a client more than the one below) and its group
counterpart Begeleiding groep (50 clients, EUR 250,000, 20 in, 20 out). Budgets 2025:
EUR 1,100,000 and EUR 240,000. No indexation unless a test sets one.
"""

import datetime as dt

import numpy as np
import pytest

from zorgregio.scenario.engine import Baseline, active_share, project
from zorgregio.scenario.knobs import Knob

D = dt.date
EUR = 100  # cents


def baseline(**overrides) -> Baseline:
    values = {
        "base_year": 2025,
        "municipalities": [{"id": 1, "cbs": "0200", "name": "Apeldoorn"}],
        "groups": [
            {"id": 10, "code": "bi", "name": "Begeleiding individueel", "law": "wmo", "partner": 1},
            {"id": 11, "code": "bg", "name": "Begeleiding groep", "law": "wmo", "partner": -1},
        ],
        "cell_m": np.array([0, 0]),
        "cell_g": np.array([0, 1]),
        "clients": np.array([100.0, 50.0]),
        "spending": np.array([1_000_000.0, 250_000.0]) * EUR,
        "inflow": np.array([40.0, 20.0]),
        "outflow": np.array([40.0, 20.0]),
        "top_share": np.array([0.25, 0.0]),
        "top_step": np.array([4_000.0 * EUR, 0.0]),
        "budgets": {2025: np.array([1_100_000.0, 240_000.0]) * EUR},
        "inhabitants": np.full((1, 6), 10_000.0),
        "indexation": {},
        "buys": {(0, 0), (0, 1)},
        "providers": {1: np.array([100.0, 60.0, 40.0, 20.0]) * 1000 * EUR},
    }
    values.update(overrides)
    return Baseline(**values)


def knob(kind, value, start=None, **extra):
    start = start or D(2026, 1, 1)
    return Knob(kind=kind, value=value, start=start, **extra)


def year(projection, y):
    return next(r for r in projection.totals() if r["year"] == y)


def euros(cents):
    return cents / EUR


def test_baseline_in_steady_state_stays_level():
    """Worked example, line B: retention 0.6, 0.6 x 100 + 40 = 100 clients again."""
    p = project(baseline(), [], 2)
    assert p.years == [2025, 2026, 2027]
    row = year(p, 2026)
    assert euros(row["spending_cents"]) == 1_250_000
    assert euros(row["budget_cents"]) == 1_340_000  # the 2025 budget carries forward
    assert euros(row["gap_cents"]) == 90_000
    assert row["clients"] == 150
    assert euros(row["cost_per_client_cents"]) == pytest.approx(8_333.33, abs=0.01)
    assert euros(row["per_inhabitant_cents"]) == 125
    assert year(p, 2025)["spending_cents"] == 1_250_000 * EUR  # the base year as realised


def test_indexation_from_the_productenboek_is_in_the_baseline():
    """Line B2: 3% indexation in 2026 and 2027."""
    p = project(baseline(indexation={2026: 3.0, 2027: 3.0}), [], 2)
    assert euros(year(p, 2026)["spending_cents"]) == 1_287_500
    assert euros(year(p, 2027)["spending_cents"]) == pytest.approx(1_326_125)


def test_demographic_growth_drives_the_inflow():
    """Line B3: 5% more inhabitants in 2026: inflow 42 and 21."""
    inhabitants = np.array([[10_000.0, 10_500, 10_500, 10_500, 10_500, 10_500]])
    row = year(project(baseline(inhabitants=inhabitants), [], 1), 2026)
    assert row["clients"] == 153
    assert euros(row["spending_cents"]) == 1_275_000
    assert euros(row["per_inhabitant_cents"]) == pytest.approx(121.43, abs=0.01)


def test_tariff_change():
    """Line K1: +10% from 1 January 2026."""
    row = year(project(baseline(), [knob("tariff", 10)], 1), 2026)
    assert euros(row["spending_cents"]) == 1_375_000
    assert euros(row["gap_cents"]) == -35_000


def test_tariff_change_starting_mid_year_acts_on_the_rest_of_that_year():
    """Line K1b: +10% from 1 July 2026 is 184/365 of a year in 2026, the whole of 2027."""
    assert active_share(D(2026, 7, 1), 2026) == pytest.approx(184 / 365)
    p = project(baseline(), [knob("tariff", 10, start=D(2026, 7, 1))], 2)
    assert euros(year(p, 2026)["spending_cents"]) == pytest.approx(1_313_013.70, abs=0.01)
    assert euros(year(p, 2027)["spending_cents"]) == 1_375_000


def test_indexation_knob_replaces_the_productenboek_indexation():
    """Line K2: 2% a year instead of 3%."""
    p = project(baseline(indexation={2026: 3.0, 2027: 3.0}), [knob("indexation", 2)], 2)
    assert euros(year(p, 2026)["spending_cents"]) == 1_275_000
    assert euros(year(p, 2027)["spending_cents"]) == pytest.approx(1_300_500)


def test_inflow_growth():
    """Line K3: +10% new clients a year."""
    p = project(baseline(), [knob("inflow_growth", 10)], 2)
    assert year(p, 2026)["clients"] == 156
    assert euros(year(p, 2026)["spending_cents"]) == pytest.approx(1_300_000)
    assert euros(year(p, 2027)["spending_cents"]) == pytest.approx(1_385_000)


def test_inflow_growth_by_the_vng_forecast():
    """Line K3b: VNG 1.11 / 1.08 in 2026, 1.13 / 1.11 on top in 2027."""
    p = project(baseline(), [knob("inflow_growth", 0, series="vng", group="bi")], 2)
    g26 = 1.11 / 1.08
    c26 = 60 + 40 * g26
    assert euros(p.spending[0, 1]) == pytest.approx(c26 * 10_000)
    c27 = 0.6 * c26 + 40 * g26 * (1.13 / 1.11)
    assert euros(p.spending[0, 2]) == pytest.approx(c27 * 10_000)
    assert euros(p.spending[1, 1]) == 250_000  # only the group named


def test_prevention_reduces_the_inflow():
    """Line K4: 25% less inflow."""
    p = project(baseline(), [knob("prevention", 25)], 2)
    assert euros(year(p, 2026)["spending_cents"]) == pytest.approx(1_125_000)
    assert year(p, 2026)["clients"] == 135
    assert euros(year(p, 2027)["spending_cents"]) == pytest.approx(1_050_000)


def test_longer_trajectories():
    """Line K5: 25% longer: retention 1 - 0.4 / 1.25 = 0.68."""
    row = year(project(baseline(), [knob("duration", 25)], 1), 2026)
    assert row["clients"] == 162
    assert euros(row["spending_cents"]) == pytest.approx(1_350_000)


def test_scale_down_moves_the_highest_intensity_one_step_down():
    """Line K6: 20% of the quarter in the highest intensity, EUR 4,000 less each: EUR 200 per
    client of the group."""
    p = project(baseline(), [knob("scale_down", 20, group="bi")], 1)
    assert euros(p.spending[0, 1]) == pytest.approx(980_000)
    assert euros(year(p, 2026)["spending_cents"]) == pytest.approx(1_230_000)


def test_individual_to_group_care():
    """Line K7: 10% of Begeleiding individueel to Begeleiding groep at EUR 5,000 a client."""
    p = project(baseline(), [knob("to_group", 10, group="bi")], 2)
    assert p.clients[:, 1].tolist() == pytest.approx([90, 60])
    assert euros(p.spending[0, 1]) == pytest.approx(900_000)
    assert euros(p.spending[1, 1]) == pytest.approx(300_000)
    assert euros(year(p, 2026)["spending_cents"]) == pytest.approx(1_200_000)
    # A level, not a yearly compounding move: 2027 the same.
    assert p.clients[:, 2].tolist() == pytest.approx([90, 60])


def test_provider_cap_changes_concentration_only():
    """Line K8: providers of EUR 100k, 60k, 40k and 20k; a cap of 2."""
    p = project(baseline(), [knob("provider_cap", 2, group="bg")], 1)
    assert euros(year(p, 2026)["spending_cents"]) == 1_250_000
    (row,) = p.concentration
    assert row["providers"] == 4
    assert row["hhi"] == pytest.approx(3223.14, abs=0.01)
    assert row["top_share"] == pytest.approx(72.73, abs=0.01)
    assert row["hhi_capped"] == pytest.approx(5312.5)


def test_budget_change():
    """Line K9: 10% less budget from 2026."""
    row = year(project(baseline(), [knob("budget", -10)], 1), 2026)
    assert euros(row["budget_cents"]) == pytest.approx(1_206_000)
    assert euros(row["gap_cents"]) == pytest.approx(-44_000)


def test_knob_for_one_municipality_leaves_the_other_alone():
    """Line K10: a second municipality, the same figures; prevention only in Zutphen."""
    two = baseline(
        municipalities=[
            {"id": 1, "cbs": "0200", "name": "Apeldoorn"},
            {"id": 2, "cbs": "0301", "name": "Zutphen"},
        ],
        cell_m=np.array([0, 0, 1, 1]),
        cell_g=np.array([0, 1, 0, 1]),
        clients=np.array([100.0, 50, 100, 50]),
        spending=np.array([1_000_000.0, 250_000, 1_000_000, 250_000]) * EUR,
        inflow=np.array([40.0, 20, 40, 20]),
        outflow=np.array([40.0, 20, 40, 20]),
        top_share=np.zeros(4),
        top_step=np.zeros(4),
        budgets={},
        inhabitants=np.full((2, 6), 10_000.0),
    )
    p = project(two, [knob("prevention", 25, municipality="0301")], 1)
    assert euros(p.spending[:, 1]).tolist() == pytest.approx([1_000_000, 250_000, 900_000, 225_000])
    assert year(p, 2026)["budget_cents"] is None  # no budget: no gap either
    assert year(p, 2026)["gap_cents"] is None
