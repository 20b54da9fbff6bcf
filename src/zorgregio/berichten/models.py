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

    class Meta:
        verbose_name = _("message file")
        verbose_name_plural = _("message files")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.name
