"""Euro texts for the scenario pages, exports and the report (Dutch notation)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def euro_text(cents) -> str:
    if cents is None:
        return _("no data")
    euros = round(cents / 100)
    return "€\u00a0" + f"{euros:,}".replace(",", ".")


def gap_text(cents) -> str:
    if cents is None:
        return _("no budget")
    text = euro_text(abs(cents))
    return f"-{text}" if cents < 0 else text


def number_text(value, digits: int = 0) -> str:
    if value is None:
        return _("no data")
    text = f"{value:,.{digits}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")
