"""What every service of the admission procedure shares: who may act, required text."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.accounts.scoping import scope_for


def now_or(moment=None):
    return moment or timezone.now()


def require_team(actor, procedure) -> None:
    """The regional team of the procedure's region (``actor=None`` is the system)."""
    if actor is None:
        return
    scope = scope_for(actor)
    if not scope.runs_procedures or scope.region_id != procedure.region_id:
        raise PermissionDenied(_("Only the regional team runs the admission procedure."))


def require_applicant(actor, application) -> None:
    """A user of the provider that made the application."""
    if actor is None:
        return
    scope = scope_for(actor)
    if (
        scope.provider_id is None
        or scope.provider_id != application.provider_id
        or scope.region_id != application.procedure.region_id
    ):
        raise PermissionDenied(_("Only the applicant may do this."))


def require_assessor(actor, application) -> None:
    """An assessor the application was assigned to (a member of the regional team)."""
    require_team(actor, application.procedure)
    if actor is not None and not application.assessors.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Only an assessor of this application may do this."))


def require_text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Fill in the %(field)s.") % {"field": label}})
    return value


def user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def today_or(day=None):
    return day or timezone.localdate()


def transition(obj, states, to_status: str, *, actor, message: str = "", fields=()) -> None:
    """Move ``obj`` to ``to_status`` if ``states`` allows it, save it (with ``fields``
    already set on it) and audit the step."""
    from zorgregio.audit.models import AuditAction
    from zorgregio.audit.services import audit_log, snapshot

    before = obj.status
    states.check(before, to_status)
    obj.status = to_status
    stamp = ["updated_at"] if hasattr(obj, "updated_at") else []
    obj.save(update_fields=["status", *fields, *stamp])
    audit_log(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=obj,
        message=message,
        before={"status": before},
        after={"status": to_status, **(snapshot(obj, fields) if fields else {})},
    )
