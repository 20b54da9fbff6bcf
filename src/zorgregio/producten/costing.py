"""The reële-prijs cost model and the indexation formula, as pure functions.

Nothing here touches the database, so a calculation can be previewed before it is saved. All
arithmetic is in ``Decimal`` euros at full precision; only the results (cost per unit, proposed
tariff, indexed tariff) are rounded to whole eurocents, half up. ``docs/producten.md`` works one
calculation through by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)
WEEKS_PER_YEAR = Decimal(52)
MONTHS_PER_YEAR = Decimal(12)


def to_cents(euros: Decimal) -> int:
    """Euros at full precision to whole eurocents, half up."""
    return int((euros * HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    formula: str
    value: Decimal
    kind: str = "euro"  # euro, hours, percent

    @property
    def display_cents(self) -> int:
        return to_cents(self.value)


@dataclass(frozen=True)
class CostResult:
    steps: list[Step]
    cost_per_unit_cents: int
    proposed_tariff_cents: int

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)


def _d(value) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def calculate(inputs) -> CostResult:
    """Cost per unit and proposed tariff from a ``CostCalculation`` (saved or not)."""
    pct = {
        name: _d(getattr(inputs, name)) / HUNDRED
        for name in (
            "holiday_pay_pct",
            "year_end_bonus_pct",
            "employer_charges_pct",
            "leave_pct",
            "sickness_pct",
            "training_pct",
            "travel_time_pct",
            "meetings_pct",
            "overhead_pct",
            "reporting_pct",
            "risk_pct",
        )
    }
    annual = _d(inputs.monthly_salary_cents) / HUNDRED * MONTHS_PER_YEAR
    holiday = annual * pct["holiday_pay_pct"]
    bonus = annual * pct["year_end_bonus_pct"]
    gross = annual + holiday + bonus
    charges = gross * pct["employer_charges_pct"]
    staff = gross + charges
    paid_hours = _d(inputs.hours_per_week) * WEEKS_PER_YEAR
    unproductive = (
        sum(pct[n] for n in ("leave_pct", "sickness_pct", "training_pct", "travel_time_pct"))
        + pct["meetings_pct"]
    )
    productive_share = 1 - unproductive
    productive_hours = paid_hours * productive_share
    per_hour = staff / productive_hours if productive_hours > 0 else Decimal(0)
    travel = _d(inputs.travel_cost_per_hour_cents) / HUNDRED
    direct = per_hour + travel
    overhead = direct * pct["overhead_pct"]
    reporting = direct * pct["reporting_pct"]
    cost_hour = direct + overhead + reporting
    cost_unit = cost_hour * _d(inputs.hours_per_unit)
    markup = cost_unit * pct["risk_pct"]
    tariff = cost_unit + markup
    steps = [
        Step("annual", _("Annual salary"), _("monthly salary × 12"), annual),
        Step("holiday", _("Holiday pay"), _("annual salary × holiday pay %"), holiday),
        Step("bonus", _("Year-end bonus"), _("annual salary × year-end bonus %"), bonus),
        Step("gross", _("Gross wage"), _("salary + holiday pay + year-end bonus"), gross),
        Step("charges", _("Employer charges"), _("gross wage × employer charges %"), charges),
        Step("staff", _("Staff cost per year"), _("gross wage + employer charges"), staff),
        Step("paid_hours", _("Paid hours per year"), _("hours per week × 52"), paid_hours, "hours"),
        Step(
            "productive_share",
            _("Productive share of paid hours"),
            _("100% − leave − sickness − training − travel time − meetings"),
            productive_share * HUNDRED,
            "percent",
        ),
        Step(
            "productive_hours",
            _("Productive hours per year"),
            _("paid hours × productive share"),
            productive_hours,
            "hours",
        ),
        Step(
            "per_hour",
            _("Staff cost per productive hour"),
            _("staff cost ÷ productive hours"),
            per_hour,
        ),
        Step("travel", _("Travel cost per hour"), _("input"), travel),
        Step("direct", _("Direct cost per hour"), _("staff cost per hour + travel cost"), direct),
        Step("overhead", _("Overhead"), _("direct cost × overhead %"), overhead),
        Step(
            "reporting",
            _("Reporting demands"),
            _("direct cost × reporting %"),
            reporting,
        ),
        Step(
            "cost_hour",
            _("Cost per hour"),
            _("direct cost + overhead + reporting"),
            cost_hour,
        ),
        Step("cost_unit", _("Cost per unit"), _("cost per hour × staff hours per unit"), cost_unit),
        Step("markup", _("Risk and innovation mark-up"), _("cost per unit × mark-up %"), markup),
        Step("tariff", _("Proposed tariff per unit"), _("cost per unit + mark-up"), tariff),
    ]
    return CostResult(
        steps=steps, cost_per_unit_cents=to_cents(cost_unit), proposed_tariff_cents=to_cents(tariff)
    )


@dataclass(frozen=True)
class IndexResult:
    labour_pct: Decimal  # provisional next year + correction current year
    labour_correction_pct: Decimal
    material_pct: Decimal
    material_correction_pct: Decimal
    index_pct: Decimal  # weighted

    @property
    def factor(self) -> Decimal:
        return 1 + self.index_pct / HUNDRED

    def apply(self, cents: int) -> int:
        return int((Decimal(cents) * self.factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def index_result(ix) -> IndexResult:
    """Art. 3.2: per component provisional(t+1) + (final(t) − forecast(t)), then weighted."""
    labour_corr = _d(ix.labour_final_current_pct) - _d(ix.labour_forecast_current_pct)
    material_corr = _d(ix.material_final_current_pct) - _d(ix.material_forecast_current_pct)
    labour = _d(ix.labour_forecast_next_pct) + labour_corr
    material = _d(ix.material_forecast_next_pct) + material_corr
    index = (_d(ix.labour_weight_pct) * labour + _d(ix.material_weight_pct) * material) / HUNDRED
    return IndexResult(labour, labour_corr, material, material_corr, index)


# --- output price and task budget (issue 20, docs/bekostiging.md) ----------------------------


@dataclass(frozen=True)
class OutputPrice:
    steps: list[Step]
    cost_per_output_cents: int
    price_cents: int


def output_price(*, hours_per_output, cost_per_hour_cents: int, markup_pct) -> OutputPrice:
    """The price of one output (a trajectory, a period of care, a result).

    ``cost per output = expected staff hours per output × cost per hour`` and
    ``price = cost per output × (1 + mark-up %)``. The cost per hour is the reële-prijs cost
    per hour of :func:`calculate` (its ``cost_hour`` step), so a cost calculation with the
    hours per output as its "staff hours per unit" proposes the same price.
    """
    hours = _d(hours_per_output)
    cost_hour = _d(cost_per_hour_cents) / HUNDRED
    cost_output = cost_hour * hours
    markup = cost_output * _d(markup_pct) / HUNDRED
    price = cost_output + markup
    steps = [
        Step("hours", _("Expected staff hours per output"), _("input"), hours, "hours"),
        Step("cost_hour", _("Cost per hour"), _("input (reële prijs)"), cost_hour),
        Step(
            "cost_output", _("Cost per output"), _("hours per output × cost per hour"), cost_output
        ),
        Step("markup", _("Risk and innovation mark-up"), _("cost per output × mark-up %"), markup),
        Step("price", _("Price per output"), _("cost per output + mark-up"), price),
    ]
    return OutputPrice(steps, to_cents(cost_output), to_cents(price))


@dataclass(frozen=True)
class Segment:
    """One part of the expected population of a task budget."""

    label: str
    clients: Decimal
    hours_per_client: Decimal  # expected staff hours per client per year
    cost_per_hour_cents: int

    @classmethod
    def from_dict(cls, raw: dict) -> Segment:
        return cls(
            str(raw.get("label", "")),
            _d(raw.get("clients")),
            _d(raw.get("hours_per_client")),
            int(raw.get("cost_per_hour_cents") or 0),
        )


@dataclass(frozen=True)
class TaskBudgetResult:
    steps: list[Step]
    direct_cents: int
    markup_cents: int
    amount_cents: int


def task_budget(segments: list[Segment], markup_pct) -> TaskBudgetResult:
    """A task budget for one year from the expected population and its mix.

    ``budget = Σ (expected clients × hours per client per year × cost per hour) × (1 + mark-up
    %)``, at full precision, rounded to whole eurocents once at the end. The cost per hour of
    each segment is a reële-prijs cost per hour (art. 2.6.6 Wmo 2015, art. 5.4
    Uitvoeringsbesluit Wmo 2015): the budget rests on the same cost price as a tariff would.
    """
    steps = []
    direct = Decimal(0)
    for index, segment in enumerate(segments, start=1):
        value = (
            segment.clients * segment.hours_per_client * _d(segment.cost_per_hour_cents) / HUNDRED
        )
        direct += value
        steps.append(
            Step(
                f"segment_{index}",
                segment.label or _("Segment %s") % index,
                _("clients × hours per client × cost per hour"),
                value,
            )
        )
    markup = direct * _d(markup_pct) / HUNDRED
    total = direct + markup
    steps += [
        Step("direct", _("Cost of the expected population"), _("sum of the segments"), direct),
        Step("markup", _("Risk and innovation mark-up"), _("cost × mark-up %"), markup),
        Step("budget", _("Task budget"), _("cost + mark-up"), total),
    ]
    return TaskBudgetResult(steps, to_cents(direct), to_cents(markup), to_cents(total))


def split_instalments(amount_cents: int, count: int) -> list[int]:
    """``amount_cents`` in ``count`` instalments of whole eurocents that add up exactly: equal
    parts, the cents left over on the first instalments."""
    if count < 1:
        return []
    base, rest = divmod(amount_cents, count)
    return [base + (1 if i < rest else 0) for i in range(count)]
