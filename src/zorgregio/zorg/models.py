"""The care model, fed by the iWmo/iJw messages (berichten) and read by the monitor.

Names follow the standard where it names things in Dutch (toewijzing, levering, declaratie).
A client is known by a keyed pseudonym of the BSN; the BSN itself is stored only encrypted.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgregio.regio.models import Law


class Client(models.Model):
    pseudonym = models.CharField(
        _("pseudonym"), max_length=64, unique=True, help_text=_("HMAC-SHA256 of the BSN.")
    )
    bsn_encrypted = models.TextField(_("BSN (encrypted)"))
    birth_date = models.DateField(_("birth date"), null=True, blank=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return f"cliënt {self.pseudonym[:10]}"


class Toewijzing(models.Model):
    """An assigned product (301): ToewijzingNummer for a client at a provider over a period."""

    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.PROTECT, related_name="toewijzingen"
    )
    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="toewijzingen"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="toewijzingen")
    law = models.CharField(_("law"), max_length=4, choices=Law.choices)
    toewijzingnummer = models.CharField(_("toewijzingnummer"), max_length=20)
    product = models.ForeignKey(
        "producten.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="toewijzingen",
    )
    productcategorie = models.CharField(_("product category"), max_length=2, blank=True)
    productcode = models.CharField(_("product code"), max_length=5, blank=True)
    toewijzingsdatum = models.DateField(_("assignment date"))
    ingangsdatum = models.DateField(_("start date"))
    einddatum = models.DateField(_("end date"), null=True, blank=True)
    reden_wijziging = models.CharField(_("reason for change"), max_length=2, blank=True)
    volume = models.PositiveIntegerField(_("volume"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=2, blank=True)
    frequency = models.CharField(_("frequency"), max_length=1, blank=True)
    budget_cents = models.BigIntegerField(_("budget (eurocents)"), null=True, blank=True)
    deleted = models.BooleanField(
        _("deleted"),
        default=False,
        help_text=_("RedenWijziging 13 'Verwijderd': counts as never having existed."),
    )

    class Meta:
        verbose_name = _("toewijzing")
        verbose_name_plural = _("toewijzingen")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "toewijzingnummer"], name="toewijzing_unique_number"
            )
        ]
        indexes = [
            models.Index(fields=["provider", "client"]),
            models.Index(fields=["ingangsdatum"]),
        ]

    def __str__(self) -> str:
        from zorgregio.common.formatting import product_code

        return f"{self.toewijzingnummer} ({product_code(self.productcategorie, self.productcode)})"


class Levering(models.Model):
    """A delivery: from the Begindatum of a 305 to the Einddatum of its 307 (open while not
    stopped)."""

    toewijzing = models.ForeignKey(Toewijzing, on_delete=models.PROTECT, related_name="leveringen")
    begindatum = models.DateField(_("start date"))
    einddatum = models.DateField(_("end date"), null=True, blank=True)
    reden_beeindiging = models.CharField(_("reason for ending"), max_length=2, blank=True)
    deleted = models.BooleanField(_("deleted"), default=False)

    class Meta:
        verbose_name = _("levering")
        verbose_name_plural = _("leveringen")
        indexes = [models.Index(fields=["begindatum"]), models.Index(fields=["einddatum"])]

    def __str__(self) -> str:
        return f"{self.toewijzing} {self.begindatum}–{self.einddatum or ''}"


class DeclaratieStatus(models.TextChoices):
    RECEIVED = "ontvangen", _("received")
    PROCESSED = "verwerkt", _("processed")
    REJECTED = "afgekeurd", _("rejected")


class Declaratie(models.Model):
    """A 323 declaration of one provider to one municipality."""

    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.PROTECT, related_name="declaraties"
    )
    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="declaraties"
    )
    law = models.CharField(_("law"), max_length=4, choices=Law.choices)
    declaratienummer = models.CharField(_("declaration number"), max_length=20)
    declaratiedatum = models.DateField(_("declaration date"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    total_cents = models.BigIntegerField(_("total (eurocents)"))
    total_debit_credit = models.CharField(_("debit/credit"), max_length=1, default="D")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DeclaratieStatus.choices,
        default=DeclaratieStatus.RECEIVED,
    )
    retourcodes = models.JSONField(_("return codes"), default=list, blank=True)
    source = models.ForeignKey(
        "berichten.MessageFile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="declaraties",
    )
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected lines"), default=0)
    approved_cents = models.BigIntegerField(_("approved (eurocents, signed)"), default=0)
    refused_lines = models.JSONField(
        _("refused lines"),
        default=list,
        blank=True,
        help_text=_("Lines that could not be stored (duplicate reference number, TR314)."),
    )

    class Meta:
        verbose_name = _("declaratie")
        verbose_name_plural = _("declaraties")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "law", "declaratienummer"], name="declaratie_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.declaratienummer


class LineStatus(models.TextChoices):
    APPROVED = "goedgekeurd", _("approved")
    REJECTED = "afgekeurd", _("rejected")


class DeclaratieRegel(models.Model):
    """One 323 line (a Prestatie). Denormalised (municipality, provider, product, month) so the
    monitor aggregates without joins."""

    declaratie = models.ForeignKey(Declaratie, on_delete=models.CASCADE, related_name="regels")
    toewijzing = models.ForeignKey(
        Toewijzing, null=True, blank=True, on_delete=models.PROTECT, related_name="regels"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="regels")
    # No single-column indexes on municipality, provider and product: lines are read by month
    # and municipality or provider (the indexes below), by provider through the unique
    # reference index, which starts with provider; each index costs every insert (ADR 0300).
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    product = models.ForeignKey(
        "producten.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    law = models.CharField(_("law"), max_length=4, choices=Law.choices)
    referentienummer = models.CharField(_("reference number"), max_length=40)
    vorig_referentienummer = models.CharField(
        _("previous reference number"), max_length=40, blank=True
    )
    toewijzingnummer = models.CharField(_("toewijzingnummer"), max_length=20)
    productcategorie = models.CharField(_("product category"), max_length=2)
    productcode = models.CharField(_("product code"), max_length=5)
    period_start = models.DateField(_("product period start"))
    period_end = models.DateField(_("product period end"))
    month = models.DateField(
        _("month"), help_text=_("First day of the month of the product period start.")
    )
    volume = models.PositiveIntegerField(_("delivered volume"))
    unit = models.CharField(_("unit"), max_length=2)
    tariff_cents = models.BigIntegerField(
        _("product tariff (eurocents)"), null=True, blank=True, help_text=_("None in euros (83).")
    )
    amount_cents = models.BigIntegerField(_("amount (eurocents)"))
    debit_credit = models.CharField(_("debit/credit"), max_length=1, default="D")
    status = models.CharField(_("status"), max_length=12, choices=LineStatus.choices)
    retourcodes = models.JSONField(_("return codes"), default=list, blank=True)

    class Meta:
        verbose_name = _("declaratieregel")
        verbose_name_plural = _("declaratieregels")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "law", "referentienummer"], name="regel_unique_reference"
            )
        ]
        indexes = [
            models.Index(fields=["month", "municipality"]),
            models.Index(fields=["month", "provider"]),
        ]

    def __str__(self) -> str:
        return self.referentienummer

    @property
    def signed_amount_cents(self) -> int:
        return -self.amount_cents if self.debit_credit == "C" else self.amount_cents


class VerzoekType(models.TextChoices):
    TOEWIJZING = "315", _("request for assignment (315)")
    WIJZIGING = "317", _("request for change (317)")


class Verzoek(models.Model):
    """A provider's request (315/317) and the municipality's answer (319)."""

    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.PROTECT, related_name="verzoeken"
    )
    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="verzoeken"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="verzoeken")
    law = models.CharField(_("law"), max_length=4, choices=Law.choices)
    kind = models.CharField(_("kind"), max_length=3, choices=VerzoekType.choices)
    referentie = models.CharField(_("reference"), max_length=40)
    received_on = models.DateField(_("received on"))
    details = models.JSONField(_("details"), default=dict, blank=True)
    answer = models.CharField(_("answer (319)"), max_length=2, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    # The toewijzingsdatum of the 301 whose ReferentieAanbieder is this request's (TR374: a
    # request is pending until it is rejected or honoured).
    honoured_on = models.DateField(_("honoured on (301)"), null=True, blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            # TR347: ReferentieAanbieder is unique for the provider within the law.
            models.UniqueConstraint(
                fields=["provider", "law", "referentie"], name="verzoek_unique_ref_per_law"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.referentie}"


class CareChange(models.Model):
    """A durable note that the care data changed, written in the same transaction as the
    change: the figures built from the care model (the monitor) are stale until a reader drains
    these notes (:mod:`zorgregio.zorg.hooks`). ``month`` is the first day of a month whose
    declaration lines changed; empty when only toewijzingen, leveringen or requests changed."""

    month = models.DateField(_("month"), null=True, blank=True)
    created_at = models.DateTimeField(_("noted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change of care data")
        verbose_name_plural = _("changes of care data")

    def __str__(self) -> str:
        return f"{self.month or '-'} ({self.created_at:%Y-%m-%d %H:%M})"


class RegieKind(models.TextChoices):
    START = "start", _("start (305)")
    STOP = "stop", _("stop (307)")


class Regiebericht(models.Model):
    """A start (305) or stop (307) without a ToewijzingNummer, accepted as a regiebericht where
    the product group is task-oriented in the municipality and the region agreed on such
    messages (``producten.GroupVariant.regieberichten``). It stands on its own ("staat op
    zichzelf"): no toewijzing, no declaration. The monitor counts a start as inflow and a stop
    as outflow of that task-oriented cell when no data delivery covers the month
    (docs/bekostiging.md)."""

    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.PROTECT, related_name="regieberichten"
    )
    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="regieberichten"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="regieberichten")
    law = models.CharField(_("law"), max_length=4, choices=Law.choices)
    kind = models.CharField(_("kind"), max_length=5, choices=RegieKind.choices)
    product = models.ForeignKey(
        "producten.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regieberichten",
    )
    group = models.ForeignKey(
        "producten.ProductGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regieberichten",
    )
    productcategorie = models.CharField(_("product category"), max_length=2, blank=True)
    productcode = models.CharField(_("product code"), max_length=5, blank=True)
    begindatum = models.DateField(_("start date"))
    einddatum = models.DateField(_("end date"), null=True, blank=True)
    reden_beeindiging = models.CharField(_("reason for ending"), max_length=2, blank=True)
    deleted = models.BooleanField(
        _("deleted"), default=False, help_text=_("StatusAanlevering 3: withdrawn by the provider.")
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("regiebericht")
        verbose_name_plural = _("regieberichten")
        indexes = [
            models.Index(fields=["provider", "client"]),
            models.Index(fields=["municipality", "begindatum"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.begindatum}"
