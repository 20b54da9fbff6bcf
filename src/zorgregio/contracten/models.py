"""The contract register: the framework agreement and the providers admitted under it.

Only the core is defined here; the contract register issue adds the lifecycle, amendments,
bridging agreements, subcontractors and the provider dossier.
"""

import datetime as dt

from django.conf import settings
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
    extension_options = models.PositiveSmallIntegerField(
        _("number of extension options"), default=0
    )
    extension_months = models.PositiveSmallIntegerField(_("months per extension"), default=24)

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
    activated_on = models.DateField(
        _("activated on"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the admission first became active; an ended admission that was "
            "active keeps its (shortened) period for care delivered before the end."
        ),
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

    def state_on(self, day: dt.date) -> tuple[str, str]:
        """(status, label) as the admission stands on ``day``: an active admission that starts
        later is "active from 1 January 2027", one whose period is over "ended on ..." (the
        stored status is the lifecycle's; the period decides what holds on a date)."""
        from django.utils.formats import date_format

        if self.status in (AdmissionStatus.ACTIVE, AdmissionStatus.CLIENT_STOP):
            if day < self.valid_from:
                return "gepland", _("active from %(date)s") % {
                    "date": date_format(self.valid_from, "j F Y")
                }
            if self.valid_until is not None and day > self.valid_until:
                return AdmissionStatus.ENDED, _("ended on %(date)s") % {
                    "date": date_format(self.valid_until, "j F Y")
                }
        return self.status, self.get_status_display()


# --- Added by the contract register issue -------------------------------------------------

DELIVERABLE_STATUSES = (AdmissionStatus.ACTIVE, AdmissionStatus.CLIENT_STOP)


class AgreementExtension(models.Model):
    """An exercised extension option of the agreement (e.g. the first of 3 x 24 months)."""

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.CASCADE, related_name="extensions"
    )
    number = models.PositiveSmallIntegerField(_("extension number"))
    previous_end = models.DateField(_("previous end date"))
    new_end = models.DateField(_("new end date"))
    exercised_on = models.DateField(_("exercised on"))
    exercised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="extension_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} +{self.number}"


