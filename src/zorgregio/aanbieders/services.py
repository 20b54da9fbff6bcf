"""Writes of care providers. Every change is validated in full and audited."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot

from .models import Provider, ProviderAddress

POSTCODE = re.compile(r"^[1-9]\d{3} ?[A-Z]{2}$")


def _check_unique(provider: Provider) -> None:
    others = Provider.objects.exclude(pk=provider.pk)
    if others.filter(kvk_number=provider.kvk_number).exists():
        raise ValidationError(
            {"kvk_number": _("A provider with KvK number %s already exists.") % provider.kvk_number}
        )
    if provider.agb_code and others.filter(agb_code=provider.agb_code).exists():
        raise ValidationError(
            {"agb_code": _("A provider with AGB code %s already exists.") % provider.agb_code}
        )


@transaction.atomic
def provider_create(
    *, actor, name: str, kvk_number: str, agb_code: str | None = None, addresses=(), **fields
) -> Provider:
    provider = Provider(
        name=name.strip(), kvk_number=kvk_number.strip(), agb_code=agb_code or None, **fields
    )
    _check_unique(provider)
    provider.full_clean(validate_unique=False)
    provider.save()
    for address in addresses:
        item = ProviderAddress(provider=provider, **address)
        item.postcode = item.postcode.upper()
        if not POSTCODE.match(item.postcode):
            raise ValidationError(
                {"postcode": _("Postcode %s is not a Dutch postcode (1234 AB).") % item.postcode}
            )
        item.full_clean()
        item.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=provider, after=snapshot(provider))
    return provider


@transaction.atomic
def provider_update(*, actor, provider: Provider, **fields) -> Provider:
    before = snapshot(provider)
    for name, value in fields.items():
        setattr(provider, name, value)
    _check_unique(provider)
    provider.full_clean(validate_unique=False)
    provider.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=provider,
        before=before,
        after=snapshot(provider),
    )
    return provider


@transaction.atomic
def provider_set_address(
    *,
    actor,
    provider: Provider,
    kind: str,
    street: str,
    house_number: str,
    postcode: str,
    city: str,
) -> ProviderAddress:
    """Set the provider's address of ``kind`` (replacing the one it had)."""
    item = ProviderAddress.objects.filter(provider=provider, kind=kind).first() or ProviderAddress(
        provider=provider, kind=kind
    )
    before = snapshot(item) if item.pk else None
    item.street, item.house_number, item.city = street, house_number, city
    item.postcode = postcode.upper()
    if not POSTCODE.match(item.postcode):
        raise ValidationError(
            {"postcode": _("Postcode %s is not a Dutch postcode (1234 AB).") % item.postcode}
        )
    item.full_clean()
    item.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=provider,
        message=_("Address: %s") % item,
        before=before,
        after=snapshot(item),
    )
    return item
