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
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", raw):
        # "25.000" or "1.234.567": Dutch thousands separators, not a decimal point.
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ValidationError(
            _("%(value)s is not an amount."), code="amount", params={"value": text}
        ) from exc
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValidationError(
            _("%(value)s has fractions of a cent."), code="fraction", params={"value": text}
        )
    return int(cents)
