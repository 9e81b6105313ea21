from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "aduan.jobs"
    label = "jobs"
    verbose_name = "Antrean kerja"
