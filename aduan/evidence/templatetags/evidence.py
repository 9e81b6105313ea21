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
    from aduan.complaints.public_face import before_after_is_public
    from aduan.evidence.models import BeforeAfter

    item = BeforeAfter.objects.filter(complaint=complaint).select_related(
        "complaint__category").first()
    return item if item is not None and before_after_is_public(item) else None
