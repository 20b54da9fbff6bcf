"""Supervision (toezicht): signals computed from the contract register and the message traffic,
the cases (onderzoeken) they lead to, reported waiting times against norms and the results of
the client-satisfaction survey.

Signals are derived data: :func:`zorgregio.toezicht.services.recompute_signals` rebuilds them
from the rules in :mod:`zorgregio.toezicht.rules`, keeping a signal that is raised again (same
``key``) and marking one that is no longer raised as resolved. Cases are the officers' work and
are never rebuilt.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zorgregio.common.models import TimeStampedModel


class SignalThreshold(models.Model):
    """A threshold of a signal rule for a municipality (or, municipality empty, the whole
    region). A rule without a row uses its documented default (``rules.RULES``)."""

    region = models.ForeignKey("regio.Region", on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(
        "regio.Municipality",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every municipality of the region without its own value."),
    )
    rule = models.CharField(_("rule"), max_length=40)
    key = models.CharField(_("threshold"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("signal threshold")
        verbose_name_plural = _("signal thresholds")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "municipality", "rule", "key"], name="threshold_unique"
            ),
            models.UniqueConstraint(
                fields=["region", "rule", "key"],
                condition=models.Q(municipality__isnull=True),
                name="threshold_unique_regional",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}.{self.key} = {self.value}"


class Signal(models.Model):
    """One raised signal: which rule, about whom, the figures and the evidence that raised it."""

    rule = models.CharField(_("rule"), max_length=40, db_index=True)
    key = models.CharField(_("key"), max_length=200, unique=True)
    region = models.ForeignKey("regio.Region", on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(
        "regio.Municipality", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    provider = models.ForeignKey(
        "aanbieders.Provider", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "zorg.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product_group = models.ForeignKey(
        "producten.ProductGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        "producten.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    measure = models.FloatField(_("measured value"))
    threshold = models.FloatField(_("threshold"))
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    evidence = models.JSONField(
        _("evidence"),
        default=dict,
        blank=True,
        help_text=_("Ids of the declaration lines, toewijzingen and other records."),
    )
    active = models.BooleanField(_("still raised"), default=True)
    first_seen = models.DateTimeField(_("first raised"))
    last_seen = models.DateTimeField(_("last raised"))
    resolved_at = models.DateTimeField(_("no longer raised since"), null=True, blank=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-active", "rule", "-measure", "pk"]
        indexes = [models.Index(fields=["provider", "active"])]

    def __str__(self) -> str:
        return f"{self.rule} · {self.provider or self.municipality or ''}"

    @property
    def definition(self):
        from .rules import RULES

        return RULES.get(self.rule)


class CaseStatus(models.TextChoices):
    NEW = "nieuw", pgettext_lazy("case status", "new")
    INVESTIGATING = "in_onderzoek", pgettext_lazy("case status", "under investigation")
    FOUNDED = "gegrond", pgettext_lazy("case status", "founded")
    UNFOUNDED = "ongegrond", pgettext_lazy("case status", "unfounded")
    CLOSED = "afgehandeld", pgettext_lazy("case status", "closed")


class Case(TimeStampedModel):
    """An onderzoek into a provider, usually opened from a signal."""

    region = models.ForeignKey("regio.Region", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        "regio.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: a case of the regional team for the whole region."),
    )
    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="toezicht_cases"
    )
    signal = models.ForeignKey(
        Signal, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="toezicht_cases",
        verbose_name=_("officer"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_on = models.DateField(_("opened on"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class CaseEvent(models.Model):
    """A status change or a note of a case (its history; the audit trail has it too)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=14, blank=True)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=14, blank=True)
    text = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.to_status or self.text[:40]}"


def case_document_storage():
    """Case documents are stored encrypted (:mod:`.storage`)."""
    from .storage import encrypted_storage

    return encrypted_storage


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="toezicht/%Y/", storage=case_document_storage)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class MeasureKind(models.TextChoices):
    CONVERSATION = "gesprek", _("conversation")
    IMPROVEMENT_PLAN = "verbeterplan", _("improvement plan")
    RECOVERY = "terugvordering", _("recovery of payments")
    REPORT_INSPECTORATE = "melding", _("report to the inspectorate")
    SUSPENSION = "opschorting", _("suspension of the admission")


