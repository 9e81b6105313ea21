from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "aduan.evidence"
    label = "evidence"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the event_recorded receivers
