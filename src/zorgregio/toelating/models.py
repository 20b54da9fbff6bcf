"""The Open House admission procedure (toelatingsprocedure), from publication to admission.

A :class:`Procedure` admits providers to a framework agreement of the contract register. It
publishes versioned documents, the product groups (percelen) that can be applied for, the
planning and the questionnaire (:class:`Requirement`). Municipalities add their own thresholds
(:class:`Threshold`, seed 000 ch. 6). Providers ask questions (:class:`Question`), answered in
numbered Nota's van Inlichtingen (:class:`Nota`), and apply (:class:`Application`). The
assessment committee records verdicts per requirement (:class:`Verdict`) in three steps, may
request evidence (:class:`EvidenceRequest`), and decides per product group and municipality
(:class:`Decision`, :class:`DecisionLine`). A final decision creates the admissions in the
register (:class:`DecisionAdmission` links each one to its origin).

Lifecycles are guarded by :mod:`.states`; writes go through :mod:`.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgregio.common.models import TimeStampedModel
from zorgregio.common.periods import ValidityPeriod, ValidityQuerySet
from zorgregio.common.validators import validate_kvk_number
from zorgregio.regio.models import Law

USER = settings.AUTH_USER_MODEL


class StoredFile(models.Model):
    """A file kept in the encrypted store (:mod:`.storage`)."""

    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    storage_key = models.CharField(_("storage key"), max_length=100, unique=True, editable=False)

    class Meta:
        abstract = True


# --- the procedure ----------------------------------------------------------------------------


class ProcedureStatus(models.TextChoices):
    DRAFT = "concept", _("draft")
    PUBLISHED = "gepubliceerd", _("published")
    CLOSED = "gesloten", _("closed")


class Procedure(TimeStampedModel):
    """A toelatingsprocedure for a framework agreement (Open House: no ranking, every provider
    that meets the requirements is admitted)."""

    region = models.ForeignKey(
        "regio.Region", on_delete=models.PROTECT, related_name="admission_procedures"
    )
    agreement = models.ForeignKey(
        "contracten.FrameworkAgreement",
        verbose_name=_("framework agreement"),
        on_delete=models.PROTECT,
        related_name="admission_procedures",
    )
    title = models.CharField(_("title"), max_length=200)
    reference = models.SlugField(
        _("short reference"),
        max_length=40,
        unique=True,
        help_text=_("Short code that numbers the applications, e.g. wmo-2027."),
    )
    law = models.CharField(_("law"), max_length=4, choices=Law.choices, default=Law.WMO)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProcedureStatus.choices, default=ProcedureStatus.DRAFT
    )
    question_deadline = models.DateTimeField(
        _("deadline for questions"), help_text=_("Questions can be asked until this moment.")
    )
    nota_planned_on = models.DateField(
        _("planned publication of the Nota van Inlichtingen"), null=True, blank=True
    )
    admission_start = models.DateField(
        _("admissions start on"), help_text=_("The usual start date of the admissions decided.")
    )
    evidence_term_days = models.PositiveSmallIntegerField(
        _("term for additional evidence (days)"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("Model document: 14 calendar days unless stated otherwise."),
    )
    objection_days = models.PositiveSmallIntegerField(
        _("objection period (days)"),
        default=20,
        help_text=_(
            "Calendar days after a decision in which a provider can object (kort geding: 20)."
        ),
    )
    court = models.CharField(
        _("competent court"),
        max_length=150,
        blank=True,
        help_text=_("For the objection route in decision letters, e.g. Rechtbank Gelderland."),
    )
    min_assessors = models.PositiveSmallIntegerField(
        _("assessors per application"),
        default=2,
        validators=[MinValueValidator(2)],
        help_text=_("At least two: four eyes."),
    )
    committee = models.ManyToManyField(
        USER,
        verbose_name=_("assessment committee"),
        blank=True,
        related_name="admission_committees",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("admission procedure")
        verbose_name_plural = _("admission procedures")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in (ProcedureStatus.PUBLISHED, ProcedureStatus.CLOSED)


class ProcedureContact(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["procedure", "name"]

    def __str__(self) -> str:
        return self.name


class ApplicationWindow(models.Model):
    """A period in which applications can be submitted; outside every window nothing can."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="windows")
    label = models.CharField(_("name"), max_length=150)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at (deadline)"))

    class Meta:
        verbose_name = _("application window")
        verbose_name_plural = _("application windows")
        ordering = ["procedure", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="window_closes_later"
            )
        ]

    def __str__(self) -> str:
        return self.label


