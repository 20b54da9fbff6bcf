"""Format checks of Dutch identifiers, with Dutch (translated) messages.

KvK number: 8 digits. AGB code: 8 digits (Vektis; the first two are the kind of care).
CBS municipality code: 4 digits (``LDT_GemeenteCode``). BSN: 9 digits passing the elfproef.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS = {n: re.compile(rf"^\d{{{n}}}$") for n in (4, 8, 9)}


def _check_digits(value: str, count: int, message, code: str) -> None:
    if not isinstance(value, str) or not _DIGITS[count].match(value):
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
    if not isinstance(value, str) or not _DIGITS[9].match(value):
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
