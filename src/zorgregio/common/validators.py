"""Format checks of Dutch identifiers and of numbers and dates typed or sent by others, with
Dutch (translated) messages.

KvK number: 8 digits. AGB code: 8 digits (Vektis; the first two are the kind of care).
CBS municipality code: 4 digits (``LDT_GemeenteCode``). BSN: 9 digits passing the elfproef.

Digits are the ASCII digits 0-9 only. Python's ``int()``, ``str.isdigit()`` and the regular
expression ``\\d`` also take other scripts' digits (a fullwidth ``８`` is 8 to them), which let
one BSN pass as another; ``$`` also matches before a final newline. Every check here is a full
match on ``[0-9]``.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS = {n: re.compile(rf"[0-9]{{{n}}}") for n in (4, 8, 9)}
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_integer(value, *, minimum: int = 0, maximum: int) -> int:
    """A whole number written in ASCII digits (an optional minus sign), within the range;
    ``ValueError`` with a Dutch reason otherwise (the caller names the field)."""
    text = value.strip() if isinstance(value, str) else ""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif _INTEGER.fullmatch(text):
        number = int(text)
    else:
        raise ValueError(_("%(value)s is not a whole number (digits 0-9).") % {"value": value})
    if number < minimum:
        raise ValueError(
            _("%(value)s is less than %(minimum)s.") % {"value": number, "minimum": minimum}
        )
    if number > maximum:
        raise ValueError(
            _("%(value)s is more than %(maximum)s.") % {"value": number, "maximum": maximum}
        )
    return number


def parse_iso_date(value: str) -> dt.date:
    """A date written YYYY-MM-DD in ASCII digits; ``ValueError`` otherwise (``fromisoformat``
    alone also takes 20260506 and week dates)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(value)
    return dt.date.fromisoformat(value)


def _check_digits(value: str, count: int, message, code: str) -> None:
    if not isinstance(value, str) or not _DIGITS[count].fullmatch(value):
        raise ValidationError(message, code=code, params={"value": value})


def validate_kvk_number(value: str) -> None:
    _check_digits(
        value, 8, _("KvK number %(value)s is invalid: it must be exactly 8 digits."), "kvk"
    )


def validate_agb_code(value: str) -> None:
    _check_digits(value, 8, _("AGB code %(value)s is invalid: it must be exactly 8 digits."), "agb")


def validate_cbs_code(value: str) -> None:
    _check_digits(
        value,
        4,
        _("Municipality code %(value)s is invalid: a CBS code has exactly 4 digits."),
        "cbs",
    )


def is_valid_bsn(value: str) -> bool:
    """The elfproef of a BSN: 9 digits, weights 9..2 and -1, sum divisible by 11, not zero."""
    if not isinstance(value, str) or not _DIGITS[9].fullmatch(value):
        return False
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0 and total != 0


def validate_bsn(value: str) -> None:
    if not is_valid_bsn(value):
        raise ValidationError(
            _("BSN %(value)s is invalid: it must be 9 digits and pass the elfproef."),
            code="bsn",
            params={"value": value},
        )
