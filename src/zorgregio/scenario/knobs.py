"""The knobs of a scenario: what each one means, its range, and how a knob is read and checked.

A knob is stored as a small dict (in :attr:`ScenarioVersion.knobs`)::

    {"kind": "tariff", "municipality": "0200", "group": "begeleiding-individueel",
     "value": "2.5", "start": "2027-01-01", "series": ""}

``municipality`` (CBS code) and ``group`` (product group code) empty mean all of the scenario's
municipalities / all product groups. What a knob does to the figures is in :mod:`.engine` and
docs/scenario.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The VNG forecast of Wmo requests against 2022 (seed 003 par. 5.6): +8% in 2025, +11% in
# 2026, +13% in 2027. Years between are interpolated, years after 2027 stay at its level.
VNG_INDEX = {2022: 1.00, 2025: 1.08, 2026: 1.11, 2027: 1.13}


def vng_index(year: int) -> float:
    known = sorted(VNG_INDEX)
    if year <= known[0]:
        return VNG_INDEX[known[0]]
    if year >= known[-1]:
        return VNG_INDEX[known[-1]]
    for low, high in zip(known, known[1:], strict=False):
        if low <= year <= high:
            share = (year - low) / (high - low)
            return VNG_INDEX[low] + share * (VNG_INDEX[high] - VNG_INDEX[low])
    raise AssertionError(year)  # pragma: no cover


@dataclass(frozen=True)
class KnobKind:
    code: str
    label: str
    help: str
    low: float
    high: float
    unit: str = "%"  # "%" or "n" (a number)
    needs_group: bool = False


KINDS: dict[str, KnobKind] = {
    k.code: k
    for k in (
        KnobKind(
            "tariff",
            gettext_lazy("Tariff change"),
            gettext_lazy("One-off change of the tariffs from the start date (%)."),
            -50,
            100,
        ),
        KnobKind(
            "indexation",
            gettext_lazy("Indexation per year"),
            gettext_lazy(
                "Yearly indexation from the start date instead of the productenboek's (%)."
            ),
            -10,
            25,
        ),
        KnobKind(
            "inflow_growth",
            gettext_lazy("Growth of inflow per year"),
            gettext_lazy(
                "Yearly growth of the number of new clients on top of the demographic growth "
                "(%), or the VNG forecast."
            ),
            -50,
            100,
        ),
        KnobKind(
            "prevention",
            gettext_lazy("Less inflow by prevention"),
            gettext_lazy("Reduction of the inflow by prevention or a stronger sociale basis (%)."),
            0,
            100,
        ),
        KnobKind(
            "duration",
            gettext_lazy("Trajectory length"),
            gettext_lazy("Longer (+) or shorter (-) trajectories (%)."),
            -90,
            200,
        ),
        KnobKind(
            "scale_down",
            gettext_lazy("Afschaling"),
            gettext_lazy(
                "Share of the clients in the highest intensity of a group moved to the one below "
                "it, e.g. complex to basis (%)."
            ),
            0,
            100,
        ),
        KnobKind(
            "to_group",
            gettext_lazy("Individual to group care"),
            gettext_lazy(
                "Share of the clients of an individual product group moved to its group "
                "counterpart, e.g. Begeleiding individueel to Begeleiding groep (%)."
            ),
            0,
            100,
        ),
        KnobKind(
            "provider_cap",
            gettext_lazy("Maximum number of providers"),
            gettext_lazy(
                "Cap on the number of providers per product group: changes the concentration "
                "figures only, no cost effect."
            ),
            1,
            1000,
            unit="n",
        ),
        KnobKind(
            "budget",
            gettext_lazy("Budget change"),
            gettext_lazy("Change of the budget from the start date (%)."),
            -100,
            100,
        ),
    )
}
SERIES = {"vng": gettext_lazy("VNG forecast (+8% 2025, +11% 2026, +13% 2027 against 2022)")}


@dataclass(frozen=True)
class Knob:
    kind: str
    value: float
    start: dt.date
    municipality: str = ""  # CBS code, empty: all
    group: str = ""  # product group code, empty: all
    series: str = ""  # inflow_growth only: "vng"

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "municipality": self.municipality,
            "group": self.group,
            "value": _plain(self.value),
            "start": self.start.isoformat(),
            "series": self.series,
        }

    @property
    def label(self) -> str:
        return str(KINDS[self.kind].label)

    def value_text(self) -> str:
        if self.series:
            return str(SERIES[self.series])
        kind = KINDS[self.kind]
        text = _plain(self.value).replace(".", ",")
        return f"{text}%" if kind.unit == "%" else text


def _plain(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def parse_number(text) -> float | None:
    """A number in Dutch or English notation (``2,5`` or ``2.5``); empty: None."""
    if text is None:
        return None
    text = str(text).strip().replace("%", "").replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return float(value)


def read_knob(raw: dict, *, row: int | None = None) -> Knob | None:
    """One knob from a form row or a stored dict. An empty value is no knob (None).
    Raises ValidationError with a Dutch message naming the row."""
    kind_code = (raw.get("kind") or "").strip()
    where = _("Knob %(row)s: ") % {"row": row} if row is not None else ""
    series = (raw.get("series") or "").strip()
    value_text = raw.get("value")
    if not kind_code or (str(value_text or "").strip() == "" and not series):
        return None
    kind = KINDS.get(kind_code)
    if kind is None:
        raise ValidationError(where + _("unknown knob '%(kind)s'.") % {"kind": kind_code})
    if series:
        if kind_code != "inflow_growth" or series not in SERIES:
            raise ValidationError(where + _("unknown series '%(series)s'.") % {"series": series})
        value = 0.0
    else:
        try:
            value = parse_number(value_text)
        except ValueError:
            raise ValidationError(
                where + _("'%(value)s' is not a number.") % {"value": value_text}
            ) from None
        if value is None:
            return None
        if not kind.low <= value <= kind.high:
            unit = "%" if kind.unit == "%" else ""
            raise ValidationError(
                where
                + _("%(knob)s must lie between %(low)s%(unit)s and %(high)s%(unit)s.")
                % {"knob": kind.label, "low": kind.low, "high": kind.high, "unit": unit}
            )
        if kind.unit == "n" and value != int(value):
            raise ValidationError(
                where + _("%(knob)s must be a whole number.") % {"knob": kind.label}
            )
    start_text = str(raw.get("start") or "").strip()
    try:
        start = dt.date.fromisoformat(start_text)
    except ValueError:
        raise ValidationError(
            where + _("'%(value)s' is not a date (yyyy-mm-dd).") % {"value": start_text}
        ) from None
    return Knob(
        kind=kind_code,
        value=value,
        start=start,
        municipality=(raw.get("municipality") or "").strip(),
        group=(raw.get("group") or "").strip(),
        series=series,
    )
