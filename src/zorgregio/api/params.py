"""Query parameters of the API, read strictly: a wrong value is a 400 whose message is Dutch
and names the parameter, never Python's own text ("invalid literal for int()")."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from zorgregio.common.validators import parse_integer, parse_iso_date

# Ids are positive 64-bit integers.
MAX_ID = 2**63 - 1


def int_param(params, name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return parse_integer(raw, minimum=minimum, maximum=maximum)
    except ValueError as exc:
        raise ValidationError({name: [_("Must be a whole number: %(reason)s") % {
            "reason": exc}]}) from exc  # fmt: skip


def date_param(params, name: str) -> dt.date | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return parse_iso_date(raw)
    except ValueError as exc:
        raise ValidationError({name: [_("Use a date as YYYY-MM-DD.")]}) from exc
