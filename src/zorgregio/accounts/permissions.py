from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .scoping import scope_for


class HasRole(BasePermission):
    """API: an authenticated user with a role. Data is then scoped by the selectors."""

    message = _("Your account has no role yet. Ask the regional team to assign one.")

    def has_permission(self, request, view) -> bool:
        return scope_for(request.user).has_role


class ManagesRegion(HasRole):
    message = _("Only the regional team may do this.")

    def has_permission(self, request, view) -> bool:
        return scope_for(request.user).manages_region


class ProposesAmendments(HasRole):
    message = _("Only the regional team and the provider itself propose contract amendments.")

    def has_permission(self, request, view) -> bool:
        return scope_for(request.user).proposes_amendments


class RoleRequiredMixin:
    """Views: login required, a role required, optionally one of ``allowed_roles``."""

    allowed_roles: tuple[str, ...] | None = None

    def dispatch(self, request, *args, **kwargs):
        from django.contrib.auth.views import redirect_to_login

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.scope = scope_for(request.user)
        if not self.scope.has_role:
            raise PermissionDenied(HasRole.message)
        if self.allowed_roles is not None and self.scope.role not in self.allowed_roles:
            raise PermissionDenied(_("Your role does not give access to this page."))
        return super().dispatch(request, *args, **kwargs)
