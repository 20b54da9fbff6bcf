from django.contrib import admin

from .models import AuditAction, AuditEvent
from .services import audit_log, snapshot

# The business data: in /beheer/ only the regional team changes it; the administrator, a
# technical role, reads it at most (issue 11.9).
BUSINESS_APPS = {"regio", "aanbieders", "producten", "contracten", "zorg", "berichten", "monitor"}


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose additions, changes and deletions go to the audit trail too."""

    def _business_refused(self, request) -> bool:
        from zorgregio.accounts.scoping import scope_for

        return (
            self.model._meta.app_label in BUSINESS_APPS
            and not scope_for(request.user).manages_region
        )

    def has_add_permission(self, request, *args):
        return not self._business_refused(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return not self._business_refused(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._business_refused(request) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            before = snapshot(type(obj).objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            message="beheer",
            before=before,
            after=snapshot(obj),
        )

    def delete_model(self, request, obj):
        audit_log(
            actor=request.user,
            action=AuditAction.DELETE,
            obj=obj,
            message="beheer",
            before=snapshot(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_log(
                actor=request.user,
                action=AuditAction.DELETE,
                obj=obj,
                message="beheer",
                before=snapshot(obj),
            )
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "actor_name", "action", "object_repr", "message"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_name", "object_repr", "message"]
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
