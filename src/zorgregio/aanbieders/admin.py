from django.contrib import admin

from zorgregio.audit.admin import AuditedModelAdmin

from .models import Provider, ProviderAddress


class AddressInline(admin.TabularInline):
    model = ProviderAddress
    extra = 0


@admin.register(Provider)
class ProviderAdmin(AuditedModelAdmin):
    list_display = ["name", "kvk_number", "agb_code", "legal_form"]
    list_filter = ["legal_form", "regions"]
    search_fields = ["name", "kvk_number", "agb_code"]
    inlines = [AddressInline]
