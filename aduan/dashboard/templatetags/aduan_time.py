from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def due_label(due):
    """'sisa 3 jam', 'terlambat 2 hari' with a css class for colour."""
    from aduan.sla.humanize import time_left

    now = timezone.now()
    text = time_left(due, now)
    css = "late" if due < now else ("soon" if (due - now).total_seconds() < 4 * 3600 else "")
    return {"text": text, "css": css}
