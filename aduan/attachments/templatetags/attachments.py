from django import template

register = template.Library()


@register.inclusion_tag("attachments/_staff.html")
def staff_attachments(complaint):
    return {"attachments": list(complaint.attachments.all())}
