"""The product catalogue (productenboek), purchase matrix and tariffs.

Products are identified in the messages by law, productcategorie (WMO020/JZ020) and productcode
(national or local, up to 5 characters), valid over a period. Tariffs are eurocents per unit,
effective-dated, optionally per municipality.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgregio.common.models import TimeStampedModel
from zorgregio.common.periods import ValidityPeriod, ValidityQuerySet
from zorgregio.regio.models import Law


class ProductGroup(models.Model):
    """A perceel/segment: products bought together, e.g. 'Begeleiding individueel'."""

    law = models.CharField(_("law"), max_length=4, choices=Law.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")
        ordering = ["law", "name"]

    def __str__(self) -> str:
        return self.name


class Product(ValidityPeriod, TimeStampedModel):
    group = models.ForeignKey(
        ProductGroup,
        verbose_name=_("product group"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    law = models.CharField(_("law"), max_length=4, choices=Law.choices)
    productcategorie = models.CharField(
        _("product category"), max_length=2, help_text=_("WMO020 (Wmo) or JZ020 (Jeugdwet).")
    )
    productcode = models.CharField(
        _("product code"),
        max_length=5,
        help_text=_("National or local code, at most 5 characters."),
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=2, help_text=_("WJ756 code, e.g. 04 = hour."))
    allowed_frequencies = models.JSONField(
        _("allowed frequencies"),
        default=list,
        blank=True,
        help_text=_("WMO757 codes allowed in a toewijzing of this product."),
    )
    intensity_rank = models.PositiveSmallIntegerField(
        _("intensity rank"),
        null=True,
        blank=True,
        help_text=_("Order within the product group (1 = lightest), for scaling up and down."),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("succeeded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["group", "intensity_rank", "productcode"]
        constraints = [
            models.UniqueConstraint(
                fields=["law", "productcategorie", "productcode", "valid_from"],
                name="product_code_unique_per_start",
            )
        ]
        indexes = [models.Index(fields=["law", "productcategorie", "productcode"])]

    def __str__(self) -> str:
        return f"{self.productcategorie}{self.productcode} {self.name}"


class PurchaseMode(models.TextChoices):
    REGIONAL = "regionaal", _("bought regionally")
    LOCAL = "lokaal", _("bought locally")
    NONE = "niet", _("not bought")


class PurchaseMatrixEntry(ValidityPeriod):
    """Per municipality and product, for a period: bought regionally, locally or not."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="purchases")
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.CASCADE, related_name="purchases"
    )
    mode = models.CharField(_("purchase"), max_length=10, choices=PurchaseMode.choices)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("purchase matrix entry")
        verbose_name_plural = _("purchase matrix")
        ordering = ["product", "municipality", "valid_from"]
        indexes = [models.Index(fields=["municipality", "product", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.product} · {self.municipality}: {self.get_mode_display()}"


class Tariff(ValidityPeriod):
    """Eurocents per unit of the product from ``valid_from``; municipality empty = region-wide.

    A municipality-specific tariff takes precedence over the region-wide one on the same date.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="tariffs")
    municipality = models.ForeignKey(
        "regio.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tariffs",
        help_text=_("Empty: the tariff for every municipality of the region."),
    )
    amount_cents = models.BigIntegerField(_("tariff (eurocents per unit)"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["product", "municipality", "valid_from"]
        indexes = [models.Index(fields=["product", "municipality", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gte=0), name="tariff_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.amount_cents} ct vanaf {self.valid_from}"
