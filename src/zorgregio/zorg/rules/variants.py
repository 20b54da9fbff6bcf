"""The ingest rules of the three funding variants (issue 20, docs/bekostiging.md).

The region sets per product group, municipality and period how care is paid for
(``producten.GroupVariant``): inspanningsgericht (P x Q, the default), outputgericht (a price
per output) or taakgericht (a task budget, no declaration per client). What that means for the
messages is decided here, in plain functions over plain values, so the message handlers
(wherever they live) only call them:

- :func:`task_line_codes`: a declaration line for a task-oriented product is refused (ZR04);
- :func:`output_line_codes`: an output line is checked by its tariff per output, by the number
  of outputs against the assignment, and against outputs already declared for an overlapping
  period (9389);
- :func:`euro_line_codes`: a line in euros (Eenheid 83, no ProductTarief: CD087) is checked
  against the assigned budget instead of a tariff (9369), and needs one (ZR05);
- :func:`regiebericht_allowed`: a 305/307 without a ToewijzingNummer is accepted as a
  regiebericht only where the region agreed on it for that product group, municipality and
  date.

:class:`VariantIndex` holds every variant period in memory for one import (no query per line);
:func:`load_variant_index` fills it. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

EFFORT = "inspanningsgericht"
OUTPUT = "outputgericht"
TASK = "taakgericht"
DEFAULT = EFFORT

OUTPUT_UNIT = "82"  # WJ756 Stuks (output)
EURO_UNIT = "83"  # WJ756 Euro's

# Own retourcodes (WJ001 has none for these municipal agreements); 0001 in a 325.
ZR_TASK_DECLARED = "ZR04"
ZR_EURO_NO_BUDGET = "ZR05"
OWN_CODES = (ZR_TASK_DECLARED, ZR_EURO_NO_BUDGET)

# WJ001 codes used here.
TARIFF_DIFFERS = "0611"  # TR418
TOTAL_OVER_ASSIGNED = "9322"  # TR322
OVER_BUDGET = "9369"  # TR369
ALREADY_DECLARED = "9389"  # TR389


@dataclass(frozen=True)
class VariantPeriod:
    start: dt.date
    end: dt.date | None
    variant: str
    regieberichten: bool = False

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def variant_on(periods: Iterable[VariantPeriod], day: dt.date) -> VariantPeriod | None:
    """The period holding on ``day`` (None: no variant set, so inspanningsgericht)."""
    for period in periods:
        if period.contains(day):
            return period
    return None


def overlapping(
    periods: Iterable[VariantPeriod], start: dt.date, end: dt.date | None
) -> list[VariantPeriod]:
    """The periods that share a day with ``start``-``end`` (end None: open)."""
    return [
        p for p in periods if (p.end is None or start <= p.end) and (end is None or p.start <= end)
    ]


# --- line rules (323) ------------------------------------------------------------------------


def task_line_codes(variant: str) -> list[str]:
    """In the task-oriented variant there is no declaration per client: the line is refused."""
    return [ZR_TASK_DECLARED] if variant == TASK else []


def output_line_codes(
    *,
    volume: int,
    tariff_cents: int | None,
    contract_tariff_cents: int | None,
    assigned_outputs: int | None,
    frequency: str,
    used_outputs: int,
    taken: Iterable[tuple[dt.date, dt.date]],
    start: dt.date,
    end: dt.date,
) -> list[str]:
    """The checks on a debit line of outputs (Eenheid 82).

    - the ProductTarief must be the contractual price per output (0611);
    - for an assignment of a total number of outputs (frequency 6) the outputs declared so far
      plus these may not exceed it (9322);
    - the same output may not be declared for a period that overlaps one already declared
      under the same toewijzing and product (``taken``): 9389.
    """
    codes = []
    if contract_tariff_cents is not None and tariff_cents != contract_tariff_cents:
        codes.append(TARIFF_DIFFERS)
    if (
        assigned_outputs is not None
        and frequency == "6"
        and used_outputs + volume > assigned_outputs
    ):
        codes.append(TOTAL_OVER_ASSIGNED)
    if any(first <= end and start <= last for first, last in taken):
        codes.append(ALREADY_DECLARED)
    return codes


def assigned_budget_cents(
    *, budget_cents: int | None, unit: str, volume: int | None, frequency: str = "6"
) -> int | None:
    """The budget of a toewijzing in eurocents: its Budget, or an Omvang in euros in total over
    the toewijzing (Eenheid 83, frequency 6; the volume is in eurocents, as in a line, CS339),
    or None when it has neither. An Omvang in euros per week or month is checked per period
    (TR321), not here."""
    if budget_cents is not None:
        return budget_cents
    if unit == EURO_UNIT and volume is not None and frequency == "6":
        return volume
    return None


def euro_line_codes(*, amount_cents: int, used_cents: int, budget_cents: int | None) -> list[str]:
    """A debit line in euros: checked against the assigned budget, not a tariff.

    No budget assigned: ZR05 (nothing to check it against). Over the budget together with what
    was approved before: 9369 (TR369)."""
    if budget_cents is None:
        return [ZR_EURO_NO_BUDGET]
    if used_cents + amount_cents > budget_cents:
        return [OVER_BUDGET]
    return []


def debit_line_codes(
    index: VariantIndex,
    *,
    tw,
    unit: str,
    volume: int,
    amount_cents: int,
    tariff_cents: int | None,
    contract_tariff_cents: int | None,
    productcode: str,
    start: dt.date,
    end: dt.date,
) -> list[str]:
    """The variant checks of a debit line under a toewijzing ``tw`` (anything with ``id``,
    ``volume``, ``frequency``, ``unit``, ``budget``, ``used_volume`` and ``used_amount``, such
    as ``berichten.checks.TW``): outputs (Eenheid 82) and euros (Eenheid 83)."""
    if unit == OUTPUT_UNIT:
        return output_line_codes(
            volume=volume,
            tariff_cents=tariff_cents,
            contract_tariff_cents=contract_tariff_cents,
            assigned_outputs=tw.volume,
            frequency=tw.frequency or "",
            used_outputs=tw.used_volume,
            taken=index.taken(tw.id, productcode),
            start=start,
            end=end,
        )
    if unit == EURO_UNIT:
        if tw.unit and tw.unit != EURO_UNIT:
            return []  # assigned in another unit: TR341 (9341) refuses the line already
        budget = assigned_budget_cents(
            budget_cents=tw.budget, unit=tw.unit, volume=tw.volume, frequency=tw.frequency or ""
        )
        if budget is None and tw.unit == EURO_UNIT and tw.volume is not None:
            return []  # euros per week or month: TR321 checks it per period
        return euro_line_codes(
            amount_cents=amount_cents, used_cents=tw.used_amount, budget_cents=budget
        )
    return []


def approved(index: VariantIndex, *, tw_id: int, unit: str, productcode: str, start, end) -> None:
    """A debit line was approved: an output's period is taken from now on."""
    if unit == OUTPUT_UNIT:
        index.add_output(tw_id, productcode, start, end)


