from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "aduan.attachments"
    label = "attachments"
    verbose_name = "Lampiran"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - adopts pending attachments into new complaints
