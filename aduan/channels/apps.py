from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "aduan.channels"
    label = "channels"
    verbose_name = "Kanal"

    def ready(self) -> None:
        from . import outbox  # noqa: F401 - connects the event_recorded receiver
        from .officials import notify  # noqa: F401 - officials hear about their new work
