from django.db import models
from django.utils.translation import gettext_lazy as _


class Standard(models.TextChoices):
    IWMO = "iwmo", "iWmo"
    IJW = "ijw", "iJw"
    CBS = "cbs", "CBS"


class CodeList(models.Model):
    """A published code list (e.g. iWmo WMO020 Productcategorie), as of one release."""

    standard = models.CharField(_("standard"), max_length=8, choices=Standard.choices)
    key = models.CharField(_("code list"), max_length=16)
    name = models.CharField(_("name"), max_length=100)
    release = models.CharField(_("release"), max_length=40)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("code list")
        verbose_name_plural = _("code lists")
        ordering = ["standard", "key"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "key"], name="codelist_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.name} ({self.get_standard_display()})"


class Code(models.Model):
    codelist = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=10)
    description = models.TextField(_("description"))
    extra = models.JSONField(_("extra columns"), default=dict, blank=True)

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["codelist", "code"]
        constraints = [
            models.UniqueConstraint(fields=["codelist", "code"], name="code_unique_in_list")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"
