"""Evidence test helpers: real photo files as phones send them, and a complaint to prove."""

from datetime import datetime

import pytest
from django.utils import timezone

from aduan.evidence.images import JAKARTA

from .photos import camera_exif, encode, scene

KEMLAYAN = "33.72.02.1007"


def phone_photo(seed: int, *, taken: str | None = "2025:03:14 09:30:00",
                gps: tuple[float, float] | None = None, fmt: str = "JPEG",
                orientation: int = 1, size=(640, 480)) -> bytes:
    """A camera photo of scene `seed` with EXIF capture time and GPS (None = without)."""
    if taken is None and gps is None:
        return encode(scene(seed, size), fmt, quality=90) if fmt == "JPEG" else encode(
            scene(seed, size), fmt)
    exif = camera_exif(taken=taken, gps=gps, orientation=orientation, offset="+07:00")
    return encode(scene(seed, size), fmt, exif=exif, **({"quality": 90} if fmt == "JPEG" else {}))


def exif_time(moment: datetime) -> str:
    return timezone.localtime(moment, JAKARTA).strftime("%Y:%m:%d %H:%M:%S")


@pytest.fixture
def road(city):
    """The demo's road complaint in Kemlayan (acknowledged by DPUPR), placed at the
    kelurahan's centre, without the demo's photos."""
    from aduan.complaints.models import Complaint
    from aduan.regions.models import Region

    complaint = city["complaints"][0]
    kemlayan = Region.objects.get(code=KEMLAYAN)
    complaint.photos.all().delete()
    Complaint.objects.filter(pk=complaint.pk).update(
        lat=kemlayan.centroid_lat, lng=kemlayan.centroid_lng)
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def graph(settings):
    """Meta's Graph API faked on 127.0.0.1 (the channels' fake)."""
    from pathlib import Path

    from aduan.channels.meta.tests.fake_graph import FakeGraph

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    fake = FakeGraph().start()
    settings.META_GRAPH_URL = fake.url + "/v23.0"
    settings.INSTAGRAM_GRAPH_URL = ""
    yield fake
    fake.stop()


def resolve_with_photos(complaint, user, before_seed=1, after_seed=2, here=None):
    """Before and after photos from the field, then resolve (the staff page's path)."""
    from aduan.complaints import actions
    from aduan.evidence.store import save_photo

    save_photo(phone_photo(before_seed, taken=exif_time(complaint.created_at), gps=here),
               complaint=complaint, tag="before", user=user)
    after = save_photo(phone_photo(after_seed, taken=exif_time(timezone.now()), gps=here),
                       complaint=complaint, tag="after", user=user)
    return actions.resolve(complaint, user, "Sudah diperbaiki.", [after.pk])
