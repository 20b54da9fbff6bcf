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
import sys
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from . import variants

_ONE_DAY = dt.timedelta(days=1)

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
    leveringen: list = field(default_factory=list)  # [id, begin, end, deleted, reden]

    def __post_init__(self):
        # An import holds every toewijzing of the region: its few distinct codes and days as
        # one object each, not one per toewijzing (issue 15: about 250 bytes less apiece).
        self.categorie, self.code = _interned(self.categorie), _interned(self.code)
        self.unit, self.frequency = _interned(self.unit), _interned(self.frequency)
        self.start, self.end = same_day(self.start), same_day(self.end)


def _interned(text: str | None) -> str | None:
    return sys.intern(text) if text else text


_DAYS: dict[dt.date, dt.date] = {}


def same_day(day: dt.date | None) -> dt.date | None:
    """One ``date`` object per day for what is kept long (a few thousand days at most)."""
    if day is None:
        return None
    return _DAYS.setdefault(day, day)


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


# --- the rules on one declaration line --------------------------------------------------------
# Plain functions over a line (:class:`~zorgregio.zorg.records.PrestatieRecord`), the toewijzing
# it names (:class:`TW`, from the in-memory index) and what the index knows; each is True when
# the line breaks the rule. :class:`zorgregio.zorg.apply.DeclarationLines` calls them in the
# standard's order and gives a broken rule its retourcode (the registry: ``zorg.rules``).

EURO = "83"  # Eenheid 83: an amount in euros, without ProductTarief (CD087)


def tr304_other_client(tw: TW, client_id: int) -> bool:
    """TR304 (8187): the BSN of the line is the client of the toewijzing."""
    return tw.client_id != client_id


def tr319_outside_period(end: dt.date, declaration_end: dt.date) -> bool:
    """TR319 (9319): the product period falls within the current or an earlier declaration
    period, so it ends by the end of the declaration period."""
    return end > declaration_end


def tr346_amount(line) -> bool:
    """TR346 (9346): IngediendBedrag is GeleverdVolume times ProductTarief, unless the line is
    in euros (Eenheid 83)."""
    return line.unit != EURO and line.amount_cents != line.volume * line.tariff_cents


def tr339_categorie(line, tw: TW) -> bool:
    """TR339 (9339): the ProductCategorie of the line is that of the toewijzing (when it names
    one)."""
    return bool(tw.categorie) and line.productcategorie != tw.categorie


def tr340_code(line, tw: TW) -> bool:
    """TR340 (9340): the ProductCode of the line is that of the toewijzing (when it names one)."""
    return bool(tw.code) and line.productcode != tw.code


def tr341_unit(line, tw: TW) -> bool:
    """TR341 (9341): the Eenheid of the line fits the unit of the toewijzing."""
    return bool(tw.unit) and line.unit != tw.unit


def tr307_before_start(start: dt.date, tw: TW) -> bool:
    """TR307 (9307): the product period does not start before the toewijzing."""
    return start < tw.start


def tr308_after_end(end: dt.date, tw: TW) -> bool:
    """TR308 (9308): the product period does not end after the toewijzing."""
    return tw.end is not None and end > tw.end


def whole_months(start: dt.date, end: dt.date, tw: TW) -> bool:
    """True when the period is whole calendar months within the toewijzing, so TR387 and
    TR388 hold without looking further (:func:`~.cross.month_bounds` gives their codes)."""
    return (
        start.day == 1
        and (end + _ONE_DAY).day == 1
        and start >= tw.start
        and (tw.end is None or end <= tw.end)
    )


def tr321_period_volume(tw: TW, start: dt.date, end: dt.date, volume: int) -> bool:
    """TR321 (9321): the delivered volume fits the volume assigned for the product period."""
    allowed = allowed_volume(tw, start, end)
    return allowed is not None and volume > allowed


def tr322_total_volume(tw: TW, volume: int) -> bool:
    """TR322 (9322): with a total volume (Frequentie 6), all approved lines together stay
    within it."""
    return tw.frequency == "6" and tw.volume is not None and tw.used_volume + volume > tw.volume


def tr369_budget(tw: TW, amount: int) -> bool:
    """TR369 (9369): the approved amounts together stay within the assigned budget."""
    return tw.budget is not None and tw.used_amount + amount > tw.budget


def tr418_tariff(line, tariff: int | None) -> str:
    """TR418 (0611): ProductTarief is the contractual tariff; a line in euros has no
    ProductTarief (CD087) and is not compared. Returns the retourcode, ZR03 when no tariff is
    known to compare with, or ``""``."""
    if line.unit == EURO:
        return ""
    if tariff is None:
        return ZR_NO_TARIFF
    return "0611" if tariff != line.tariff_cents else ""


def tr389_declared_before(key: int, debit_keys: set[int]) -> bool:
    """TR389 (9389): no approved debit line for the same toewijzing, product and period
    exists (within one message the same pair is TR416, which refuses the message)."""
    return key in debit_keys


def tr323_no_debit(debit) -> bool:
    """TR323 (8017): a credit line names an approved debit line (VorigReferentieNummer)."""
    return debit is None


def tr390_credited(vorig: str, credited: set[str]) -> bool:
    """TR390 (9390): a debit line is credited only once."""
    return vorig in credited


def tr314_reference_used(ref: str, earlier: set[str], in_message: set[str]) -> bool:
    """TR314 (8021): a ReferentieNummer is unique per provider within the law (earlier lines in
    the database, or an earlier line of this message)."""
    return ref in earlier or ref in in_message
