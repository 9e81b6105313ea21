"""What the public may see of a complaint: one place for the rules, used by the public
pages, the timeline, the photo URLs, Open311 and the JSON API.

- text: masked by triage, masked again, the reporter's own name/phone/e-mail blanked, and
  the private tracking token removed;
- photos: the re-encoded public copy only, and none at all for categories that may hold
  identity data (a photo of a KTP or KK), nor photos of an unpublished activity post.
"""

import re

from .models import Complaint


def reporter_patterns(complaint: Complaint) -> list[re.Pattern]:
    reporter = complaint.reporter
    if reporter is None:
        return []
    patterns = []
    for value in (reporter.name, reporter.email, reporter.phone):
        value = (value or "").strip()
        if len(value) >= 3:
            patterns.append(re.compile(re.escape(value), re.I))
    for part in (reporter.name or "").split():
        if len(part) >= 3 and part[0].isalpha():
            # A name part on its own only when written as a proper noun (capitalised).
            patterns.append(re.compile(r"\b" + re.escape(part[0].upper() + part[1:].lower())
                                       + r"\b"))
    return patterns


def clean_text(complaint: Complaint, text: str, patterns: list | None = None) -> str:
    """Text bound for the public: personal data masked, the tracking token removed."""
    from aduan.triage.pii import mask

    text = mask(text or "")
    for pattern in reporter_patterns(complaint) if patterns is None else patterns:
        text = pattern.sub("[NAMA]", text)
    if complaint.token:
        text = text.replace(complaint.token, "")
    return text


def photo_is_public(photo) -> bool:
    activity = getattr(photo, "activity", None) if photo.activity_id else None
    if activity is not None and not activity.is_public:
        return False
    complaint = photo.complaint if photo.complaint_id else None
    category = complaint.category if complaint is not None else None
    return not (category is not None and category.may_hold_identity)


def public_photos(complaint: Complaint) -> list:
    if complaint.category is not None and complaint.category.may_hold_identity:
        return []
    return [p for p in complaint.photos.select_related("activity") if photo_is_public(p)]
