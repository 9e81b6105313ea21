from django import template

register = template.Library()


@register.simple_tag
def proof_warnings_for(complaint):
    """The complaint's stored proof warnings (one query), for the staff page."""
    from aduan.evidence.models import ProofWarning

    return list(ProofWarning.objects.filter(complaint=complaint)
                .select_related("photo", "other_complaint").order_by("photo_id", "kind"))


@register.simple_tag
def before_after_for(complaint):
    """The complaint's before/after picture when it is shown publicly, else None."""
    from aduan.evidence.models import BeforeAfter

    if complaint.status not in ("resolved", "closed"):
        return None
    return BeforeAfter.objects.filter(complaint=complaint).first()
