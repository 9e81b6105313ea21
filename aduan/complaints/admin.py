"""Configuration in the admin: categories, routing rules; complaints read-only.

Complaints change only through the named actions (staff pages, chat, tasks), so the
admin shows them without letting anyone edit a status by hand.
"""

from django.contrib import admin

from .models import Category, Complaint, Event, RoutingRule


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    raw_id_fields = ["region", "unit"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "owner", "owner_rule", "requires_after_photo",
                    "may_hold_identity", "is_emergency", "sort_order"]
    list_editable = ["sort_order"]
    list_filter = ["owner_rule", "requires_after_photo", "is_emergency"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["owner"]
    inlines = [RoutingRuleInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "region", "unit", "priority"]
    list_filter = ["category"]
    raw_id_fields = ["region", "unit"]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor_label", "note", "public"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["ref", "status", "category", "owner", "urgency", "created_at", "next_due"]
    list_filter = ["status", "urgency", "channel", "category"]
    search_fields = ["ref"]
    date_hierarchy = "created_at"
    inlines = [EventInline]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
