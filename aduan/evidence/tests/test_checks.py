"""Proof checks on real photo files: each check warns, none blocks, and clean proof is quiet."""

import io
import random
import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from aduan.complaints import actions
from aduan.evidence.checks import FAR_METRES, refresh
from aduan.evidence.images import hash_bands
from aduan.evidence.models import Photo, ProofWarning, band_fields, phash_and_bands
from aduan.evidence.store import save_photo
from aduan.regions.models import Region

from .conftest import KEMLAYAN, exif_time, phone_photo
from .photos import encode, scene

K = ProofWarning.Kind
JAKARTA_MONAS = (-6.1754, 106.8272)


@pytest.fixture
def here():
    kemlayan = Region.objects.get(code=KEMLAYAN)
    return (kemlayan.centroid_lat, kemlayan.centroid_lng)


def kinds(complaint):
    return sorted(ProofWarning.objects.filter(complaint=complaint).values_list("kind", flat=True))


def after_hours(complaint, hours):
    return exif_time(complaint.created_at + timedelta(hours=hours))


def test_honest_before_and_after_raise_nothing(road, persona, here):
    dpupr = persona("dpupr")
    save_photo(phone_photo(1, taken=after_hours(road, 1), gps=here), complaint=road,
               tag="before", user=dpupr)
    save_photo(phone_photo(2, taken=after_hours(road, 30), gps=here), complaint=road,
               tag="after", user=dpupr)
    assert kinds(road) == []
    actions.resolve(road, dpupr, "Lubang sudah ditambal.")
    assert kinds(road) == []


def test_after_photo_taken_before_the_before_photo(road, persona, here):
    dpupr = persona("dpupr")
    save_photo(phone_photo(1, taken=after_hours(road, 5), gps=here), complaint=road,
               tag="before", user=dpupr)
    save_photo(phone_photo(2, taken=after_hours(road, 2), gps=here), complaint=road,
               tag="after", user=dpupr)
    assert kinds(road) == [K.AFTER_BEFORE_BEFORE]


def test_after_photo_taken_before_the_complaint(road, persona, here):
    save_photo(phone_photo(2, taken=after_hours(road, -24 * 3), gps=here), complaint=road,
               tag="after", user=persona("dpupr"))
    assert kinds(road) == [K.AFTER_BEFORE_COMPLAINT]
    warning = ProofWarning.objects.get(complaint=road)
    assert "aduan masuk" in warning.detail


def test_heic_after_photo_times_are_read(road, persona, here):
    old = phone_photo(3, taken=after_hours(road, -48), gps=here, fmt="HEIF")
    save_photo(old, complaint=road, tag="after", user=persona("dpupr"))
    assert kinds(road) == [K.AFTER_BEFORE_COMPLAINT]


def test_photo_from_elsewhere_is_far_from_the_complaint(road, persona):
    save_photo(phone_photo(4, taken=after_hours(road, 2), gps=JAKARTA_MONAS), complaint=road,
               tag="after", user=persona("dpupr"))
    assert kinds(road) == [K.FAR]
    assert "km" in ProofWarning.objects.get(complaint=road).detail


def test_a_street_away_is_not_far(road, persona, here):
    # ~300 m north: inside FAR_METRES, no warning.
    near = (here[0] + 300 / 111_000, here[1])
    assert FAR_METRES > 300
    save_photo(phone_photo(4, taken=after_hours(road, 2), gps=near), complaint=road,
               tag="after", user=persona("dpupr"))
    assert kinds(road) == []


def test_without_a_point_the_kelurahan_boundary_decides(road, persona, here):
    type(road).objects.filter(pk=road.pk).update(lat=None, lng=None)
    road.refresh_from_db()
    dpupr = persona("dpupr")
    save_photo(phone_photo(5, taken=after_hours(road, 1), gps=here), complaint=road,
               tag="before", user=dpupr)
    assert kinds(road) == []
    manahan = Region.objects.get(code="33.72.05.1011")
    save_photo(phone_photo(6, taken=after_hours(road, 2),
                           gps=(manahan.centroid_lat, manahan.centroid_lng)),
               complaint=road, tag="after", user=dpupr)
    assert kinds(road) == [K.OUTSIDE]


def test_same_picture_as_before_and_after(road, persona, here):
    dpupr = persona("dpupr")
    original = phone_photo(7, taken=after_hours(road, 1), gps=here)
    save_photo(original, complaint=road, tag="before", user=dpupr)
    # The same picture re-saved smaller (a copy from the gallery), a different file.
    im = Image.open(io.BytesIO(original))
    copy = encode(im.resize((480, 360)), "JPEG", quality=70,
                  exif=im.getexif())
    assert copy != original
    save_photo(copy, complaint=road, tag="after", user=dpupr)
    assert kinds(road) == [K.SAME_BEFORE_AFTER]


