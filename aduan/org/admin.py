from django.contrib import admin

from .models import Official, Unit


class OfficialInline(admin.TabularInline):
    model = Official
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]
    raw_id_fields = ["parent", "region"]
    inlines = [OfficialInline]


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["title", "user__username", "unit__name"]
    raw_id_fields = ["user", "unit"]
