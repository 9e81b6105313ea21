from django.contrib import admin

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "mime_type", "size", "complaint", "channel", "created_at")
    list_filter = ("kind", "channel")
    raw_id_fields = ("complaint", "reporter")
    readonly_fields = ("sha256", "size", "provider_id", "created_at")
