from django.contrib import admin

from .models import Code, CodeList


class CodeInline(admin.TabularInline):
    model = Code
    extra = 0


@admin.register(CodeList)
class CodeListAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "standard", "release"]
    list_filter = ["standard"]
    inlines = [CodeInline]
