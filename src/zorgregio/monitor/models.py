"""The monitor's own data: budgets, and the fact tables the figures are computed from.

The fact tables (``DeliveryFact``, ``Trajectory``, ``ClientMonth``) are a materialised layer over
the care model in ``zorg``: they are rebuilt in the database (``INSERT ... SELECT``) by
:func:`zorgregio.monitor.services.refresh_after_import`, which the message ingest calls after
every import. They hold no data that is not in ``zorg``; never edit them by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgregio.regio.models import Law


class Budget(models.Model):
    """The budget of one municipality for one product group in one year."""

    municipality = models.ForeignKey(
        "regio.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="monitor_budgets",
    )
    product_group = models.ForeignKey(
        "producten.ProductGroup",
        verbose_name=_("product group"),
        on_delete=models.CASCADE,
        related_name="monitor_budgets",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount_cents = models.BigIntegerField(_("budget (eurocents)"))

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["year", "municipality", "product_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "product_group", "year"], name="monitor_budget_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_cents__gte=0), name="monitor_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} · {self.product_group} · {self.year}"


class MonitorState(models.Model):
    """One row: when the fact tables were rebuilt and up to which date the data is complete."""

    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    complete_until = models.DateField(_("data complete until"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    seconds = models.FloatField(_("duration of the last refresh (s)"), default=0)

    class Meta:
        verbose_name = _("monitor state")
        verbose_name_plural = _("monitor state")

    def __str__(self) -> str:
        return f"monitor v{self.version}"


class DeliveryFact(models.Model):
    """One effective delivery: a Levering (305/307), or the toewijzing's own period when it has
    none. Days are also stored as integers (days since 1970-01-01) for portable arithmetic."""

    levering_id = models.BigIntegerField(null=True)
    toewijzing_id = models.BigIntegerField()
    client_id = models.BigIntegerField()
    municipality_id = models.BigIntegerField()
    provider_id = models.BigIntegerField()
    product_id = models.BigIntegerField(null=True)
    group_id = models.BigIntegerField(null=True)
    law = models.CharField(max_length=4, choices=Law.choices)
    intensity_rank = models.IntegerField(null=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True)
    start_day = models.IntegerField()
    end_day = models.IntegerField(null=True)
    wait_days = models.IntegerField(
        null=True, help_text="Toewijzingsdatum to the first 305 of the toewijzing; else empty."
    )
    scale_up = models.SmallIntegerField(
        default=0, help_text="1 when this delivery is an opschaling (see figures.scaling)."
    )
    scale_down = models.SmallIntegerField(
        default=0, help_text="1 when this delivery is an afschaling (see figures.scaling)."
    )

    class Meta:
        indexes = [
            models.Index(fields=["start_day", "end_day"]),
            models.Index(fields=["municipality_id", "start_day"]),
            models.Index(fields=["client_id", "law"]),
            models.Index(fields=["provider_id", "end_date"]),
        ]

    def __str__(self) -> str:
        return f"DeliveryFact {self.pk}"


class Trajectory(models.Model):
    """Per client and product group: deliveries merged where they overlap or touch. Its
    municipality, provider, product and law are those of its first delivery."""

    client_id = models.BigIntegerField()
    group_id = models.BigIntegerField(null=True)
    municipality_id = models.BigIntegerField()
    provider_id = models.BigIntegerField()
    product_id = models.BigIntegerField(null=True)
    law = models.CharField(max_length=4, choices=Law.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True)
    duration_days = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["end_date"])]

    def __str__(self) -> str:
        return f"Trajectory {self.pk}"


class ClientMonth(models.Model):
    """Realisatie per month (of the ProductPeriode begin), client, municipality, provider and
    product: debit minus credit of the lines that were not rejected."""

    month = models.DateField()
    client_id = models.BigIntegerField()
    municipality_id = models.BigIntegerField()
    provider_id = models.BigIntegerField()
    product_id = models.BigIntegerField(null=True)
    group_id = models.BigIntegerField(null=True)
    law = models.CharField(max_length=4, choices=Law.choices)
    amount_cents = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["month", "municipality_id"]),
            models.Index(fields=["provider_id", "month"]),
        ]

    def __str__(self) -> str:
        return f"ClientMonth {self.pk}"


class ScopeMonth(models.Model):
    """Realisatie per month, municipality, product group and law (from ``ClientMonth``), with
    the number of clients in that cell: the region and municipality pages read sums from here."""

    month = models.DateField()
    municipality_id = models.BigIntegerField()
    group_id = models.BigIntegerField(null=True)
    law = models.CharField(max_length=4, choices=Law.choices)
    amount_cents = models.BigIntegerField()
    clients = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "municipality_id"])]

    def __str__(self) -> str:
        return f"ScopeMonth {self.pk}"


class ProviderMonth(models.Model):
    """As ``ScopeMonth``, per provider too: market shares and provider pages."""

    month = models.DateField()
    municipality_id = models.BigIntegerField()
    provider_id = models.BigIntegerField()
    group_id = models.BigIntegerField(null=True)
    law = models.CharField(max_length=4, choices=Law.choices)
    amount_cents = models.BigIntegerField()
    clients = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["month", "municipality_id"]),
            models.Index(fields=["provider_id", "month"]),
        ]

    def __str__(self) -> str:
        return f"ProviderMonth {self.pk}"


class ClientYear(models.Model):
    """``ClientMonth`` summed per calendar year: exact client counts for whole years."""

    year_start = models.DateField()
    client_id = models.BigIntegerField()
    municipality_id = models.BigIntegerField()
    provider_id = models.BigIntegerField()
    product_id = models.BigIntegerField(null=True)
    group_id = models.BigIntegerField(null=True)
    law = models.CharField(max_length=4, choices=Law.choices)
    amount_cents = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["year_start", "municipality_id"])]

    def __str__(self) -> str:
        return f"ClientYear {self.pk}"


class TaskMonth(models.Model):
    """The task-oriented cells (taakgericht, issue 20) per month, provider, municipality and
    product group: the paid instalments of the task budgets (by the month of ``paid_on``), and
    from the data deliveries (art. 3.10) the clients (the largest number delivered for a
    period that overlaps the month), inflow and outflow (in the month their delivered period
    ends); where no delivery covers the month, the regieberichten's starts and stops are its
    inflow and outflow. Rebuilt in full at every refresh (it is small); the figures add it to
    those from the declarations (``figures``, docs/bekostiging.md)."""

    month = models.DateField()
    municipality_id = models.BigIntegerField()
    provider_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    law = models.CharField(max_length=4, choices=Law.choices)
    amount_cents = models.BigIntegerField(default=0)
    clients = models.IntegerField(default=0)
    inflow = models.IntegerField(default=0)
    outflow = models.IntegerField(default=0)
    delivered = models.BooleanField(
        default=False, help_text="A data delivery covers the month (it wins over regieberichten)."
    )

    class Meta:
        indexes = [models.Index(fields=["month", "municipality_id"])]

    def __str__(self) -> str:
        return f"TaskMonth {self.month} {self.municipality_id}/{self.group_id}"


class CarePeriod(models.Model):
    """A period (month, quarter, year, or the last day of a month) whose client counts are in
    ``CareCount``: a period listed here with no count row for a scope has zero clients."""

    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self) -> str:
        return f"CarePeriod {self.start_date} - {self.end_date}"


class CareCount(models.Model):
    """Distinct clients with a ``DeliveryFact`` overlapping a ``CarePeriod``, per municipality
    (``region_id`` empty) or per region (``municipality_id`` empty), for all laws (``law``
    empty) or one law, and optionally one product group (with its law). Precomputed at refresh
    so pages read client counts instead of counting distinct clients over deliveries."""

    start_date = models.DateField()
    end_date = models.DateField()
    municipality_id = models.BigIntegerField(null=True)
    region_id = models.BigIntegerField(null=True)
    law = models.CharField(max_length=4, blank=True, default="")
    group_id = models.BigIntegerField(null=True)
    clients = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["start_date", "end_date", "municipality_id"])]

    def __str__(self) -> str:
        return f"CareCount {self.start_date} - {self.end_date}: {self.clients}"


class ProviderYear(models.Model):
    """``ProviderMonth`` per calendar year with the cell bounds kept: ``low`` the largest
    monthly client count, ``high`` their sum (market shares over whole years)."""

    year_start = models.DateField()
    municipality_id = models.BigIntegerField()
    provider_id = models.BigIntegerField()
    group_id = models.BigIntegerField(null=True)
    law = models.CharField(max_length=4, choices=Law.choices)
    amount_cents = models.BigIntegerField()
    low = models.IntegerField()
    high = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["year_start", "municipality_id"])]

    def __str__(self) -> str:
        return f"ProviderYear {self.pk}"


class PaidCount(models.Model):
    """Clients whose net realisatie in a calendar year or quarter (``start_date`` to
    ``end_date``) is above zero, per municipality (``region_id`` empty) or region
    (``municipality_id`` empty), for all laws (``law`` empty), one law, or one product group and
    law. No row for a year or quarter: zero clients."""

    start_date = models.DateField()
    end_date = models.DateField()
    municipality_id = models.BigIntegerField(null=True)
    region_id = models.BigIntegerField(null=True)
    law = models.CharField(max_length=4, blank=True, default="")
    group_id = models.BigIntegerField(null=True)
    clients = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["start_date", "end_date", "municipality_id"])]

    def __str__(self) -> str:
        return f"PaidCount {self.start_date} - {self.end_date}: {self.clients}"


class HiddenCell(models.Model):
    """A published cell hidden from the roles that see aggregates only: a small cell or one
    hidden with it so that subtraction cannot reveal it (:mod:`.protection`). Rebuilt at every
    refresh; pages, exports and the API look cells up here."""

    measure = models.CharField(max_length=12)
    region_id = models.BigIntegerField()
    municipality_id = models.BigIntegerField(null=True)  # empty: the region
    law = models.CharField(max_length=4, blank=True, default="")
    group_id = models.BigIntegerField(null=True)
    start_date = models.DateField()
    end_date = models.DateField()
    viewer = models.CharField(
        max_length=20,
        blank=True,
        default="",
        help_text="Empty: every viewer of aggregates. m<id>: staff of that municipality, who "
        "know it in detail (the rest of the region is protected for them).",
    )

    class Meta:
        indexes = [models.Index(fields=["region_id", "viewer", "start_date"])]

    def __str__(self) -> str:
        return f"HiddenCell {self.measure} {self.start_date} - {self.end_date}"
