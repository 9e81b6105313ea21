"""Activity posts (kegiatan): an official's own record of their work, public by default.

`create_post` is the one way in (web form today; a chat command can call it too). The
text is masked for personal data like complaint text; photos go through the same checks
as complaint photos and are linked to the complaint when the post names one, so an after
photo posted here counts as proof there (and is checked there).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.complaints import public_face
from aduan.org.access import access_for
from aduan.org.models import Official

from .beforeafter import compose, pair
from .models import ActivityPost, Photo
from .store import save_photo

TAGS = (Photo.Tag.BEFORE, Photo.Tag.PROGRESS, Photo.Tag.AFTER)


class PostError(Exception):
    """A post that cannot be made; the message is shown to the official."""


def positions(user):
    """The user's active positions that may post (everyone who holds one)."""
    return Official.objects.filter(user=user, is_active=True).select_related("unit")


@transaction.atomic
def create_post(*, user, official: Official, text: str, photos: Mapping[str, Sequence[bytes]],
                complaint=None, is_public: bool = True,
                publish_to_social: bool = False) -> ActivityPost:
    from aduan.triage.pii import mask

    if official.user_id != user.pk or not official.is_active:
        raise PostError(_("Jabatan ini bukan milik Anda."))
    if not text.strip():
        raise PostError(_("Tuliskan kegiatannya."))
    if not any(photos.get(tag) for tag in TAGS):
        raise PostError(_("Lampirkan minimal satu foto."))
    if complaint is not None and not access_for(user).may_act_on_complaint(complaint):
        raise PostError(_("Aduan itu di luar wewenang Anda."))
    post = ActivityPost.objects.create(
        author=user, official=official, unit=official.unit, text=mask(text.strip())[:2000],
        complaint=complaint, published_at=timezone.now(), is_public=is_public,
        publish_to_social=publish_to_social and is_public)
    saved = [save_photo(data, activity=post, complaint=complaint, tag=tag, user=user,
                        check=False)
             for tag in TAGS for data in photos.get(tag, ())]
    if complaint is not None:
        from .checks import refresh

        refresh(complaint)
    before, after = pair(saved)
    identity = complaint is not None and public_face.identity_category(complaint)
    if before is not None and after is not None and not identity:
        jpeg, _thumb = compose(before, after, reference=str(official.unit),
                               footer=official.title or str(official))
        post.image.save(f"post-{post.pk}.jpg", ContentFile(jpeg), save=False)
        post.save(update_fields=["image"])
    if post.publish_to_social and not identity:  # never a KTP/KK photo on social media
        from .notify import publish_post

        rows = publish_post(post, picture_url(post, saved), caption(post))
        post.social_status = ActivityPost.Social.QUEUED if rows else ActivityPost.Social.FAILED
        post.social_error = "" if rows else _("Unit ini belum punya akun Instagram/Facebook.")
        post.save(update_fields=["social_status", "social_error"])
    return post


def picture_url(post: ActivityPost, photos: Sequence[Photo]) -> str:
    if post.image:
        path = reverse("evidence:post_image", args=[post.pk])
    else:
        path = reverse("photo", args=[photos[0].pk, "public"])
    return settings.PUBLIC_URL + path


def caption(post: ActivityPost) -> str:
    link = settings.PUBLIC_URL + reverse("evidence:feed_official", args=[post.official_id])
    return f"{post.text}\n\n— {post.official}\n{link}"
