"""The ingest rules of the funding variants, as plain functions (zorg/rules/variants.py)."""

import datetime as dt

import pytest

from zorgregio.zorg.rules import variants as v

JAN = dt.date(2026, 1, 1)
JAN_END = dt.date(2026, 1, 31)
FEB = dt.date(2026, 2, 1)
FEB_END = dt.date(2026, 2, 28)


def test_variant_on_a_date_and_the_default():
    periods = [
        v.VariantPeriod(dt.date(2025, 1, 1), dt.date(2025, 12, 31), v.EFFORT),
        v.VariantPeriod(JAN, None, v.TASK, regieberichten=True),
    ]
    assert v.variant_on(periods, dt.date(2025, 6, 1)).variant == v.EFFORT
    assert v.variant_on(periods, FEB).variant == v.TASK
    assert v.variant_on(periods, dt.date(2024, 12, 31)) is None
    index = v.VariantIndex(periods={(7, 1): periods}, groups={70: 7, 80: 8})
    assert index.variant(70, 1, FEB) == v.TASK
    assert index.variant(80, 1, FEB) == v.DEFAULT == v.EFFORT  # nothing set for group 8
    assert index.variant(70, 2, FEB) == v.EFFORT  # nothing set in municipality 2


def test_overlapping_periods():
    periods = [v.VariantPeriod(JAN, JAN_END, v.TASK), v.VariantPeriod(FEB, None, v.OUTPUT)]
    assert v.overlapping(periods, dt.date(2026, 1, 31), dt.date(2026, 2, 1)) == periods
    assert v.overlapping(periods, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == []
    assert v.overlapping(periods, dt.date(2027, 1, 1), None) == periods[1:]


def test_a_declaration_for_a_task_oriented_product_is_refused():
    assert v.task_line_codes(v.TASK) == [v.ZR_TASK_DECLARED]
    assert v.task_line_codes(v.EFFORT) == []
    assert v.task_line_codes(v.OUTPUT) == []


def _output(**kw):
    args = {
        "volume": 1,
        "tariff_cents": 96_563,
        "contract_tariff_cents": 96_563,
        "assigned_outputs": 2,
        "frequency": "6",
        "used_outputs": 0,
        "taken": [],
        "start": FEB,
        "end": FEB_END,
    }
    return v.output_line_codes(**{**args, **kw})


def test_output_lines_by_tariff_number_and_period():
    assert _output() == []
    assert _output(tariff_cents=96_000) == ["0611"]  # not the price per output
    assert _output(used_outputs=2) == ["9322"]  # a third output of two assigned
    assert _output(volume=3) == ["9322"]
    assert _output(used_outputs=1) == []  # the second of two
    assert _output(frequency="4", used_outputs=5) == []  # per month: TR321's business
    assert _output(contract_tariff_cents=None, tariff_cents=1) == []  # no price: ZR03 elsewhere


def test_an_output_declared_twice_for_the_same_period():
    assert _output(taken=[(FEB, FEB_END)]) == ["9389"]
    assert _output(taken=[(dt.date(2026, 2, 15), dt.date(2026, 3, 15))]) == ["9389"]  # overlap
    assert _output(taken=[(JAN, JAN_END)]) == []  # the month before: another output


def test_euro_lines_against_the_assigned_budget():
    budget = v.assigned_budget_cents(budget_cents=100_000, unit="", volume=None)
    assert budget == 100_000
    assert v.assigned_budget_cents(budget_cents=None, unit="83", volume=100_000) == 100_000
    assert v.assigned_budget_cents(budget_cents=None, unit="04", volume=10) is None
    per_month = v.assigned_budget_cents(budget_cents=None, unit="83", volume=5, frequency="4")
    assert per_month is None
    assert v.euro_line_codes(amount_cents=40_000, used_cents=60_000, budget_cents=budget) == []
    assert v.euro_line_codes(amount_cents=40_001, used_cents=60_000, budget_cents=budget) == [
        "9369"
    ]
    assert v.euro_line_codes(amount_cents=1, used_cents=0, budget_cents=None) == ["ZR05"]


def test_debit_line_codes_pick_the_check_by_unit():
    from types import SimpleNamespace

    index = v.VariantIndex()
    index.add_output(1, "OUT01", FEB, FEB_END)
    tw = SimpleNamespace(
        id=1, volume=2, frequency="6", unit="82", budget=None, used_volume=1, used_amount=0
    )
    args = {"tariff_cents": 100, "contract_tariff_cents": 100, "productcode": "OUT01"}
    march = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}
    out = v.debit_line_codes(index, tw=tw, unit="82", volume=1, amount_cents=100, **args, **march)
    assert out == []
    again = v.debit_line_codes(
        index, tw=tw, unit="82", volume=1, amount_cents=100, **args, start=FEB, end=FEB_END
    )
    assert again == ["9389"]
    euros = SimpleNamespace(
        id=2, volume=None, frequency="", unit="", budget=None, used_volume=0, used_amount=0
    )
    no_budget = v.debit_line_codes(
        index, tw=euros, unit="83", volume=5, amount_cents=5, **args, **march
    )
    assert no_budget == ["ZR05"]
    hours = v.debit_line_codes(index, tw=tw, unit="04", volume=1, amount_cents=1, **args, **march)
    assert hours == []
    in_outputs = v.debit_line_codes(
        index, tw=tw, unit="83", volume=5, amount_cents=5, **args, **march
    )
    assert in_outputs == []  # euros under a toewijzing of outputs: TR341's 9341 alone


def test_regiebericht_only_where_agreed():
    agreed = [v.VariantPeriod(JAN, None, v.TASK, regieberichten=True)]
    task_only = [v.VariantPeriod(JAN, None, v.TASK)]
    effort = [v.VariantPeriod(JAN, None, v.EFFORT)]
    assert v.regiebericht_allowed(agreed, FEB)
    assert not v.regiebericht_allowed(agreed, dt.date(2025, 12, 31))
    assert not v.regiebericht_allowed(task_only, FEB)
    assert not v.regiebericht_allowed(effort, FEB)
    index = v.VariantIndex(periods={(7, 1): agreed, (8, 2): task_only}, groups={70: 7, 80: 8})
    assert index.regie_allowed(70, 1, FEB)
    assert not index.regie_allowed(80, 2, FEB)
    assert index.regie_allowed(None, 1, FEB)  # no product named: any agreement in municipality 1
    assert not index.regie_allowed(None, 2, FEB)


def test_output_periods_are_kept_and_released():
    index = v.VariantIndex()
    index.add_output(5, "OUT01", FEB, FEB_END)
    assert index.taken(5, "OUT01") == [(FEB, FEB_END)]
    assert index.taken(5, "OUT02") == []
    index.remove_output(5, "OUT01", FEB, FEB_END)
    assert index.taken(5, "OUT01") == []


@pytest.mark.django_db
def test_the_index_loads_variants_and_product_groups(users, apeldoorn):
    from zorgregio.producten import services
    from zorgregio.producten.tests.factories import ProductFactory

    product = ProductFactory()
    services.group_variant_set(
        actor=users["regio"],
        group=product.group,
        municipality=apeldoorn,
        variant=v.TASK,
        valid_from=JAN,
        regieberichten=True,
    )
    index = v.load_variant_index()
    assert index.variant(product.pk, apeldoorn.pk, FEB) == v.TASK
    assert index.variant(product.pk, apeldoorn.pk, dt.date(2025, 12, 31)) == v.EFFORT
    assert index.regie_allowed(product.pk, apeldoorn.pk, FEB)
