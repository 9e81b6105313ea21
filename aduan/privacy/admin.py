"""Retention policies are editable; the access log and retention runs are read-only."""

from django.contrib import admin

from .models import IdentityView, RetentionPolicy, RetentionRun


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "webhook_body_days", "photo_original_days",
                    "reporter_contact_days"]
    raw_id_fields = ["city"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnly):
    list_display = ["started_at", "finished_at", "removed"]


@admin.register(IdentityView)
class IdentityViewAdmin(ReadOnly):
    list_display = ["created_at", "user_label", "complaint", "fields", "via", "reason"]
    list_filter = ["via"]
    search_fields = ["user_label", "complaint__ref", "reason"]
    list_select_related = ["complaint"]
    date_hierarchy = "created_at"
