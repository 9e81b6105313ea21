from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "aduan.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from aduan.complaints.signals import event_recorded
        from aduan.org.models import Unit

        from . import facts, stats

        event_recorded.connect(facts.on_event, dispatch_uid="dashboard-facts")

        def _forget_units(**kwargs):
            stats.units.clear()

        post_save.connect(_forget_units, sender=Unit, weak=False, dispatch_uid="stats-units")
        post_delete.connect(_forget_units, sender=Unit, weak=False, dispatch_uid="stats-units-d")