class AgreementDocument(models.Model):
    """A version of one of the contract documents (e.g. 'Overeenkomst', 'Productenboek')."""

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    reference = models.CharField(
        _("reference"), max_length=300, blank=True, help_text=_("File name or document number.")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        ordering = ["agreement", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "title", "version"], name="document_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class AdmissionTransition(models.Model):
    """One lifecycle step of an admission: from, to, on which date, why and by whom."""

    admission = models.ForeignKey(Admission, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=AdmissionStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=AdmissionStatus.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("admission status change")
        verbose_name_plural = _("admission status changes")
        ordering = ["admission", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.admission_id}: {self.from_status} -> {self.to_status}"


class AmendmentStatus(models.TextChoices):
    SUBMITTED = "ingediend", _("submitted")
    IN_REVIEW = "in_behandeling", _("in review")
    ACCEPTED = "aanvaard", _("accepted")
    REJECTED = "afgewezen", _("rejected")


class AmendmentParty(models.TextChoices):
    REGION = "regio", _("region")
    PROVIDER = "aanbieder", _("provider")


class Amendment(TimeStampedModel):
    """A change proposal during the term; accepted, its changes apply from ``effective_date``."""

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="amendments"
    )
    provider = models.ForeignKey(
        "aanbieders.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
        help_text=_("Empty: a change for the whole agreement."),
    )
    proposed_by = models.CharField(_("proposed by"), max_length=10, choices=AmendmentParty.choices)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    motivation = models.TextField(_("motivation"))
    articles = models.CharField(
        _("affected articles"), max_length=200, blank=True, help_text=_("E.g. 1.5, 3.2.")
    )
    effective_date = models.DateField(_("effective date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AmendmentStatus.choices,
        default=AmendmentStatus.SUBMITTED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AmendmentChangeKind(models.TextChoices):
    ADD = "toevoegen", _("add admission")
    END = "beeindigen", _("end admission")


class AmendmentChange(models.Model):
    """One change to the register that an amendment proposes."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=12, choices=AmendmentChangeKind.choices)
    admission = models.ForeignKey(
        Admission,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendment_changes",
        help_text=_("The admission to end, or the admission an accepted addition created."),
    )
    product = models.ForeignKey(
        "producten.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product_group = models.ForeignKey(
        "producten.ProductGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "regio.Municipality", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("amendment change")
        verbose_name_plural = _("amendment changes")

    def __str__(self) -> str:
        what = self.product or self.product_group or self.admission
        return f"{self.get_kind_display()}: {what} {self.municipality or ''}".strip()


class BridgingAgreement(TimeStampedModel):
    """Overbruggingsovereenkomst: named clients keep their care with a provider outside the
    new contract until ``valid_until``."""

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="bridging_agreements"
    )
    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="bridging_agreements"
    )
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.PROTECT, related_name="bridging_agreements"
    )
    product = models.ForeignKey(
        "producten.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clients = models.ManyToManyField("zorg.Client", blank=True, related_name="+")
    client_count = models.PositiveIntegerField(_("number of clients"), default=0)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("bridging agreement")
        verbose_name_plural = _("bridging agreements")
        ordering = ["provider", "valid_from"]

    def __str__(self) -> str:
        return f"{self.provider} · {self.municipality} → {self.valid_until}"


class ConsentStatus(models.TextChoices):
    REQUESTED = "aangevraagd", _("consent requested")
    GRANTED = "toegestaan", _("consent granted")
    REFUSED = "geweigerd", _("consent refused")
    WITHDRAWN = "ingetrokken", _("withdrawn")


class Subcontractor(TimeStampedModel):
    """An onderaannemer of a main contractor; needs the region's consent."""

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="subcontractors"
    )
    main_provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="subcontractors"
    )
    name = models.CharField(_("name"), max_length=200)
    kvk_number = models.CharField(_("KvK number"), max_length=8)
    scope_description = models.TextField(_("what it delivers"), blank=True)
    status = models.CharField(
        _("consent"),
        max_length=12,
        choices=ConsentStatus.choices,
        default=ConsentStatus.REQUESTED,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("subcontractor")
        verbose_name_plural = _("subcontractors")
        ordering = ["main_provider", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "main_provider", "kvk_number"],
                name="subcontractor_unique_per_main",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.main_provider})"


