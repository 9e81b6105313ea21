from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "aduan.evidence"
    label = "evidence"