def test_reused_photo_across_complaints(city, road, persona, here):
    dpupr = persona("dpupr")
    photo = phone_photo(8, taken=after_hours(road, 1), gps=here)
    rubbish = city["complaints"][2]
    save_photo(photo, complaint=rubbish, tag="after", user=persona("dlh"))
    save_photo(photo, complaint=road, tag="after", user=dpupr)
    warning = ProofWarning.objects.get(complaint=road)
    assert warning.kind == K.REUSED
    assert warning.other_complaint_id == rubbish.pk
    assert rubbish.ref in warning.detail


def test_a_picture_many_others_resemble_names_the_earliest_and_counts_the_rest(
        city, road, persona, here):
    """200 stored photos a few bits from the new one (a city's many shots of one flooded
    street): the warning names the earliest and counts the others, and the check reads
    back only that one, not all 200 (no query lists their ids)."""
    dpupr = persona("dpupr")
    photo = phone_photo(8, taken=after_hours(road, 1), gps=here)
    rubbish = city["complaints"][2]
    first = save_photo(photo, complaint=rubbish, tag="after", user=persona("dlh"))
    bits = int(first.phash, 16)
    others = [c for c in city["complaints"] if c.pk not in (road.pk, rubbish.pk)]
    Photo.objects.bulk_create([
        Photo(complaint=others[n % len(others)], tag="before", public="x.jpg", thumb="x.jpg",
              original="x", content_type="image/jpeg",
              sha256=f"{n:064x}", **phash_and_bands(
                  f"{bits ^ (1 << (n % 64)) ^ (1 << ((n * 7) % 64)):016x}"))
        for n in range(200)])
    with CaptureQueriesContext(connection) as queries:
        save_photo(photo, complaint=road, tag="after", user=dpupr)
    warning = ProofWarning.objects.get(complaint=road, kind=K.REUSED)
    assert warning.other_photo_id == first.pk and warning.other_complaint_id == rubbish.pk
    assert rubbish.ref in warning.detail and "(dan 200 foto lain)" in warning.detail
    listed = [len(ids.split(",")) for q in queries.captured_queries
              for ids in re.findall(r'"id" IN \(([^()]*)\)', q["sql"])]
    assert max(listed) < 10


def test_a_near_identical_photo_is_found_among_all_stored_not_only_recent_ones(
        city, road, persona, here):
    """A picture re-encoded a few bits away from one stored long ago, with 21,000
    unrelated photos stored since (more than the 20,000 the check used to scan): found
    through the hash bands and named."""
    photo = phone_photo(8, taken=after_hours(road, 1), gps=here)
    rubbish = city["complaints"][2]
    old = save_photo(photo, complaint=rubbish, tag="after", user=persona("dlh"))
    bits = int(old.phash, 16)
    copy = f"{bits ^ 0b1011 ^ (1 << 40) ^ (1 << 63):016x}"  # 5 bits away, 3 bands apart
    assert sum(a != b for a, b in zip(hash_bands(copy), hash_bands(old.phash), strict=True)) == 3
    rnd = random.Random(7)
    others = [c for c in city["complaints"] if c.pk not in (road.pk, rubbish.pk)]
    Photo.objects.bulk_create([
        Photo(complaint=others[n % len(others)], tag="before", public="x.jpg", thumb="x.jpg",
              original="x", content_type="image/jpeg", sha256=f"{n:064x}",
              **phash_and_bands(f"{rnd.getrandbits(64):016x}"))
        for n in range(21_000)], batch_size=2000)
    mine = save_photo(photo, complaint=road, tag="after", user=persona("dpupr"), check=False)
    Photo.objects.filter(pk=mine.pk).update(phash=copy, sha256="f" * 64, **band_fields(copy))
    refresh(road)
    warning = ProofWarning.objects.get(complaint=road, kind=K.REUSED)
    assert warning.other_photo_id == old.pk and rubbish.ref in warning.detail


def test_photos_stored_before_the_bands_get_them_from_the_migration(road, persona, here):
    from django.apps import apps

    fill_bands = import_module("aduan.evidence.migrations.0004_photo_hash_bands").fill_bands
    photo = save_photo(phone_photo(8, taken=after_hours(road, 1), gps=here), complaint=road,
                       tag="before", user=persona("dpupr"))
    assert photo.phash_band0 is not None
    Photo.objects.update(**dict.fromkeys(band_fields(""), None))  # as before the migration
    fill_bands(apps, None)
    photo.refresh_from_db()
    assert (photo.phash_band0, photo.phash_band1, photo.phash_band2,
            photo.phash_band3) == hash_bands(photo.phash)


