"""The product catalogue (productenboek), purchase matrix and tariffs.

Products are identified in the messages by law, productcategorie (WMO020/JZ020) and productcode
(national or local, up to 5 characters), valid over a period. Tariffs are eurocents per unit,
effective-dated, optionally per municipality.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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
        return f"{self.code} {self.name}"

    @property
    def code(self) -> str:
        """The code as printed everywhere: ``02A16`` (never ``0202A16``); see common.formatting."""
        from zorgregio.common.formatting import product_code

        return product_code(self.productcategorie, self.productcode)

    @property
    def label(self) -> str:
        """Code, group and name as shown in the productenboek: ``02A16 Begeleiding: Basis``."""
        return f"{self.code} {self.group.name}: {self.name}"


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
    calculation = models.ForeignKey(
        "CostCalculation",
        verbose_name=_("from cost calculation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tariffs",
    )
    indexation = models.ForeignKey(
        "Indexation",
        verbose_name=_("from indexation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tariffs",
    )

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


def _percentage(verbose_name, default, help_text=""):
    return models.DecimalField(
        verbose_name,
        max_digits=6,
        decimal_places=2,
        default=default,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=help_text,
    )


class CostCalculation(models.Model):
    """One version of the reële-prijs calculation of a product (art. 5.4 Uitvoeringsbesluit Wmo).

    Versions are never changed after saving: a change to an input is a new version, so every
    tariff can be traced to the calculation it came from. See ``producten/costing.py``.
    """

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="calculations"
    )
    version = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    cao_name = models.CharField(_("collective agreement (CAO)"), max_length=100)
    cao_scale = models.CharField(_("CAO scale"), max_length=20)
    cao_step = models.CharField(_("CAO step"), max_length=20)
    monthly_salary_cents = models.BigIntegerField(
        _("monthly salary of that scale and step (eurocents)"),
        validators=[MinValueValidator(0)],
    )
    holiday_pay_pct = _percentage(_("holiday pay (%)"), 8)
    year_end_bonus_pct = _percentage(_("year-end bonus (%)"), Decimal("8.33"))
    employer_charges_pct = _percentage(
        _("employer charges (%)"), 25, _("Social insurance and pension, over the gross wage.")
    )
    hours_per_week = models.DecimalField(
        _("paid hours per week"),
        max_digits=5,
        decimal_places=2,
        default=36,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(60)],
    )
    leave_pct = _percentage(_("leave (%, share of paid hours)"), Decimal("10.5"))
    sickness_pct = _percentage(_("sickness (%, share of paid hours)"), 6)
    training_pct = _percentage(_("training (%, share of paid hours)"), 2)
    travel_time_pct = _percentage(_("travel time (%, share of paid hours)"), 5)
    meetings_pct = _percentage(_("meetings and consultation (%, share of paid hours)"), 4)
    travel_cost_per_hour_cents = models.BigIntegerField(
        _("travel cost per productive hour (eurocents)"),
        default=0,
        validators=[MinValueValidator(0)],
    )
    overhead_pct = _percentage(_("overhead (%, share of direct cost)"), 20)
    reporting_pct = _percentage(
        _("reporting demands of the municipality (%, share of direct cost)"), 2
    )
    risk_pct = _percentage(_("risk and innovation mark-up (%)"), 3)
    hours_per_unit = models.DecimalField(
        _("staff hours per unit"),
        max_digits=7,
        decimal_places=4,
        default=1,
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text=_("1 for an hour; for a day part of group care the staff hours per client."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    INPUT_FIELDS = [
        "cao_name",
        "cao_scale",
        "cao_step",
        "monthly_salary_cents",
        "holiday_pay_pct",
        "year_end_bonus_pct",
        "employer_charges_pct",
        "hours_per_week",
        "leave_pct",
        "sickness_pct",
        "training_pct",
        "travel_time_pct",
        "meetings_pct",
        "travel_cost_per_hour_cents",
        "overhead_pct",
        "reporting_pct",
        "risk_pct",
        "hours_per_unit",
    ]

    class Meta:
        verbose_name = _("cost calculation")
        verbose_name_plural = _("cost calculations")
        ordering = ["product", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "version"], name="cost_calculation_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} v{self.version}"

    def result(self):
        from .costing import calculate

        return calculate(self)


class Indexation(models.Model):
    """A yearly indexation (contract standard art. 3.2) from weighted index components.

    Per component: the provisional figure for next year plus the correction for the current
    year (final figure minus the figure forecast last year). See ``producten/costing.py``.
    """

    name = models.CharField(_("name"), max_length=150)
    year = models.PositiveSmallIntegerField(_("year the index applies to"))
    labour_weight_pct = _percentage(_("weight of labour cost (OVA) (%)"), 90)
    material_weight_pct = _percentage(_("weight of material cost (PPC) (%)"), 10)
    labour_forecast_next_pct = models.DecimalField(
        _("OVA: provisional figure next year (%)"), max_digits=6, decimal_places=2
    )
    labour_forecast_current_pct = models.DecimalField(
        _("OVA: figure for the current year as forecast last year (%)"),
        max_digits=6,
        decimal_places=2,
    )
    labour_final_current_pct = models.DecimalField(
        _("OVA: final figure for the current year (%)"), max_digits=6, decimal_places=2
    )
    material_forecast_next_pct = models.DecimalField(
        _("PPC: provisional figure next year (%)"), max_digits=6, decimal_places=2
    )
    material_forecast_current_pct = models.DecimalField(
        _("PPC: figure for the current year as forecast last year (%)"),
        max_digits=6,
        decimal_places=2,
    )
    material_final_current_pct = models.DecimalField(
        _("PPC: final figure for the current year (%)"), max_digits=6, decimal_places=2
    )
    applied_from = models.DateField(_("applied from"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    tariff_count = models.PositiveIntegerField(_("tariffs indexed"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("indexation")
        verbose_name_plural = _("indexations")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.name

    def result(self):
        from .costing import index_result

        return index_result(self)


# --- funding variants (uitvoeringsvarianten) -------------------------------------------------


class FundingVariant(models.TextChoices):
    """The three uitvoeringsvarianten of the contract standards (Bekostiging)."""

    EFFORT = "inspanningsgericht", _("effort-oriented (inspanningsgericht)")
    OUTPUT = "outputgericht", _("output-oriented (outputgericht)")
    TASK = "taakgericht", _("task-oriented (taakgericht)")


# Units of WJ756 an output-oriented product may have: a number of outputs, or euros.
OUTPUT_UNITS = ("82", "83")


class GroupVariant(ValidityPeriod):
    """The uitvoeringsvariant of a product group (perceel) in a municipality over a period.

    No row for a date: inspanningsgericht (P x Q), as before variants existed. Set and changed
    only through ``producten.services.group_variant_set`` (audited, no overlaps).
    """

    group = models.ForeignKey(
        ProductGroup,
        verbose_name=_("product group"),
        on_delete=models.PROTECT,
        related_name="variants",
    )
    municipality = models.ForeignKey(
        "regio.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="group_variants",
    )
    variant = models.CharField(_("funding variant"), max_length=20, choices=FundingVariant.choices)
    regieberichten = models.BooleanField(
        _("start and stop messages without a toewijzing agreed"),
        default=False,
        help_text=_(
            "Task-oriented only: the region agreed that providers send start and stop messages "
            "(305/307) without a ToewijzingNummer; they are accepted as regieberichten."
        ),
    )
    reason = models.TextField(_("reason"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding variant")
        verbose_name_plural = _("funding variants")
        ordering = ["group", "municipality", "valid_from"]
        indexes = [models.Index(fields=["group", "municipality", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.group} · {self.municipality}: {self.get_variant_display()}"


class TaskBudget(models.Model):
    """The task budget of a provider for a product group in a municipality in one year.

    Computed in the cost model from the expected population and its mix
    (``costing.task_budget``); paid in instalments (``TaskBudgetInstalment``). Written only
    through ``producten.services.task_budget_set``.
    """

    provider = models.ForeignKey(
        "aanbieders.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="task_budgets",
    )
    municipality = models.ForeignKey(
        "regio.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="task_budgets",
    )
    group = models.ForeignKey(
        ProductGroup,
        verbose_name=_("product group"),
        on_delete=models.PROTECT,
        related_name="task_budgets",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    mix = models.JSONField(
        _("expected population and mix"),
        default=list,
        help_text=_("Per segment: expected clients, hours per client per year, cost per hour."),
    )
    markup_pct = _percentage(_("risk and innovation mark-up (%)"), 3)
    amount_cents = models.BigIntegerField(_("task budget (eurocents)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task budget")
        verbose_name_plural = _("task budgets")
        ordering = ["year", "group", "municipality", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "municipality", "group", "year"],
                name="task_budget_unique_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_cents__gte=0), name="task_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.group} · {self.municipality} {self.year}"


class TaskBudgetInstalment(models.Model):
    """One payment (termijn) of a task budget: due on a date, paid when ``paid_on`` is set."""

    budget = models.ForeignKey(TaskBudget, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("due on"))
    amount_cents = models.BigIntegerField(_("amount (eurocents)"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["budget", "due_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gte=0), name="instalment_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.budget} {self.due_on}: {self.amount_cents} ct"


class DataDelivery(models.Model):
    """The data a task-oriented provider delivers per period (contract art. 3.10): clients,
    inflow, outflow and the average waiting time, per product group and municipality."""

    provider = models.ForeignKey(
        "aanbieders.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="data_deliveries",
    )
    municipality = models.ForeignKey(
        "regio.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="data_deliveries",
    )
    group = models.ForeignKey(
        ProductGroup,
        verbose_name=_("product group"),
        on_delete=models.PROTECT,
        related_name="data_deliveries",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    clients = models.PositiveIntegerField(_("clients"))
    inflow = models.PositiveIntegerField(_("inflow"))
    outflow = models.PositiveIntegerField(_("outflow"))
    waiting_days = models.PositiveIntegerField(_("average waiting time (days)"))
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivered_at = models.DateTimeField(_("delivered at"), auto_now=True)

    class Meta:
        verbose_name = _("data delivery")
        verbose_name_plural = _("data deliveries")
        ordering = ["period_start", "group", "municipality", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "municipality", "group", "period_start"],
                name="data_delivery_unique_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.group} · {self.municipality} {self.period_start}"
