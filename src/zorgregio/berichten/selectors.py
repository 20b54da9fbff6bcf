"""Reads of the message archive, imports and declarations, scoped per role."""

from __future__ import annotations

from django.db.models import QuerySet

from zorgregio.accounts.scoping import UPLOAD_ROLES, scope_for
from zorgregio.zorg.models import Declaratie, DeclaratieRegel

from .models import ImportBatch, MessageFile

__all__ = ["UPLOAD_ROLES", "declaratie_lines", "declaraties", "import_batches", "message_files"]


def message_files(user) -> QuerySet[MessageFile]:
    """Files this user may see (the scope decides: by municipality and provider, and files
    refused before they named a municipality to who uploaded them)."""
    return (
        scope_for(user)
        .message_files(MessageFile.objects.all(), user)
        .select_related("municipality", "provider")
    )


def import_batches(user) -> QuerySet[ImportBatch]:
    return scope_for(user).import_batches(ImportBatch.objects.all(), user)


def declaraties(user) -> QuerySet[Declaratie]:
    """Declarations with their lines: client-level data, so only roles with client rights."""
    return scope_for(user).filter(
        Declaratie.objects.select_related("municipality", "provider", "source"),
        municipality="municipality",
        provider="provider",
        client_level=True,
    )


def declaratie_lines(declaratie: Declaratie) -> QuerySet[DeclaratieRegel]:
    return declaratie.regels.select_related("client", "toewijzing").order_by("client_id", "id")
