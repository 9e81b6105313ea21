from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "aduan.sla"
    label = "sla"
    verbose_name = "SLA"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import deadlines
        from .models import Holiday, SlaPolicy, WorkingCalendar

        def _clear(**kwargs):
            deadlines.clear_cache()

        for model in (WorkingCalendar, Holiday, SlaPolicy):
            post_save.connect(_clear, sender=model, weak=False, dispatch_uid=f"sla-{model}")
            post_delete.connect(_clear, sender=model, weak=False, dispatch_uid=f"sla-d-{model}")