class DocumentKind(models.TextChoices):
    PURCHASING = "inkoopdocument", _("purchasing document (inkoopdocument)")
    DRAFT_AGREEMENT = "conceptovereenkomst", _("draft agreement (conceptovereenkomst)")
    REQUIREMENTS = "programma_van_eisen", _("programme of requirements (programma van eisen)")
    UEA = "uea", _("UEA form")
    OTHER = "overig", _("other document")


class ProcedureDocument(StoredFile):
    """One version of a procedure document; versions count up per title."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("procedure document")
        verbose_name_plural = _("procedure documents")
        ordering = ["procedure", "kind", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "title", "version"], name="procedure_document_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Lot(models.Model):
    """A perceel: a product group, with the products of it that can be applied for."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("number"))
    product_group = models.ForeignKey(
        "producten.ProductGroup",
        verbose_name=_("product group"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    products = models.ManyToManyField(
        "producten.Product", verbose_name=_("products"), related_name="+"
    )

    class Meta:
        verbose_name = _("lot (perceel)")
        verbose_name_plural = _("lots (percelen)")
        ordering = ["procedure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="lot_number_unique"),
            models.UniqueConstraint(fields=["procedure", "product_group"], name="lot_group_unique"),
        ]

    def __str__(self) -> str:
        return f"{_('Lot')} {self.number}: {self.product_group}"


# --- the questionnaire ------------------------------------------------------------------------


class Step(models.IntegerChoices):
    """The three steps of the assessment (model document, Beoordeling)."""

    EXCLUSION = 1, _("Step 1: exclusion grounds")
    SUITABILITY = 2, _("Step 2: suitability requirements")
    PERFORMANCE = 3, _("Step 3: performance requirements")


class QuestionType(models.TextChoices):
    YES_NO = "ja_nee", _("yes/no")
    VALUE = "waarde", _("value with a threshold")
    CHOICE = "keuze", _("choice")
    TEXT = "tekst", _("open text")
    FILE = "bestand", _("file upload (evidence only)")
    DECLARATION = "verklaring", _("declaration")


class EvidenceMoment(models.TextChoices):
    NONE = "", _("no evidence")
    WITH_APPLICATION = "bij_aanvraag", _("with the application")
    ON_REQUEST = "op_verzoek", _("on request of the region")


class EvidenceParties(models.TextChoices):
    """Who supplies the evidence (model document, Bijlage 1, column 'Door wie?')."""

    APPLICANT = "aanvrager", _("the applicant")
    MEMBERS = "combinanten", _("the applicant and every member of a combination")
    EVERYONE = "iedereen", _("the applicant, every member and every subcontractor")


class Requirement(models.Model):
    """One question of the questionnaire: an exclusion ground (UEA), a suitability
    requirement (G1.., per lot S1G1..) or the acceptance of the performance requirements.

    A requirement with a ``municipality`` is a threshold of that municipality (an extra
    suitability requirement for the lot's product group): it applies only to applications
    that include that municipality and group.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="requirements")
    lot = models.ForeignKey(
        Lot,
        verbose_name=_("lot"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requirements",
        help_text=_("Empty: a general requirement for every application."),
    )
    municipality = models.ForeignKey(
        "regio.Municipality",
        verbose_name=_("only for municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step = models.PositiveSmallIntegerField(_("assessment step"), choices=Step.choices)
    code = models.CharField(_("number"), max_length=20, help_text=_("E.g. UEA, G1, S1G2."))
    text = models.TextField(_("requirement"))
    guidance = models.TextField(_("explanation"), blank=True)
    question_type = models.CharField(
        _("question type"), max_length=12, choices=QuestionType.choices
    )
    required = models.BooleanField(_("an answer is required"), default=True)
    knockout = models.BooleanField(
        _("knock-out"),
        default=False,
        help_text=_(
            "A yes/no answer other than the expected one means the requirement is not met."
        ),
    )
    expected_yes = models.BooleanField(_("expected answer is yes"), default=True)
    min_value = models.DecimalField(
        _("minimum value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    choices = models.JSONField(_("options"), default=list, blank=True)
    accepted_choices = models.JSONField(
        _("options that meet the requirement"),
        default=list,
        blank=True,
        help_text=_("Empty: every option meets it."),
    )
    evidence = models.CharField(
        _("evidence"), max_length=12, choices=EvidenceMoment.choices, blank=True, default=""
    )
    evidence_kind = models.CharField(_("kind of evidence"), max_length=100, blank=True)
    max_age_months = models.PositiveSmallIntegerField(
        _("maximum age of the evidence (months)"),
        null=True,
        blank=True,
        help_text=_("At the moment the region receives it; empty: no maximum."),
    )
    parties = models.CharField(
        _("evidence from"),
        max_length=12,
        choices=EvidenceParties.choices,
        default=EvidenceParties.APPLICANT,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["procedure", "step", "lot__number", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "code"], name="requirement_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @property
    def needs_evidence(self) -> bool:
        return bool(self.evidence)


# --- thresholds (drempels) per municipality ----------------------------------------------------


class ThresholdKind(models.TextChoices):
    ENTRY_WINDOWS = "toetredingsmomenten", _("entry windows")
    CLOSED = "gesloten", _("closed for new entrants")
    EXTRA_REQUIREMENT = "extra_eis", _("extra suitability requirement")
    MIN_TURNOVER = "minimale_omzet", _("minimum turnover")
    INTENSITIES = "intensiteiten", _("several intensities required")


class Threshold(ValidityPeriod, TimeStampedModel):
    """A drempel of one municipality for one product group (or, where the kind allows, all of
    them), for applications received within its period."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="thresholds")
    municipality = models.ForeignKey(
        "regio.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    product_group = models.ForeignKey(
        "producten.ProductGroup",
        verbose_name=_("product group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every product group (entry windows and minimum turnover only)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ThresholdKind.choices)
    motivation = models.TextField(
        _("motivation"), help_text=_("Why the municipality sets it, e.g. 'sufficient supply'.")
    )
    max_per_year = models.PositiveSmallIntegerField(
        _("entry windows per year at most"), null=True, blank=True
    )
    min_turnover_cents = models.BigIntegerField(
        _("minimum yearly turnover (eurocents)"), null=True, blank=True
    )
    min_intensities = models.PositiveSmallIntegerField(
        _("intensities to apply for at least"), null=True, blank=True
    )
    requirement = models.OneToOneField(
        Requirement,
        verbose_name=_("extra requirement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threshold",
    )
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("threshold (drempel)")
        verbose_name_plural = _("thresholds (drempels)")
        ordering = ["procedure", "municipality__name", "kind", "valid_from"]

    def __str__(self) -> str:
        group = self.product_group or _("every product group")
        return f"{self.municipality} · {group}: {self.get_kind_display()}"


class EntryWindow(models.Model):
    """An entry moment (toetredingsmoment) of an entry-window threshold: applications received
    from ``opens_on`` to ``closes_on`` (or before, waiting for it) start on ``admission_from``."""

    threshold = models.ForeignKey(Threshold, on_delete=models.CASCADE, related_name="windows")
    opens_on = models.DateField(_("applications from"))
    closes_on = models.DateField(_("applications until"))
    admission_from = models.DateField(_("admission from"))

    class Meta:
        verbose_name = _("entry window")
        verbose_name_plural = _("entry windows")
        ordering = ["threshold", "opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="entry_window_order",
            ),
            models.CheckConstraint(
                condition=models.Q(admission_from__gt=models.F("closes_on")),
                name="entry_window_admission_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opens_on:%d-%m-%Y} – {self.closes_on:%d-%m-%Y}"


# --- questions and the Nota van Inlichtingen -------------------------------------------------


class Nota(models.Model):
    """A Nota van Inlichtingen: the answered questions published to every provider, without
    the askers. Numbered per procedure; each is a version of the answers so far."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="notas")
    number = models.PositiveSmallIntegerField(_("number"))
    intro = models.TextField(_("introduction"), blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf_key = models.CharField(max_length=100, editable=False)
    pdf_sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("Nota van Inlichtingen")
        verbose_name_plural = _("Nota's van Inlichtingen")
        ordering = ["procedure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="nota_number_unique")
        ]

    def __str__(self) -> str:
        return f"Nota van Inlichtingen {self.number}"


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "beantwoord", _("answered")
    PUBLISHED = "gepubliceerd", _("published")


class Question(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="questions")
    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="procedure_questions"
    )
    asked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked at"))
    reference = models.CharField(
        _("about"), max_length=200, blank=True, help_text=_("Document and paragraph, e.g. 3.4.")
    )
    text = models.TextField(_("question"))
    confidential = models.BooleanField(_("confidential"), default=False)
    confidential_reason = models.TextField(_("reason for confidentiality"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    public_text = models.TextField(
        _("question as published"),
        blank=True,
        help_text=_("The question without anything that identifies the asker."),
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    nota = models.ForeignKey(
        Nota, null=True, blank=True, on_delete=models.PROTECT, related_name="questions"
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["procedure", "number", "asked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="question_number_unique")
        ]

    def __str__(self) -> str:
        return f"{_('Question')} {self.number or self.pk}"


# --- applications -----------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    DRAFT = "concept", _("draft")
    SUBMITTED = "ingediend", _("submitted")
    IN_ASSESSMENT = "in_beoordeling", _("in assessment")
    EVIDENCE_REQUESTED = "aanvulling_gevraagd", _("evidence requested")
    DECIDED = "besluit", _("decision taken (not yet final)")
    FINAL = "definitief", _("decided (final)")
    WITHDRAWN = "ingetrokken", _("withdrawn")


class Participation(models.TextChoices):
    ALONE = "zelfstandig", _("on its own")
    SUBCONTRACTORS = "hoofdaannemer", _("as main contractor with subcontractors")
    COMBINATION = "combinatie", _("as lead partner (penvoerder) of a combination")


class Application(TimeStampedModel):
    """A verzoek tot deelneming: a draft over several visits, immutable once submitted."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="applications")
    provider = models.ForeignKey(
        "aanbieders.Provider", on_delete=models.PROTECT, related_name="admission_applications"
    )
    number = models.CharField(_("number"), max_length=50, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    participation = models.CharField(
        _("applies"), max_length=14, choices=Participation.choices, default=Participation.ALONE
    )
    turnover_cents = models.BigIntegerField(
        _("turnover last financial year (eurocents)"), null=True, blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    receipt_key = models.CharField(max_length=100, blank=True, editable=False)
    receipt_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    assessors = models.ManyToManyField(
        USER, verbose_name=_("assessors"), blank=True, related_name="assessed_applications"
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.provider}"


class ApplicationLine(models.Model):
    """One product in one municipality applied for."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("producten.Product", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("product applied for")
        verbose_name_plural = _("products applied for")
        ordering = ["application", "product__group__name", "product__intensity_rank", "product_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "product", "municipality"], name="application_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.municipality}"


class PartyKind(models.TextChoices):
    MEMBER = "combinant", _("member of the combination")
    SUBCONTRACTOR = "onderaannemer", _("subcontractor")


class ApplicationParty(models.Model):
    """A member of the combination or a subcontractor named in the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("kind"), max_length=14, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    kvk_number = models.CharField(_("KvK number"), max_length=8, validators=[validate_kvk_number])
    description = models.CharField(_("what it contributes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["application", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kvk_number"], name="application_party_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="answers")
    yes = models.BooleanField(_("yes"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    choice = models.CharField(_("choice"), max_length=200, blank=True)
    text = models.TextField(_("answer"), blank=True)
    declared = models.BooleanField(_("declared"), default=False)
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["application", "requirement"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application.number} {self.requirement.code}"


class EvidenceFile(StoredFile):
    """A piece of evidence, stored encrypted; its age is checked at the date of receipt."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="evidence_files"
    )
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, related_name="evidence_files"
    )
    party = models.ForeignKey(
        ApplicationParty,
        verbose_name=_("of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_files",
        help_text=_("Empty: of the applicant."),
    )
    issued_on = models.DateField(_("date of the document"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField(
        _("received on"),
        null=True,
        blank=True,
        help_text=_("The submission date, or the upload date of evidence supplied later."),
    )
    request = models.ForeignKey(
        "EvidenceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["application", "requirement", "uploaded_at"]

    def __str__(self) -> str:
        return self.file_name


class RequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    FULFILLED = "aangeleverd", _("supplied")
    LAPSED = "verlopen", _("lapsed")


class EvidenceRequest(models.Model):
    """A request for additional evidence; the provider has ``Procedure.evidence_term_days``."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="evidence_requests"
    )
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, related_name="evidence_requests"
    )
    description = models.TextField(_("what is requested"))
    requested_on = models.DateField(_("requested on"))
    due_on = models.DateField(_("to be supplied by"))
    requested_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    fulfilled_on = models.DateField(_("supplied on"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for additional evidence")
        verbose_name_plural = _("requests for additional evidence")
        ordering = ["application", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.requirement.code} ← {self.due_on:%d-%m-%Y}"


# --- assessment and decision ------------------------------------------------------------------


class VerdictOutcome(models.TextChoices):
    MET = "voldoet", _("meets the requirement")
    NOT_MET = "voldoet_niet", _("does not meet the requirement")


class Verdict(models.Model):
    """One assessor's verdict on one requirement of one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="verdicts")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("verdict"), max_length=14, choices=VerdictOutcome.choices)
    motivation = models.TextField(_("motivation"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        ordering = ["application", "requirement", "assessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement", "assessor"], name="verdict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.get_outcome_display()}"


class DecisionStatus(models.TextChoices):
    PROPOSED = "voorgenomen", _("proposed (voorgenomen)")
    OBJECTION = "bezwaar", _("objection lodged")
    FINAL = "definitief", _("final")
    WITHDRAWN = "ingetrokken", _("withdrawn")


class Decision(TimeStampedModel):
    """The decision on an application, per product group and municipality (its lines)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("number"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DecisionStatus.choices,
        default=DecisionStatus.PROPOSED,
    )
    motivation = models.TextField(_("motivation"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_date = models.DateField(_("admissions start on"))
    objection_until = models.DateField(_("objection possible until"))
    finalised_on = models.DateField(_("final on"), null=True, blank=True)
    letter_key = models.CharField(max_length=100, editable=False)
    letter_sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="decision_number_unique")
        ]
        indexes = [models.Index(fields=["status", "objection_until"])]

    def __str__(self) -> str:
        return f"{_('Decision')} {self.application.number}/{self.number}"


class LineOutcome(models.TextChoices):
    ADMITTED = "toegelaten", _("admitted")
    REFUSED = "afgewezen", _("refused admission")


class DecisionLine(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="lines")
    product_group = models.ForeignKey(
        "producten.ProductGroup", on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "regio.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    products = models.ManyToManyField("producten.Product", related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=LineOutcome.choices)
    motivation = models.TextField(_("motivation"), blank=True)
    start_date = models.DateField(_("admission from"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision line")
        verbose_name_plural = _("decision lines")
        ordering = ["decision", "product_group__name", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "product_group", "municipality"], name="decision_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_group} · {self.municipality}: {self.get_outcome_display()}"


class DecisionAdmission(models.Model):
    """The admission in the contract register that a final decision line created."""

    line = models.ForeignKey(DecisionLine, on_delete=models.PROTECT, related_name="admissions")
    admission = models.OneToOneField(
        "contracten.Admission", on_delete=models.PROTECT, related_name="admission_origin"
    )

    class Meta:
        verbose_name = _("admission from a decision")
        verbose_name_plural = _("admissions from decisions")

    def __str__(self) -> str:
        return f"{self.line.decision} → {self.admission_id}"


class ObjectionKind(models.TextChoices):
    COMPLAINT = "klacht", _("complaint to the region")
    DISPUTES = "geschillencommissie", _("Geschillencommissie Sociaal Domein")
    SUMMARY = "kort_geding", _("kort geding (summary proceedings)")


class ObjectionStatus(models.TextChoices):
    LODGED = "ingediend", _("lodged")
    UPHELD = "gegrond", _("upheld")
    DISMISSED = "ongegrond", _("dismissed")


class Objection(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="objections")
    kind = models.CharField(_("kind"), max_length=20, choices=ObjectionKind.choices)
    grounds = models.TextField(_("grounds"))
    lodged_on = models.DateField(_("lodged on"))
    registered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.LODGED,
    )
    outcome_note = models.TextField(_("outcome"), blank=True)
    handled_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_on = models.DateField(_("handled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["decision", "lodged_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.lodged_on:%d-%m-%Y})"
