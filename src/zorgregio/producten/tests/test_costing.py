"""The cost model and the indexation formula, against numbers worked out by hand.

The worked example is the one in docs/producten.md.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from zorgregio.producten.costing import calculate, index_result, to_cents

from .factories import WORKED_EXAMPLE


def test_worked_example_step_by_step():
    result = calculate(SimpleNamespace(**WORKED_EXAMPLE))
    value = {step.key: step.value for step in result.steps}
    # EUR 3.500 a month x 12
    assert value["annual"] == Decimal("42000")
    # 8% and 8,33% of 42.000
    assert value["holiday"] == Decimal("3360")
    assert value["bonus"] == Decimal("3498.60")
    assert value["gross"] == Decimal("48858.60")
    # 25% employer charges over the gross wage
    assert value["charges"] == Decimal("12214.65")
    assert value["staff"] == Decimal("61073.25")
    # 36 h x 52 weeks; 100 - 10,5 - 6 - 2 - 5 - 4 = 72,5% productive
    assert value["paid_hours"] == Decimal("1872")
    assert value["productive_share"] == Decimal("72.5")
    assert value["productive_hours"] == Decimal("1357.2")
    # 61.073,25 / 1.357,2 = 44,9994... -> EUR 45,00 shown
    assert to_cents(value["per_hour"]) == 4500
    assert Decimal("44.9994") < value["per_hour"] < Decimal("44.9995")
    # + EUR 1,50 travel = 46,4994; overhead 20% = 9,2999; reporting 2% = 0,9300
    assert to_cents(value["direct"]) == 4650
    assert to_cents(value["overhead"]) == 930
    assert to_cents(value["reporting"]) == 93
    # 46,4994 x 1,22 = 56,7293 per hour and per unit (1 hour)
    assert result.cost_per_unit_cents == 5673
    # 3% mark-up: 56,7293 x 1,03 = 58,4312
    assert to_cents(value["markup"]) == 170
    assert result.proposed_tariff_cents == 5843


def test_unit_of_several_hours_scales_the_cost_and_rounds_once():
    half_hour = calculate(SimpleNamespace(**{**WORKED_EXAMPLE, "hours_per_unit": Decimal("0.5")}))
    # half of 56,7293 = 28,3647 -> 28,36; tariff half of 58,4312 = 29,2156 -> 29,22
    assert half_hour.cost_per_unit_cents == 2836
    assert half_hour.proposed_tariff_cents == 2922


def test_a_higher_salary_raises_the_tariff_proportionally_to_staff_cost():
    base = calculate(SimpleNamespace(**WORKED_EXAMPLE))
    higher = calculate(SimpleNamespace(**{**WORKED_EXAMPLE, "monthly_salary_cents": 385_000}))
    # 10% more salary raises only the staff share (44,9994 -> 49,4994), not the travel cost:
    # (49,4994 + 1,50) x 1,22 x 1,03 = 64,0858
    assert higher.proposed_tariff_cents == 6409
    assert higher.proposed_tariff_cents > base.proposed_tariff_cents


def _ix(**overrides):
    values = {
        "labour_weight_pct": Decimal("90"),
        "material_weight_pct": Decimal("10"),
        "labour_forecast_next_pct": Decimal("3.60"),
        "labour_forecast_current_pct": Decimal("3.90"),
        "labour_final_current_pct": Decimal("4.30"),
        "material_forecast_next_pct": Decimal("2.20"),
        "material_forecast_current_pct": Decimal("2.50"),
        "material_final_current_pct": Decimal("2.80"),
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_index_is_provisional_figure_plus_correction_weighted():
    result = index_result(_ix())
    # OVA: 3,60 + (4,30 - 3,90) = 4,00; PPC: 2,20 + (2,80 - 2,50) = 2,50
    assert result.labour_correction_pct == Decimal("0.40")
    assert result.labour_pct == Decimal("4.00")
    assert result.material_correction_pct == Decimal("0.30")
    assert result.material_pct == Decimal("2.50")
    # 0,9 x 4,00 + 0,1 x 2,50 = 3,85%
    assert result.index_pct == Decimal("3.85")
    # EUR 58,43 x 1,0385 = 60,6795... -> 60,68
    assert result.apply(5843) == 6068


def test_a_negative_correction_lowers_the_index():
    # The current year came out 1 point lower than forecast: 3,60 - 1,00 = 2,60 for OVA.
    result = index_result(_ix(labour_final_current_pct=Decimal("2.90")))
    assert result.labour_pct == Decimal("2.60")
    assert result.index_pct == Decimal("0.9") * Decimal("2.60") + Decimal("0.1") * Decimal("2.50")


@pytest.mark.parametrize(("cents", "expected"), [(1000, 1039), (1, 1), (13, 14)])
def test_indexed_amounts_round_half_up_to_whole_cents(cents, expected):
    # 3,85%: 1000 -> 1038,5 -> 1039; 1 -> 1,0385 -> 1; 13 -> 13,5005 -> 14
    assert index_result(_ix()).apply(cents) == expected
