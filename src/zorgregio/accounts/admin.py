from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zorgregio.audit.admin import AuditedModelAdmin

from . import services
from .models import ApiToken, RoleChangeRequest, User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    """Users. A change of role or scope that gives client-level access is not applied here:
    it waits for a second person of the regional team (Set-up, Role changes)."""

    list_display = ["username", "get_full_name", "role", "region", "provider", "is_active"]
    list_filter = ["role", "region", "is_active"]
    filter_horizontal = ["municipalities", "groups", "user_permissions"]
    readonly_fields = ["oidc_subject"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            gettext_lazy("Role and scope"),
            {"fields": ["role", "region", "municipalities", "provider", "oidc_subject"]},
        ),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (gettext_lazy("Role and scope"), {"fields": ["role", "region", "provider"]}),
    ]

    def save_model(self, request, obj, form, change):
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        before = services.scope_state(stored) if stored else services.scope_state(User())
        municipalities = form.cleaned_data.get("municipalities")
        if municipalities is None:
            municipalities = list(stored.municipalities.all()) if stored else []
        after = services.scope_state(obj, municipalities=municipalities)
        self._pending = None
        if services.grants_client_access(before, after):
            self._pending = {
                "role": obj.role,
                "region": obj.region,
                "provider": obj.provider,
                "municipalities": list(municipalities),
                "keep": list(stored.municipalities.all()) if stored else [],
            }
            obj.role = stored.role if stored else ""
            obj.provider = stored.provider if stored else None
            obj.region = stored.region if stored else obj.region
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pending = getattr(self, "_pending", None)
        if pending is None:
            return
        user = form.instance
        user.municipalities.set(pending.pop("keep"))
        services.role_change_request(actor=request.user, user=user, **pending)
        messages.warning(
            request,
            _(
                "The role and scope give access to client data, so they are not applied yet: "
                "a second person of the regional team must approve them (Set-up, Role changes)."
            ),
        )


@admin.register(RoleChangeRequest)
class RoleChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "status", "requested_by", "requested_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made with ``zorgregio api-token``; here they can be seen and revoked."""

    list_display = ["name", "user", "prefix", "created_at", "expires_on", "last_used_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    exclude = ["key_hash"]

    def has_add_permission(self, request):
        return False
