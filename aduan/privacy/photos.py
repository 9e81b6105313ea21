"""Photo originals without their EXIF: the GPS of a citizen's photo is often their home.

The stripped original is the re-encoded public copy (EXIF never survives the re-encode),
stored under its own prefix so a stripped photo is known by its name; the old file goes
once no other photo row points at it."""

from django.core.files.base import ContentFile

from aduan.evidence.filenames import photo_name
from aduan.evidence.models import Photo

STRIPPED = "original-stripped"
STRIPPED_PREFIX = f"photos/{STRIPPED}/"


def is_stripped(photo: Photo) -> bool:
    return (photo.original.name or "").startswith(STRIPPED_PREFIX)


def strip_original(photo: Photo) -> bool:
    """Replace the original by a copy without EXIF and forget the GPS. False if already."""
    if is_stripped(photo):
        if photo.gps_lat is not None or photo.gps_lng is not None:
            Photo.objects.filter(pk=photo.pk).update(gps_lat=None, gps_lng=None)
        return False
    storage = photo.original.storage
    old = photo.original.name
    with photo.public.open("rb") as handle:
        clean = handle.read()
    new = storage.save(photo_name(STRIPPED, photo.sha256, ".jpg"), ContentFile(clean))
    Photo.objects.filter(pk=photo.pk).update(original=new, gps_lat=None, gps_lng=None,
                                             content_type="image/jpeg")
    photo.original.name, photo.gps_lat, photo.gps_lng = new, None, None
    if old and not Photo.objects.filter(original=old).exists():
        storage.delete(old)
    return True
