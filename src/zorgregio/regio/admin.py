from django.contrib import admin

from zorgregio.audit.admin import AuditedModelAdmin

from .models import Inhabitants, Municipality, Region


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MunicipalityInline]


class InhabitantsInline(admin.TabularInline):
    model = Inhabitants
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(AuditedModelAdmin):
    list_display = ["cbs_code", "name", "province", "region"]
    list_filter = ["region", "province"]
    search_fields = ["cbs_code", "name"]
    inlines = [InhabitantsInline]
