"""Reads of the message archive, imports and declarations, scoped per role."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zorgregio.accounts.models import Role
from zorgregio.accounts.scoping import scope_for
from zorgregio.zorg.models import Declaratie, DeclaratieRegel

from .models import ImportBatch, MessageFile

UPLOAD_ROLES = (Role.REGIONAL, Role.MUNICIPALITY)


def message_files(user) -> QuerySet[MessageFile]:
    """Files this user may see: by municipality/provider, plus the files they uploaded; the
    regional team also sees refused files that name no municipality."""
    scope = scope_for(user)
    if not scope.has_role or scope.role not in (Role.REGIONAL, Role.MUNICIPALITY, Role.PROVIDER):
        return MessageFile.objects.none()
    scoped = scope.filter(
        MessageFile.objects.all(), municipality="municipality", provider="provider"
    ).values("pk")
    condition = Q(pk__in=scoped) | Q(uploaded_by=user)
    if scope.role == Role.REGIONAL:
        condition |= Q(municipality__isnull=True)
    return MessageFile.objects.filter(condition).select_related("municipality", "provider")


def import_batches(user) -> QuerySet[ImportBatch]:
    scope = scope_for(user)
    if scope.role == Role.REGIONAL:
        return ImportBatch.objects.all()
    if scope.role == Role.MUNICIPALITY:
        return ImportBatch.objects.filter(created_by=user)
    return ImportBatch.objects.none()


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