class ProviderDossier(TimeStampedModel):
    """Governance facts of a provider; legal form, KvK and AGB live on the provider itself."""

    provider = models.OneToOneField(
        "aanbieders.Provider", on_delete=models.CASCADE, related_name="dossier"
    )
    governance_code = models.BooleanField(_("applies the Governance Code Zorg"), default=False)
    wnt_applicable = models.BooleanField(_("falls under the WNT"), default=False)
    wnt_compliant = models.BooleanField(_("complies with the WNT"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("provider dossier")
        verbose_name_plural = _("provider dossiers")

    def __str__(self) -> str:
        return str(self.provider)


class EvidenceKind(models.TextChoices):
    GEDRAGSVERKLARING = "gva", _("Gedragsverklaring Aanbesteden")
    BELASTINGDIENST = "belastingdienst", _("Belastingdienst statement on payment behaviour")
    KVK_EXTRACT = "kvk", _("KvK extract")
    VOG = "vog", _("VOG (certificate of conduct)")
    QUALITY_MARK = "keurmerk", _("Quality mark")
    CERTIFICATE = "certificaat", _("Certificate")
    GOVERNANCE = "governance", _("Governance statement")


# Maximum age in months at receipt (model document, Toelatingsprocedure par. 4.3).
EVIDENCE_MAX_AGE_MONTHS = {
    EvidenceKind.GEDRAGSVERKLARING: 24,
    EvidenceKind.BELASTINGDIENST: 6,
    EvidenceKind.KVK_EXTRACT: 6,
    EvidenceKind.VOG: 12,
}


class Evidence(TimeStampedModel):
    """A piece of evidence in the provider dossier, valid until its maximum age is reached."""

    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    issued_on = models.DateField(_("issue date"))
    expires_on = models.DateField(
        _("valid until"),
        help_text=_("Issue date plus the maximum age, or the certificate's own end date."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["provider", "kind", "-issued_on"]
        indexes = [models.Index(fields=["expires_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.provider} ({self.issued_on})"


class EvidenceRequest(TimeStampedModel):
    """A request to a provider to renew expiring evidence."""

    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.CASCADE, related_name="evidence_requests"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    requested_on = models.DateField(_("requested on"))
    due_on = models.DateField(_("due on"))
    fulfilled_by = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence request")
        verbose_name_plural = _("evidence requests")
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.provider} ← {self.due_on}"


class MunicipalityContractOptions(models.Model):
    """The optional contract standard articles a municipality uses under the agreement."""

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.CASCADE, related_name="municipality_options"
    )
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.CASCADE, related_name="contract_options"
    )
    spending_ceiling = models.BooleanField(_("art. 1.5 spending ceiling"), default=False)
    warn_percent = models.PositiveSmallIntegerField(
        _("warning percentage of the ceiling"), default=70
    )
    activity_rule = models.BooleanField(
        _("art. 1.6 termination for too little activity"), default=False
    )
    activity_min_clients = models.PositiveIntegerField(
        _("minimum clients in the first 12 months"), default=1
    )
    activity_min_turnover_cents = models.BigIntegerField(
        _("minimum turnover in the first 12 months (eurocents)"), default=0
    )
    sroi = models.BooleanField(_("art. 1.9 social return"), default=False)
    sroi_conditions = models.TextField(_("SROI conditions"), blank=True)

    class Meta:
        verbose_name = _("contract options of a municipality")
        verbose_name_plural = _("contract options of municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "municipality"], name="options_one_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.municipality}"


class SpendingCeiling(models.Model):
    """Art. 1.5: the yearly spending ceiling (bestedingsruimte) of a provider in a municipality."""

    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.CASCADE, related_name="spending_ceilings"
    )
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.CASCADE, related_name="spending_ceilings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount_cents = models.BigIntegerField(_("ceiling (eurocents)"))
    intake_stop = models.BooleanField(_("intake stop"), default=False)

    class Meta:
        verbose_name = _("spending ceiling")
        verbose_name_plural = _("spending ceilings")
        ordering = ["provider", "municipality", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "municipality", "year"], name="ceiling_one_per_year"
            ),
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="ceiling_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.municipality} {self.year}"


class ActivityExceptionReason(models.TextChoices):
    SHORTAGE = "tekort", _("shortage of this care in the municipality")
    UNIQUE = "uniek", _("unique offer that would otherwise disappear")
    SATISFACTION = "tevredenheid", _("client satisfaction of 8.5 or higher")


class ActivityException(models.Model):
    """Art. 1.6.2: a reason not to terminate for too little activity."""

    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.CASCADE, related_name="activity_exceptions"
    )
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=14, choices=ActivityExceptionReason.choices)
    satisfaction = models.DecimalField(
        _("average satisfaction"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("activity exception")
        verbose_name_plural = _("activity exceptions")

    def __str__(self) -> str:
        return f"{self.provider} · {self.get_reason_display()}"


class SroiCommitment(models.Model):
    """Art. 1.9: what a provider committed to in social return, and what it realised."""

    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.CASCADE, related_name="sroi_commitments"
    )
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    commitment = models.TextField(_("commitment"))
    committed_cents = models.BigIntegerField(_("committed value (eurocents)"), default=0)
    realised_cents = models.BigIntegerField(_("realised value (eurocents)"), default=0)

    class Meta:
        verbose_name = _("SROI commitment")
        verbose_name_plural = _("SROI commitments")
        ordering = ["provider", "year"]

    def __str__(self) -> str:
        return f"{self.provider} {self.year}"