# --- regieberichten (305/307) -----------------------------------------------------------------


def regiebericht_allowed(periods: Iterable[VariantPeriod], day: dt.date) -> bool:
    """A start or stop without a ToewijzingNummer: accepted where, on its start date, the group
    is task-oriented in the municipality and the region agreed on start and stop messages."""
    found = variant_on(periods, day)
    return found is not None and found.variant == TASK and found.regieberichten


def regiebericht_refusal(day: dt.date) -> str:
    """The Dutch reason a start or stop without a ToewijzingNummer is refused."""
    from django.utils.translation import gettext as _

    return _(
        "No ToewijzingNummer: on %(day)s the region has not agreed on start and stop messages "
        "without a toewijzing (task-oriented) for this product group in this municipality "
        "(TR019, retourcode 9019)."
    ) % {"day": day.strftime("%d-%m-%Y")}


# --- the index --------------------------------------------------------------------------------


@dataclass
class VariantIndex:
    """Every variant period and the group of every product, in memory for one import."""

    periods: dict[tuple[int, int], list[VariantPeriod]] = field(default_factory=dict)
    groups: dict[int, int] = field(default_factory=dict)  # product id -> group id
    # Output periods declared and approved per (toewijzing id, product code): 9389.
    outputs: dict[tuple[int, str], list[tuple[dt.date, dt.date]]] = field(default_factory=dict)
    outputs_loaded: set[int] = field(default_factory=set)  # provider ids

    def group_periods(self, product_id: int | None, municipality_id: int) -> list[VariantPeriod]:
        group_id = self.groups.get(product_id) if product_id is not None else None
        if group_id is None:
            return []
        return self.periods.get((group_id, municipality_id), [])

    def variant(self, product_id: int | None, municipality_id: int, day: dt.date) -> str:
        found = variant_on(self.group_periods(product_id, municipality_id), day)
        return found.variant if found else DEFAULT

    def regie_allowed(self, product_id: int | None, municipality_id: int, day: dt.date) -> bool:
        """Without a product (the message names none): allowed when any group of the
        municipality has the agreement on that day."""
        if product_id is not None:
            return regiebericht_allowed(self.group_periods(product_id, municipality_id), day)
        return any(
            regiebericht_allowed(periods, day)
            for (_group, municipality), periods in self.periods.items()
            if municipality == municipality_id
        )

    def taken(self, tw_id: int, productcode: str) -> list[tuple[dt.date, dt.date]]:
        return self.outputs.get((tw_id, productcode), [])

    def add_output(self, tw_id: int, productcode: str, start: dt.date, end: dt.date) -> None:
        self.outputs.setdefault((tw_id, productcode), []).append((start, end))

    def remove_output(self, tw_id: int, productcode: str, start: dt.date, end: dt.date) -> None:
        taken = self.outputs.get((tw_id, productcode), [])
        if (start, end) in taken:
            taken.remove((start, end))


def load_variant_index() -> VariantIndex:
    """The variant periods of every group and municipality, and the group of every product."""
    from zorgregio.producten.models import GroupVariant, Product

    index = VariantIndex()
    for group_id, municipality_id, start, end, variant, regie in GroupVariant.objects.order_by(
        "valid_from"
    ).values_list(
        "group_id", "municipality_id", "valid_from", "valid_until", "variant", "regieberichten"
    ):
        index.periods.setdefault((group_id, municipality_id), []).append(
            VariantPeriod(start, end, variant, regie)
        )
    index.groups = dict(Product.objects.values_list("id", "group_id"))
    return index


def load_outputs(index: VariantIndex, provider_id: int) -> None:
    """The approved, not credited output lines (Eenheid 82) of a provider, once per import."""
    if provider_id in index.outputs_loaded:
        return
    from zorgregio.zorg.models import DeclaratieRegel, LineStatus

    approved = DeclaratieRegel.objects.filter(
        provider_id=provider_id, status=LineStatus.APPROVED, unit=OUTPUT_UNIT
    )
    credited = set(approved.filter(debit_credit="C").values_list("law", "vorig_referentienummer"))
    for law, ref, tw_id, code, start, end in approved.filter(
        debit_credit="D", toewijzing__isnull=False
    ).values_list("law", "referentienummer", "toewijzing_id", "productcode", "period_start",
                  "period_end"):  # fmt: skip
        if (law, ref) not in credited:
            index.add_output(tw_id, code, start, end)
    index.outputs_loaded.add(provider_id)
