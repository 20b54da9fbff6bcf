"""Number entry, the same way everywhere: Dutch decimal commas, text inputs, one parsing path.

Browsers parse ``<input type="number">`` in their own language: "25,5" typed in an English
browser became 255. So every decimal (percentages, hours, scores) and every euro amount is a text
input with ``inputmode="decimal"`` (a numeric keyboard on a phone), parsed on the server by
:func:`parse_decimal` (decimals) or ``common.money.parse_euros`` (amounts), and shown with a
decimal comma ("8,00", "3050,00").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .formatting import decimal_nl
from .money import parse_euros

_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def parse_decimal(text) -> Decimal:
    """ "25,5", "25.5", "1.234,5", " 8 " and "8%" -> Decimal; a Dutch error otherwise.

    A comma is the decimal separator; with a comma, dots are thousands separators. Without a
    comma a single dot is a decimal point (machine-written files, a pasted English number)."""
    if isinstance(text, Decimal):
        return text
    raw = str(text).strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    if not _NUMBER.fullmatch(raw):
        raise ValidationError(
            _("%(value)s is not a number."), code="number", params={"value": text}
        )
    try:
        return Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes this
        raise ValidationError(
            _("%(value)s is not a number."), code="number", params={"value": text}
        ) from exc


class DecimalInput(forms.TextInput):
    """A text input for a decimal, with a numeric keyboard and the value with a comma."""

    def __init__(self, attrs=None, places: int | None = None):
        base = {"inputmode": "decimal", "autocomplete": "off", "class": "number-input"}
        super().__init__({**base, **(attrs or {})})
        self.places = places

    def format_value(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, str):
            return value  # what the user typed, shown back as typed
        return decimal_nl(value, self.places)


class DecimalCommaField(forms.DecimalField):
    """A DecimalField that accepts "25,5" as well as "25.5", whatever the browser's language."""

    widget = DecimalInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget = DecimalInput(attrs=self.widget.attrs, places=self.decimal_places)

    def widget_attrs(self, widget):
        # No min/max/step attributes: they belong to type=number and would confuse a text input.
        return {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
        try:
            return parse_decimal(value)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class EuroField(forms.CharField):
    """An amount in euros ("1.234,50", "3050") cleaned to eurocents; shown as "3050,00"."""

    def __init__(self, *args, allow_negative: bool = False, **kwargs):
        kwargs.setdefault("widget", DecimalInput(places=2))
        super().__init__(*args, **kwargs)
        self.allow_negative = allow_negative

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return cents_text(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        cents = parse_euros(value)
        if cents < 0 and not self.allow_negative:
            raise ValidationError(_("The amount may not be negative."), code="negative")
        return cents


def cents_text(cents: int | None) -> str:
    """Eurocents as the text of an input: ``305000`` -> ``3050,00``."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{euros},{rest:02d}"


class DutchNumbersMixin:
    """For a (Model)Form: every DecimalField becomes a :class:`DecimalCommaField`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DecimalField) and not isinstance(field, DecimalCommaField):
                replacement = DecimalCommaField(
                    max_digits=field.max_digits,
                    decimal_places=field.decimal_places,
                    required=field.required,
                    label=field.label,
                    help_text=field.help_text,
                    initial=field.initial,
                    disabled=field.disabled,
                )
                # The original's validators: its min/max and digits checks, nothing twice.
                replacement.validators = list(field.validators)
                self.fields[name] = replacement
