from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "aduan.regions"
    label = "regions"
