from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "aduan.dashboard"
    label = "dashboard"