def test_a_merge_makes_a_shared_photo_one_case_and_a_merge_without_photos_changes_nothing(
        city, road, persona, here):
    photo = phone_photo(8, taken=after_hours(road, 1), gps=here)
    rubbish = city["complaints"][2]
    save_photo(photo, complaint=rubbish, tag="before", user=persona("dlh"))
    save_photo(photo, complaint=road, tag="after", user=persona("dpupr"))
    assert kinds(road) == [K.REUSED]
    # A duplicate without photos merged into the road: its reuse warning stays.
    plain = city["complaints"][5]
    assert not plain.photos.exists()
    actions.merge(plain, road, None)
    assert kinds(road) == [K.REUSED]
    # The complaint holding the same picture merged into it: one case, no reuse.
    actions.merge(rubbish, road, None)
    assert kinds(road) == []
    assert road.pk not in ProofWarning.objects.filter(complaint=rubbish).values_list(
        "other_complaint_id", flat=True)


def test_rotated_copy_of_a_photo_is_still_the_same_picture(city, road, persona, here):
    """Stored sideways with Orientation=6 versus already upright: the same picture."""
    upright = scene(9, (480, 640))
    sideways = upright.rotate(90, expand=True)  # what the sensor stored
    from .photos import camera_exif

    exif = camera_exif(taken=after_hours(road, 1), gps=here, orientation=6, offset="+07:00")
    stored = encode(sideways, "JPEG", exif=exif, quality=90)
    save_photo(stored, complaint=city["complaints"][2], tag="before", user=persona("dlh"))
    upright_copy = encode(upright, "JPEG", quality=85,
                          exif=__import__("aduan.evidence.tests.photos", fromlist=["x"])
                          .camera_exif(taken=after_hours(road, 2), gps=here, offset="+07:00"))
    save_photo(upright_copy, complaint=road, tag="after", user=persona("dpupr"))
    assert kinds(road) == [K.REUSED]


def test_different_scenes_are_not_reuse(city, road, persona, here):
    save_photo(phone_photo(10, taken=after_hours(road, 1), gps=here),
               complaint=city["complaints"][2], tag="after", user=persona("dlh"))
    save_photo(phone_photo(11, taken=after_hours(road, 2), gps=here), complaint=road,
               tag="after", user=persona("dpupr"))
    assert kinds(road) == []


def test_screenshot_png_has_no_capture_data(road, persona):
    screenshot = encode(scene(12, (1080, 2340)), "PNG")
    save_photo(screenshot, complaint=road, tag="after", user=persona("dpupr"))
    assert kinds(road) == [K.NO_CAPTURE]


def test_jpeg_without_exif_from_an_official_warns(road, persona):
    save_photo(phone_photo(13, taken=None, gps=None), complaint=road, tag="progress",
               user=persona("dpupr"))
    assert kinds(road) == [K.NO_CAPTURE]


def test_citizen_photo_without_exif_is_normal(road):
    # Chat apps strip EXIF from every photo: not worth a warning.
    save_photo(phone_photo(14, taken=None, gps=None), complaint=road, by_citizen=True)
    assert kinds(road) == []


def test_warnings_never_block_resolution(road, persona):
    dpupr = persona("dpupr")
    save_photo(encode(scene(15), "PNG"), complaint=road, tag="after", user=dpupr)
    resolved = actions.resolve(road, dpupr, "Selesai.")
    assert resolved.status == "resolved"
    assert kinds(road) == [K.NO_CAPTURE]


def test_refresh_keeps_existing_rows_and_drops_stale_ones(road, persona, here):
    dpupr = persona("dpupr")
    photo = save_photo(phone_photo(16, taken=None, gps=None), complaint=road, tag="after",
                       user=dpupr)
    first = ProofWarning.objects.get(complaint=road)
    refresh(road)
    assert ProofWarning.objects.get(complaint=road).pk == first.pk
    photo.delete()
    refresh(road)
    assert kinds(road) == []


def test_staff_page_shows_warnings(road, login, client):
    login("dpupr")
    save_photo(encode(scene(17), "PNG"), complaint=road, tag="after", user=None)
    page = client.get(f"/petugas/aduan/{road.ref}/").content.decode()
    assert 'id="proof-warnings"' in page
    assert "Foto tanpa data pengambilan" in page


def test_triage_list_shows_warnings_without_per_row_queries(city, road, login, client,
                                                            django_assert_max_num_queries):
    login("tim")
    for seed in range(5):
        save_photo(encode(scene(100 + seed), "PNG"), complaint=road, tag="after", user=None)
    with django_assert_max_num_queries(9):  # + the second-factor device
        page = client.get("/petugas/bukti/").content.decode()
    assert page.count(f"<span class=\"ref\">{road.ref}") == 5
    assert client.get("/petugas/bukti/?jenis=far").content.decode().count(road.ref) == 0


def test_triage_list_follows_the_unit_tree(road, login, client):
    save_photo(encode(scene(18), "PNG"), complaint=road, tag="after", user=None)
    login("dlh")
    assert road.ref not in client.get("/petugas/bukti/").content.decode()
