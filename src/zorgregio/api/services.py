"""Write endpoints call the same services as the screens; this turns a service's refusal into
the API's answer: a ValidationError is 400 with the Dutch messages per field, PermissionDenied
is 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import exceptions


def call_service(function, **kwargs):
    try:
        return function(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise exceptions.ValidationError(exc.message_dict) from exc
        raise exceptions.ValidationError({"detail": exc.messages}) from exc
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc


class WritesByRegionMixin:
    """Reads for every role (scoped by the queryset), writes only for the regional team."""

    def get_permissions(self):
        from zorgregio.accounts.permissions import HasRole, ManagesRegion

        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [HasRole()]
        return [ManagesRegion()]
