"""Writes of users' roles and scope.

A change in /beheer/ that would give client-level access is not applied there: it becomes a
:class:`RoleChangeRequest` that a second person of the regional team approves (four eyes).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log

from .models import CLIENT_DATA_ROLES, RoleChangeRequest, RoleChangeStatus, User
from .scoping import scope_for


def scope_state(user: User, municipalities=None) -> dict:
    ids = (
        {m.pk for m in municipalities}
        if municipalities is not None
        else set(user.municipalities.values_list("pk", flat=True))
        if user.pk
        else set()
    )
    return {
        "role": user.role,
        "region": user.region_id,
        "provider": user.provider_id,
        "municipalities": sorted(ids),
    }


def grants_client_access(before: dict, after: dict) -> bool:
    """Whether going from ``before`` to ``after`` gives access to client data it did not
    have: a client-data role that is new, or one whose region, municipalities or provider
    changed."""
    return after["role"] in CLIENT_DATA_ROLES and before != after


@transaction.atomic
def role_change_request(*, actor, user: User, role, region, provider, municipalities):
    change = RoleChangeRequest.objects.create(
        user=user, role=role, region=region, provider=provider, requested_by=actor
    )
    change.municipalities.set(municipalities)
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=change,
        message=_("Role change asked for; it waits for approval by the regional team."),
        after=scope_state(
            User(role=role, region=region, provider=provider), municipalities=municipalities
        ),
    )
    return change


@transaction.atomic
def role_change_decide(*, actor, change: RoleChangeRequest, approve: bool) -> RoleChangeRequest:
    scope = scope_for(actor)
    if not scope.manages_region or change.region_id != scope.region_id:
        raise PermissionDenied(_("Only the regional team of the region may decide."))
    change = RoleChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status != RoleChangeStatus.PENDING:
        raise ValidationError(_("This role change was decided already."))
    if actor.pk in (change.requested_by_id, change.user_id):
        raise ValidationError(
            _("A second person decides: not the one who asked, nor the user concerned.")
        )
    user = change.user
    before = scope_state(user)
    if approve:
        user.role, user.region, user.provider = change.role, change.region, change.provider
        user.full_clean(exclude=["password"])
        user.save()
        user.municipalities.set(change.municipalities.all())
    change.status = RoleChangeStatus.APPROVED if approve else RoleChangeStatus.REJECTED
    change.decided_by, change.decided_at = actor, timezone.now()
    change.save()
    audit_log(
        actor=actor,
        action=AuditAction.DECISION,
        obj=user,
        message=_("Role change approved (four eyes).") if approve else _("Role change rejected."),
        before=before,
        after=scope_state(user),
    )
    return change