class Measure(models.Model):
    """A measure taken in a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("measure"), max_length=16, choices=MeasureKind.choices)
    amount_cents = models.BigIntegerField(_("amount (eurocents)"), null=True, blank=True)
    admission = models.ForeignKey(
        "contracten.Admission", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    taken_on = models.DateField(_("taken on"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["taken_on", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class WaitingTimeNorm(models.Model):
    """The norm per product group of a region (Treeknormen unless agreed otherwise)."""

    region = models.ForeignKey("regio.Region", on_delete=models.CASCADE, related_name="+")
    product_group = models.ForeignKey(
        "producten.ProductGroup", on_delete=models.CASCADE, related_name="+"
    )
    intake_weeks = models.DecimalField(
        _("norm to intake (weeks)"), max_digits=4, decimal_places=1, default=4
    )
    treatment_weeks = models.DecimalField(
        _("norm intake to start of care (weeks)"), max_digits=4, decimal_places=1, default=6
    )
    note = models.CharField(_("agreement"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("waiting-time norm")
        verbose_name_plural = _("waiting-time norms")
        constraints = [
            models.UniqueConstraint(fields=["region", "product_group"], name="norm_one_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.product_group}: {self.intake_weeks} + {self.treatment_weeks}"


MAX_WAITING_WEEKS = 104


class WaitingTimeReport(models.Model):
    """A provider's current waiting time for a product in a municipality (art. 3.5)."""

    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.CASCADE, related_name="waiting_time_reports"
    )
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey("producten.Product", on_delete=models.CASCADE, related_name="+")
    reported_on = models.DateField(_("reported on"))
    intake_weeks = models.DecimalField(
        _("waiting time to intake (weeks)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_WAITING_WEEKS)],
    )
    treatment_weeks = models.DecimalField(
        _("waiting time intake to start of care (weeks)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_WAITING_WEEKS)],
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reported waiting time")
        verbose_name_plural = _("reported waiting times")
        ordering = ["-reported_on", "-pk"]
        indexes = [models.Index(fields=["provider", "municipality", "product", "reported_on"])]

    def __str__(self) -> str:
        return f"{self.provider} · {self.product} · {self.reported_on}"


class StopRequestStatus(models.TextChoices):
    REQUESTED = "aangevraagd", pgettext_lazy("client stop", "requested")
    GRANTED = "toegestaan", pgettext_lazy("client stop", "granted")
    REFUSED = "geweigerd", pgettext_lazy("client stop", "refused")


class ClientStopRequest(models.Model):
    """A provider announces a client stop (art. 3.5.3); the region grants or refuses it. Granted,
    the admission goes to 'client stop' through the register's own transition."""

    admission = models.ForeignKey(
        "contracten.Admission", on_delete=models.CASCADE, related_name="+"
    )
    provider = models.ForeignKey("aanbieders.Provider", on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("from"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=StopRequestStatus.choices,
        default=StopRequestStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("client stop request")
        verbose_name_plural = _("client stop requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.admission} · {self.starts_on}"


class SatisfactionResult(models.Model):
    """The cliëntervaringsonderzoek of one provider, product group and year."""

    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.CASCADE, related_name="satisfaction_results"
    )
    product_group = models.ForeignKey(
        "producten.ProductGroup", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    respondents = models.PositiveIntegerField(_("respondents"))
    scores = models.JSONField(
        _("score per question"),
        default=dict,
        help_text=_("Question code -> mean score (1-10)."),
    )
    overall = models.DecimalField(_("overall score"), max_digits=3, decimal_places=1)

    class Meta:
        verbose_name = _("client satisfaction result")
        verbose_name_plural = _("client satisfaction results")
        ordering = ["provider", "product_group", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "product_group", "year"], name="satisfaction_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.product_group} {self.year}"


class ToezichtState(models.Model):
    """When the signals were last computed, and from which version of the monitor's facts."""

    computed_at = models.DateTimeField(null=True, blank=True)
    monitor_version = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    raised = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.computed_at}"
