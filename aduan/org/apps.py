from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "aduan.org"
    label = "org"
