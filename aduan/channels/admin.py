from django import forms
from django.contrib import admin

from .models import ChannelAccount, InboundEvent, OutboxMessage
from .outbox import retry_parked


class AccountForm(forms.ModelForm):
    """The token is write-only: shown masked, kept unless a new one is typed."""

    token = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                            help_text="Kosongkan untuk mempertahankan token yang tersimpan.")
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                             help_text="Kosongkan untuk mempertahankan rahasia yang tersimpan.")

    class Meta:
        model = ChannelAccount
        fields = ["kind", "account_id", "name", "token", "secret", "unit", "settings",
                  "is_active"]

    def clean_token(self):
        return self.cleaned_data["token"] or (self.instance.token if self.instance.pk else "")

    def clean_secret(self):
        return self.cleaned_data["secret"] or (self.instance.secret if self.instance.pk else "")


def masked(value: str) -> str:
    return "" if not value else "•" * 8 + value[-4:] if len(value) > 12 else "•" * 8


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin):
    form = AccountForm
    list_display = ["id", "kind", "account_id", "name", "unit", "token_masked", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["account_id", "name"]

    @admin.display(description="token")
    def token_masked(self, obj):
        return masked(obj.token)


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ["id", "account", "provider_id", "kind", "received_at", "processed_at",
                    "complaint", "error"]
    list_filter = ["account__kind", "kind"]
    search_fields = ["provider_id"]
    readonly_fields = [f.name for f in InboundEvent._meta.fields]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "key", "account", "complaint", "status", "attempts",
                    "delivery_status", "provider_message_id", "last_error"]
    list_filter = ["status", "account__kind", "delivery_status"]
    search_fields = ["key", "provider_message_id"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry"]

    @admin.action(description="Kirim ulang pesan yang diparkir")
    def retry(self, request, queryset):
        done = sum(retry_parked(pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{done} pesan masuk antrean lagi.")
