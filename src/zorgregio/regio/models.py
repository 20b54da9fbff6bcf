from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgregio.common.validators import validate_cbs_code


class Law(models.TextChoices):
    """The two laws zorgregio buys care under; fixed by law, so not a table."""

    WMO = "wmo", _("Wmo 2015")
    JEUGDWET = "jw", _("Jeugdwet")

    @property
    def standard(self) -> str:
        """The iStandaard whose messages carry this law's care."""
        return "iwmo" if self is Law.WMO else "ijw"


class Region(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("short name"), unique=True)

    class Meta:
        verbose_name = _("care region")
        verbose_name_plural = _("care regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def visible_to(self, user):
        from zorgregio.accounts.scoping import scope_for

        return scope_for(user).municipalities(self)


class Municipality(models.Model):
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="municipalities"
    )
    cbs_code = models.CharField(
        _("CBS code"), max_length=4, unique=True, validators=[validate_cbs_code]
    )
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=50)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        from zorgregio.codelijsten.selectors import code_map

        known = code_map("cbs", "GEMEENTE")
        if self.cbs_code and len(self.cbs_code) == 4 and self.cbs_code not in known:
            message = _("%(code)s is not a municipality in the CBS list of 2026.")
            raise ValidationError(
                {"cbs_code": ValidationError(message, params={"code": self.cbs_code})}
            )


class Inhabitants(models.Model):
    """Number of inhabitants on 1 January of a year (CBS)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="inhabitants"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    count = models.PositiveIntegerField(_("inhabitants on 1 January"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inhabitants")
        verbose_name_plural = _("inhabitants")
        ordering = ["municipality", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="inhabitants_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.count}"
