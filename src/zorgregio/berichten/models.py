"""The raw message archive: every received file, stored once by its checksum."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FileStatus(models.TextChoices):
    RECEIVED = "ontvangen", _("received")
    PROCESSING = "in_behandeling", _("processing")
    PROCESSED = "verwerkt", _("processed")
    REJECTED = "afgekeurd", _("rejected")


class MessageFile(models.Model):
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64, unique=True)
    name = models.CharField(_("file name"), max_length=255)
    size = models.BigIntegerField(_("size (bytes)"))
    stored_path = models.CharField(_("stored at"), max_length=500)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message_type = models.CharField(_("message type"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=FileStatus.choices, default=FileStatus.RECEIVED
    )
    errors = models.JSONField(_("errors"), default=list, blank=True)
    standard = models.CharField(_("standard"), max_length=4, blank=True)
    law = models.CharField(_("law"), max_length=4, blank=True)
    municipality = models.ForeignKey(
        "regio.Municipality", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.ForeignKey(
        "aanbieders.Provider", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    identificatie = models.CharField(_("message identification"), max_length=40, blank=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected items"), default=0)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    verdict = models.JSONField(
        _("verdict"),
        default=dict,
        blank=True,
        help_text=_("The rule that refused the message, or the refused items."),
    )

    class Meta:
        verbose_name = _("message file")
        verbose_name_plural = _("message files")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["identificatie", "message_type"])]  # TR056

    def __str__(self) -> str:
        return self.name


class BatchStatus(models.TextChoices):
    QUEUED = "wachtrij", _("queued")
    RUNNING = "bezig", _("running")
    DONE = "klaar", _("done")
    FAILED = "mislukt", _("failed")


class ImportBatch(models.Model):
    """One upload in the web app, processed in the background; holds its progress."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    upload_dir = models.CharField(_("upload folder"), max_length=500, blank=True)
    names = models.JSONField(_("file names"), default=list)
    items = models.JSONField(
        _("received files"),
        default=list,
        blank=True,
        help_text=_("Per file of the upload: its stored message file, or why it was refused."),
    )
    total_files = models.PositiveIntegerField(_("files"), default=0)
    done = models.FloatField(_("files done"), default=0)
    current_name = models.CharField(_("current file"), max_length=255, blank=True)
    results = models.JSONField(_("results"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk}"

    @property
    def percent(self) -> int:
        if not self.total_files:
            return 100 if self.status == BatchStatus.DONE else 0
        return min(100, int(100 * self.done / self.total_files))

    @property
    def finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)
