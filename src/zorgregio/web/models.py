"""The theme of a region: its logo and colours, set by the regional team (issue 17.8).

The colours become NL Design System design tokens (CSS custom properties) in the page head, so
every component follows them. Contrast is checked before a theme is saved: white text on the
primary colour at least 4.5:1 (WCAG 1.4.3), the focus outline at least 3:1 against white and
the page background (WCAG 1.4.11). In the header and navigation (the primary colours) the
outline is white, which the 4.5:1 rule for white text already guarantees.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_PRIMARY = "#154273"
DEFAULT_PRIMARY_DARK = "#0b2c52"
DEFAULT_FOCUS = "#b34700"  # 5.5:1 on white, 5.1:1 on the page background
PAGE_BACKGROUND = "#f5f6f8"


def validate_hex(value: str) -> None:
    if not HEX.match(value or ""):
        raise ValidationError(
            _("%(value)s is not a colour: use # and six hexadecimal digits, e.g. #154273."),
            code="colour",
            params={"value": value},
        )


def _channel(c: float) -> float:
    c = c / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class RegionTheme(models.Model):
    region = models.OneToOneField(
        "regio.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="theme"
    )
    primary_color = models.CharField(
        _("primary colour"),
        max_length=7,
        default=DEFAULT_PRIMARY,
        validators=[validate_hex],
        help_text=_("Header, buttons and links; white text on it needs a contrast of 4.5:1."),
    )
    primary_dark_color = models.CharField(
        _("dark primary colour"),
        max_length=7,
        default=DEFAULT_PRIMARY_DARK,
        validators=[validate_hex],
        help_text=_("Navigation bar, headings and hover states."),
    )
    focus_color = models.CharField(
        _("focus colour"),
        max_length=7,
        default=DEFAULT_FOCUS,
        validators=[validate_hex],
        help_text=_("The outline around the element that has the keyboard focus (3:1 contrast)."),
    )
    logo = models.BinaryField(_("logo"), null=True, blank=True, editable=True)
    logo_type = models.CharField(_("logo file type"), max_length=20, blank=True)
    logo_alt = models.CharField(
        _("text of the logo"),
        max_length=150,
        blank=True,
        help_text=_("What the logo says, for screen readers (e.g. the region's name)."),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("region theme")
        verbose_name_plural = _("region themes")

    def __str__(self) -> str:
        return str(self.region)

    def clean(self) -> None:
        errors = {}
        for name in ("primary_color", "primary_dark_color", "focus_color"):
            value = getattr(self, name)
            if not HEX.match(value or ""):
                errors[name] = _("%(value)s is not a colour.") % {"value": value}
        if errors:
            raise ValidationError(errors)
        if contrast(self.primary_color, "#ffffff") < 4.5:
            errors["primary_color"] = _(
                "White text on %(colour)s has a contrast of %(ratio)s:1; at least 4.5:1 is needed."
            ) % {"colour": self.primary_color, "ratio": _ratio(self.primary_color, "#ffffff")}
        if contrast(self.primary_dark_color, "#ffffff") < 4.5:
            errors["primary_dark_color"] = _(
                "White text on %(colour)s has a contrast of %(ratio)s:1; at least 4.5:1 is needed."
            ) % {
                "colour": self.primary_dark_color,
                "ratio": _ratio(self.primary_dark_color, "#ffffff"),
            }
        for background in ("#ffffff", PAGE_BACKGROUND):
            if contrast(self.focus_color, background) < 3:
                errors["focus_color"] = _(
                    "The focus colour %(colour)s has a contrast of %(ratio)s:1 against "
                    "%(background)s; at least 3:1 is needed."
                ) % {
                    "colour": self.focus_color,
                    "ratio": _ratio(self.focus_color, background),
                    "background": background,
                }
                break
        if errors:
            raise ValidationError(errors)

    def tokens(self) -> dict[str, str]:
        """The design tokens this theme sets (CSS custom properties)."""
        return theme_tokens(self.primary_color, self.primary_dark_color, self.focus_color)


def _ratio(a: str, b: str) -> str:
    return f"{contrast(a, b):.1f}".replace(".", ",")


def theme_tokens(primary: str, primary_dark: str, focus: str) -> dict[str, str]:
    return {
        "--zorgregio-color-primary": primary,
        "--zorgregio-color-primary-dark": primary_dark,
        "--zorgregio-color-focus": focus,
    }


DEFAULT_TOKENS = theme_tokens(DEFAULT_PRIMARY, DEFAULT_PRIMARY_DARK, DEFAULT_FOCUS)
