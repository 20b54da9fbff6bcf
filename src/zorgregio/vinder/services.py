"""Writes of the provider finder: a provider's offer with its locations, and the postcode table.

Everything is validated in full before anything is written; a refusal is a
``ValidationError`` with Dutch messages per field (a location's by its number).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from zorgregio.accounts.scoping import scope_for
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot
from zorgregio.common.numbers import parse_decimal

from .geo import normalise_postcode
from .models import (
    APPROACH_MAX,
    DESCRIPTION_MAX,
    MAX_LOCATIONS,
    SPECIALISMS_MAX,
    Language,
    Location,
    Offer,
    Postcode,
    TargetGroup,
)

PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{8,18}[0-9]$")
HOUSE_NUMBER = re.compile(r"^[1-9][0-9]{0,4}(\s?[A-Za-z]{1,2}|\s?-\s?[0-9A-Za-z]{1,4})?$")
# Characters a text may not hold: controls other than tab and newline (they break exports and
# screen readers); everything else, markup included, is kept as text and shown escaped.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LOCATION_LIMITS = {"name": 100, "street": 100, "house_number": 12, "city": 80}
LOCATION_FIELDS = ("name", "street", "house_number", "postcode", "city")


def _text(value, field: str, limit: int, errors: dict) -> str:
    text = CONTROL.sub("", str(value or "")).replace("\r\n", "\n").strip()
    if len(text) > limit:
        errors.setdefault(field, []).append(
            _("At most %(limit)s characters; this text has %(count)s.")
            % {"limit": limit, "count": len(text)}
        )
    return text


def _codes(values, choices, field: str, errors: dict) -> list[str]:
    known = dict(choices)
    codes = []
    for value in values or []:
        if value not in known:
            errors.setdefault(field, []).append(_("%(value)s is not a choice.") % {"value": value})
        elif value not in codes:
            codes.append(value)
    return codes


def _location(number: int, data: dict, errors: list) -> dict | None:
    values = {}
    problems = []
    for name in LOCATION_FIELDS:
        raw = CONTROL.sub("", str(data.get(name) or "")).strip()
        if not raw:
            problems.append(_("%(field)s is missing") % {"field": _field_label(name)})
        elif name in LOCATION_LIMITS and len(raw) > LOCATION_LIMITS[name]:
            problems.append(
                _("%(field)s has more than %(limit)s characters")
                % {"field": _field_label(name), "limit": LOCATION_LIMITS[name]}
            )
        values[name] = raw
    if values["postcode"]:
        postcode = normalise_postcode(values["postcode"])
        if postcode is None:
            problems.append(
                _("%(value)s is not a Dutch postcode (four digits and two letters, 8161 AB)")
                % {"value": values["postcode"]}
            )
        values["postcode"] = postcode or ""
    if values["house_number"] and not HOUSE_NUMBER.match(values["house_number"]):
        problems.append(
            _("%(value)s is not a house number (such as 12, 12a or 12-3)")
            % {"value": values["house_number"]}
        )
    if problems:
        errors.append(
            _("Location %(number)s: %(problems)s.")
            % {"number": number, "problems": "; ".join(problems)}
        )
        return None
    return values


def _field_label(name: str) -> str:
    return str(Location._meta.get_field(name).verbose_name)


@transaction.atomic
def offer_save(
    *,
    actor,
    provider,
    description: str = "",
    approach: str = "",
    target_groups=(),
    languages=(),
    specialisms: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    locations=(),
) -> Offer:
    """Create or replace the provider's offer and its locations (the list given is the whole
    list). The provider's own users and the regional team of its region only; ``actor`` None
    is the command line and the demo."""
    if actor is not None:
        from zorgregio.aanbieders.models import Provider

        allowed = scope_for(actor).offer_providers(Provider.objects.filter(pk=provider.pk))
        if not allowed.exists():
            raise PermissionDenied(_("You may not change the offer of this provider."))
    errors: dict[str, list[str]] = {}
    cleaned = {
        "description": _text(description, "description", DESCRIPTION_MAX, errors),
        "approach": _text(approach, "approach", APPROACH_MAX, errors),
        "specialisms": _text(specialisms, "specialisms", SPECIALISMS_MAX, errors),
        "target_groups": _codes(target_groups, TargetGroup.choices, "target_groups", errors),
        "languages": _codes(languages, Language.choices, "languages", errors),
        "phone": _text(phone, "phone", 30, errors),
        "email": _text(email, "email", 254, errors),
        "website": _text(website, "website", 200, errors),
    }
    if cleaned["phone"] and not PHONE.match(cleaned["phone"]):
        errors.setdefault("phone", []).append(
            _("Give a phone number of 10 digits, such as 0578 123 456 or +31 578 123 456.")
        )
    if cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors.setdefault("email", []).append(
                _("Give an e-mail address such as info@example.nl.")
            )
    if cleaned["website"]:
        try:
            URLValidator(schemes=["http", "https"])(cleaned["website"])
        except ValidationError:
            errors.setdefault("website", []).append(
                _("Give a website address that starts with https://.")
            )
    location_errors: list[str] = []
    rows = [row for row in locations if any(str(row.get(f) or "").strip() for f in LOCATION_FIELDS)]
    if len(rows) > MAX_LOCATIONS:
        location_errors.append(_("At most %(count)s locations.") % {"count": MAX_LOCATIONS})
    checked = [_location(i, row, location_errors) for i, row in enumerate(rows, start=1)]
    if location_errors:
        errors["locations"] = location_errors
    if errors:
        raise ValidationError(errors)

    offer = Offer.objects.select_for_update().filter(provider=provider).first()
    before = None
    if offer is None:
        offer = Offer(provider=provider)
    else:
        before = {**snapshot(offer), "locations": _location_snapshot(offer)}
    for name, value in cleaned.items():
        setattr(offer, name, value)
    offer.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    offer.save()
    offer.locations.all().delete()
    Location.objects.bulk_create([Location(offer=offer, **values) for values in checked])
    after = {**snapshot(offer), "locations": _location_snapshot(offer)}
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=offer,
        message=_("Offer of %(provider)s in the provider finder.") % {"provider": provider},
        before=before,
        after=after,
    )
    return offer


def _location_snapshot(offer) -> list[dict]:
    return [
        {name: getattr(loc, name) for name in LOCATION_FIELDS}
        for loc in offer.locations.order_by("pk")
    ]


# --- the postcode table ------------------------------------------------------------------------


def _coordinate(value, field: str, low: int, high: int) -> Decimal:
    try:
        number = parse_decimal(value)
    except ValidationError:
        raise ValidationError(
            {field: _("%(value)s is not a number of degrees.") % {"value": value}}
        ) from None
    if not low <= number <= high:
        raise ValidationError(
            {
                field: _("%(value)s lies outside the Netherlands (between %(low)s and %(high)s).")
                % {"value": value, "low": low, "high": high}
            }
        )
    return number.quantize(Decimal("0.000001"))


def postcode_set(*, actor, postcode: str, latitude, longitude, city: str = "") -> tuple:
    """Store one PC6 with its WGS84 coordinates; returns it with 'new', 'changed' or
    'unchanged'. The regional team or the command line only. Called per row by the set-up
    import, which records the whole import in the audit trail."""
    if actor is not None and not scope_for(actor).manages_region:
        raise PermissionDenied(_("Only the regional team may do this."))
    code = normalise_postcode(postcode)
    if code is None:
        raise ValidationError(
            {
                "postcode": _(
                    "%(value)s is not a Dutch postcode (four digits and two letters, 8161 AB)."
                )
                % {"value": postcode}
            }
        )
    lat = _coordinate(latitude, "latitude", 50, 54)
    lon = _coordinate(longitude, "longitude", 3, 8)
    city = CONTROL.sub("", city or "").strip()[:80]
    existing = Postcode.objects.filter(pk=code).first()
    if existing is None:
        return Postcode.objects.create(postcode=code, latitude=lat, longitude=lon, city=city), "new"
    if (existing.latitude, existing.longitude, existing.city) == (lat, lon, city):
        return existing, "unchanged"
    existing.latitude, existing.longitude, existing.city = lat, lon, city
    existing.save()
    return existing, "changed"
