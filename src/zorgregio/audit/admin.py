from django.contrib import admin

from .models import AuditAction, AuditEvent
from .services import audit_log, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose additions, changes and deletions go to the audit trail too."""

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
