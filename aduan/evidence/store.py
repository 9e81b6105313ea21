"""Store an uploaded photo: validated by content, public copy without EXIF, thumbnail."""

from django.core.files.base import ContentFile

from .images import ImageRejected, process
from .models import Photo

__all__ = ["ImageRejected", "save_photo"]


def save_photo(data: bytes, *, complaint=None, tag: str = Photo.Tag.BEFORE, user=None,
               by_citizen: bool = False, activity=None, check: bool = True) -> Photo:
    """Process and store one photo. Raises ImageRejected with a message for the user.

    A complaint's proof checks are recomputed at once (`check=False` to batch them)."""
    image = process(data)
    photo = Photo(
        complaint=complaint, activity=activity, tag=tag, content_type=image.content_type,
        width=image.width, height=image.height, taken_at=image.taken_at, phash=image.phash,
        sha256=image.sha256,
        gps_lat=image.gps[0] if image.gps else None,
        gps_lng=image.gps[1] if image.gps else None,
        uploaded_by=user if user is not None and user.is_authenticated else None,
        by_citizen=by_citizen,
    )
    photo.original.save("original", ContentFile(data), save=False)
    photo.public.save("public.jpg", ContentFile(image.public_jpeg), save=False)
    photo.thumb.save("thumb.jpg", ContentFile(image.thumb_jpeg), save=False)
    photo.save()
    if complaint is not None and check:
        from .checks import refresh

        refresh(complaint)
    return photo
