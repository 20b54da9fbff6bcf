"""The contract register: the framework agreement and the providers admitted under it.

Only the core is defined here; the contract register issue adds the lifecycle, amendments,
bridging agreements, subcontractors and the provider dossier.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgregio.common.models import TimeStampedModel
from zorgregio.common.periods import ValidityPeriod, ValidityQuerySet


class FrameworkAgreement(ValidityPeriod, TimeStampedModel):
    """The raamovereenkomst of a region (Open House), e.g. 1-1-2026 to 31-12-2030."""

    region = models.ForeignKey(
        "regio.Region", on_delete=models.PROTECT, related_name="framework_agreements"
    )
    name = models.CharField(_("name"), max_length=200)
    laws = models.JSONField(_("laws"), default=list, help_text=_("Law codes: wmo, jw."))

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework agreement")
        verbose_name_plural = _("framework agreements")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.name


class AdmissionStatus(models.TextChoices):
    CONCEPT = "concept", _("draft")
    ACTIVE = "actief", _("active")
    CLIENT_STOP = "clientenstop", _("client stop")
    ENDED = "beeindigd", _("ended")


class Admission(ValidityPeriod, TimeStampedModel):
    """Deelname: a provider may deliver a product (or a whole product group) in a municipality
    over a period."""

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="admissions"
    )
    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="admissions"
    )
    product = models.ForeignKey(
        "producten.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admissions",
    )
    product_group = models.ForeignKey(
        "producten.ProductGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admissions",
        help_text=_("Admission for every product of the group."),
    )
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.PROTECT, related_name="admissions"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AdmissionStatus.choices,
        default=AdmissionStatus.CONCEPT,
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        ordering = ["provider", "municipality", "valid_from"]
        indexes = [
            models.Index(fields=["provider", "municipality", "product", "valid_from"]),
            models.Index(fields=["product", "municipality", "valid_from"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(product__isnull=False) | models.Q(product_group__isnull=False),
                name="admission_product_or_group",
            )
        ]

    def __str__(self) -> str:
        what = self.product or self.product_group
        return f"{self.provider} · {what} · {self.municipality}"
