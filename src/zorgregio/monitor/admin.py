from django.contrib import admin

from .models import Budget, MonitorState


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["year", "municipality", "product_group", "amount_cents"]
    list_filter = ["year", "municipality", "product_group"]


@admin.register(MonitorState)
class MonitorStateAdmin(admin.ModelAdmin):
    list_display = ["version", "refreshed_at", "complete_until", "seconds"]
    readonly_fields = ["version", "refreshed_at", "complete_until", "seconds"]
