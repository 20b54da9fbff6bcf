"""The declaration checks (TR rules) on 323 lines, with retourcodes and Dutch explanations.

Retourcodes come from WJ001 where the standard has one. Checks the standard leaves to the
municipality get own codes starting with ``ZR`` (documented in docs/berichten.md); in the 325
answer, which only allows WJ001 codes, they are reported as 0001.

Everything a check needs is held in memory per import (:class:`ProviderState`): the provider's
toewijzingen by number, their leveringen, used volume and budget, and the keys of the approved
debit lines; tariffs and admissions per import. No query runs per line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from zorgregio.zorg.rules import variants

# Own retourcodes (no WJ001 code exists for these municipal checks).
ZR_NOT_ADMITTED = "ZR01"
ZR_AFTER_STOP = "ZR02"
ZR_NO_TARIFF = "ZR03"
OWN_CODES = (ZR_NOT_ADMITTED, ZR_AFTER_STOP, ZR_NO_TARIFF, *variants.OWN_CODES)

EXPLANATIONS = {
    "9338": _("TR338: the line does not relate to a toewijzing of this provider (ToewijzingNummer "
              "unknown, deleted or of another provider)."),
    "8187": _("TR304: the BSN of the line differs from the client of the toewijzing."),
    "9339": _("TR339: ProductCategorie differs from the toewijzing."),
    "9340": _("TR340: ProductCode differs from the toewijzing."),
    "9341": _("TR341: Eenheid does not fit the unit of the toewijzing."),
    "9307": _("TR307: the product period starts before the start date of the toewijzing."),
    "9308": _("TR308: the product period ends after the end date of the toewijzing."),
    "9319": _("TR319: the product period does not fall within the current or an earlier "
              "declaration period."),
    "9321": _("TR321: the delivered volume exceeds the assigned volume for this period."),
    "9322": _("TR322: the total delivered volume exceeds the assigned total volume."),
    "9369": _("TR369: the total declared amount exceeds the assigned budget."),
    "9346": _("TR346: IngediendBedrag is not GeleverdVolume times ProductTarief."),
    "0611": _("TR418: ProductTarief differs from the contractual tariff."),
    "8021": _("TR314: this ReferentieNummer was already delivered by this provider."),
    "8017": _("TR323: no approved debit line is known for this credit line "
              "(VorigReferentieNummer)."),
    "9390": _("TR390: the debit line referred to was already credited."),
    "9389": _("TR389: a debit line for the same toewijzing, product and period was already "
              "approved earlier."),
    "0001": _("The message is refused for a rule within the message (see the rule named)."),
    "9384": _("TR384: the toewijzing was deleted (RedenWijziging 13)."),
    "9387": _("TR387: the product period does not start on the first of the month (or on the "
              "Ingangsdatum of the toewijzing later in that month)."),
    "9388": _("TR388: the product period does not end on the last day of the month (or on the "
              "Einddatum of the toewijzing earlier in that month)."),
    ZR_NOT_ADMITTED: _("The provider was not admitted (contract register) for this product in "
                       "this municipality on the start of the product period."),
    ZR_AFTER_STOP: _("Declared for a period after the delivery was stopped (307)."),
    ZR_NO_TARIFF: _("No product or contractual tariff is known for this line, so it cannot be "
                    "checked."),
    variants.ZR_TASK_DECLARED: _("The product group is funded task-oriented (taakgericht) in "
                                 "this municipality on this date: no declaration per client."),
    variants.ZR_EURO_NO_BUDGET: _("A line in euros (Eenheid 83) for a toewijzing without an "
                                  "assigned budget: there is nothing to check it against."),
}  # fmt: skip


def explain(code: str) -> str:
    text = EXPLANATIONS.get(code)
    return str(text) if text else code


def codes_for_325(codes: list[str]) -> list[str]:
    """WJ001 codes only: own codes become 0001; no remark is 0200."""
    out = []
    for code in codes:
        mapped = "0001" if code in OWN_CODES else code
        if mapped not in out:
            out.append(mapped)
    return out or ["0200"]


@dataclass(slots=True)
class TW:
    """A toewijzing as the checks see it."""

    id: int
    client_id: int
    provider_id: int
    product_id: int | None
    categorie: str
    code: str
    start: dt.date
    end: dt.date | None
    volume: int | None
    unit: str
    frequency: str
    budget: int | None
    deleted: bool
    used_volume: int = 0
    used_amount: int = 0
    leveringen: list = field(default_factory=list)  # [id, begin, end, deleted]


def debit_key(tw_id, categorie: str, code: str, start: dt.date, end: dt.date) -> int:
    """The identity of a debit line for TR389/TR416 (a hash: kept per import, in memory)."""
    return hash((tw_id, categorie, code, start, end))


def allowed_volume(tw: TW, start: dt.date, end: dt.date) -> int | None:
    """The assigned volume for a product period (TR321), or None when not checkable."""
    if tw.volume is None or not tw.frequency:
        return None
    days = (end - start).days + 1
    if tw.frequency == "1":
        return tw.volume * days
    if tw.frequency == "2":
        return tw.volume * -(-days // 7)
    if tw.frequency == "3":
        return tw.volume * -(-days // 28)
    if tw.frequency == "4":
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return tw.volume * months
    if tw.frequency == "6":
        return tw.volume
    return None


def after_stop(tw: TW, start: dt.date) -> bool:
    """Declared after a 307 stop: there are deliveries and all ended before ``start``."""
    live = [lev for lev in tw.leveringen if not lev[3]]
    if not live:
        return False
    return all(lev[2] is not None and lev[2] < start for lev in live)


def period_covered(periods, day: dt.date) -> bool:
    return any(first <= day and (last is None or day <= last) for first, last in periods)


def tariff_on(rows, day: dt.date) -> int | None:
    """``rows`` sorted by valid_from: the amount valid on ``day``."""
    found = None
    for first, last, amount in rows:
        if first <= day and (last is None or day <= last):
            found = amount
    return found
