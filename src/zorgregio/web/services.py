"""Changes made through the web app itself: the theme of a region."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zorgregio.accounts.scoping import scope_for
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log

from .models import RegionTheme

MAX_LOGO_BYTES = 200 * 1024
# Raster images only: an uploaded SVG could carry script.
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _snapshot(theme: RegionTheme) -> dict:
    return {
        "primary_color": theme.primary_color,
        "primary_dark_color": theme.primary_dark_color,
        "focus_color": theme.focus_color,
        "logo_alt": theme.logo_alt,
        "logo_bytes": len(theme.logo or b""),
    }


def logo_type(data: bytes) -> str | None:
    for magic, content_type in LOGO_TYPES.items():
        if data.startswith(magic):
            return content_type
    return None


def theme_update(
    *,
    actor,
    region,
    primary_color: str,
    primary_dark_color: str,
    focus_color: str,
    logo_alt: str = "",
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> RegionTheme:
    """Set the logo and colours of ``region``; only its regional team may. Validates colours,
    contrast and the logo in full before writing, and records before and after."""
    scope = scope_for(actor)
    if not scope.manages_region or scope.region_id != region.pk:
        raise PermissionDenied
    with transaction.atomic():
        theme, _created = RegionTheme.objects.select_for_update().get_or_create(region=region)
        before = None if _created else _snapshot(theme)
        theme.primary_color = (primary_color or "").lower()
        theme.primary_dark_color = (primary_dark_color or "").lower()
        theme.focus_color = (focus_color or "").lower()
        theme.logo_alt = (logo_alt or "").strip()
        errors = {}
        if logo:
            content_type = logo_type(logo)
            if len(logo) > MAX_LOGO_BYTES:
                errors["logo"] = _("The logo is larger than 200 kB.")
            elif content_type is None:
                errors["logo"] = _("The logo must be a PNG or JPEG image.")
            else:
                theme.logo, theme.logo_type = logo, content_type
        elif remove_logo:
            theme.logo, theme.logo_type = None, ""
        if theme.logo and not theme.logo_alt:
            errors["logo_alt"] = _("Say what the logo shows, for screen readers.")
        try:
            theme.full_clean(exclude=["region", "logo", "updated_by"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, " ".join(messages))
        if errors:
            raise ValidationError(errors)
        theme.updated_by = actor
        theme.save()
        audit_log(
            actor=actor,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            obj=theme,
            message=_("Theme of %(region)s changed.") % {"region": region},
            before=before,
            after=_snapshot(theme),
        )
    return theme
