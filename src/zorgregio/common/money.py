"""Amounts are eurocents as integers, as in iWmo/iJw. Never floats."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def format_eurocents(cents: int | None) -> str:
    """``123456`` -> ``€ 1.234,56`` (Dutch notation)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(int(cents)), 100)
    grouped = f"{euros:,}".replace(",", ".")
    return f"{sign}€ {grouped},{rest:02d}"


# The largest amount accepted anywhere (100 billion euros): far above any budget, far below
# what a 64-bit integer column holds.
MAX_CENTS = 10**13
_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def parse_euros(text: str | int | Decimal) -> int:
    """Parse an amount in euros ("12,34", "1.234,50", "25.000", "12.34", 12) to eurocents.

    A comma is the decimal separator. Without a comma, dots followed by groups of exactly three
    digits are thousands separators (Dutch), otherwise a single dot is a decimal point (as in
    machine-written files).

    Rejects fractions of a cent and anything that is not a number, with a Dutch message.
    """
    raw = str(text).strip().replace("€", "").replace(" ", "")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", raw):
        # "25.000" or "1.234.567": Dutch thousands separators, not a decimal point.
        raw = raw.replace(".", "")
    # ASCII digits only (Decimal() also takes other scripts' digits, "NaN" and "1e30").
    if not _AMOUNT.fullmatch(raw):
        raise ValidationError(
            _("%(value)s is not an amount."), code="amount", params={"value": text}
        )
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ValidationError(
            _("%(value)s is not an amount."), code="amount", params={"value": text}
        ) from exc
    if abs(value) * 100 > MAX_CENTS:
        raise ValidationError(
            _("%(value)s is more than the largest amount accepted (EUR 100 billion)."),
            code="too_large",
            params={"value": text},
        )
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValidationError(
            _("%(value)s has fractions of a cent."), code="fraction", params={"value": text}
        )
    return int(cents)
