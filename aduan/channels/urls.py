from django.urls import path

from . import views
from .meta.view import webhook as meta_webhook
from .telegram.view import webhook as telegram_webhook

app_name = "channels"

urlpatterns = [
    path("webhooks/meta", meta_webhook, name="meta"),
    path("webhooks/telegram/<int:channel_id>", telegram_webhook, name="telegram"),
    path("petugas/kanal/gagal/", views.parked, name="parked"),
    path("petugas/kanal/gagal/<int:pk>/kirim-ulang/", views.retry, name="retry"),
    path("petugas/kanal/tautkan/", views.link_chat, name="link"),
]
