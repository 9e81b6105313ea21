from django.apps import AppConfig


class GuardConfig(AppConfig):
    name = "aduan.guard"
    label = "guard"
    verbose_name = "Pengamanan"
