"""The nastiest complaint we can write, walked through EVERY public exit over real HTTP.

An identity-category complaint (adminduk: a KTP photo as the before photo, an after photo,
an activity post with before/after photos) and a road complaint, both full of hostile
spellings of personal data and sent by a named reporter with a phone and e-mail. Then the
tracking pages, timeline, gallery, activity feeds, before/after pictures, photo URLs,
Open311 (JSON, XML, single request), the JSON API (list, detail, stats) and the map
boundaries are fetched as an anonymous visitor: no NIK, KK, phone, e-mail, address or name
may appear, and no byte of an identity photo or picture may be served.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from aduan.complaints import actions, public_face
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.evidence.activity import create_post
from aduan.evidence.beforeafter import build
from aduan.evidence.models import ActivityPost, BeforeAfter, Photo
from aduan.evidence.store import save_photo
from aduan.evidence.tests.conftest import exif_time, phone_photo

KEMLAYAN = "33.72.02.1007"
REPORTER = {"name": "Gunawan Hartono", "phone": "081234567890",
            "email": "gunawan.hartono@gmail.com"}
HOSTILE = (
    "NIK3372011205900001 dan No.KK3372010101150003 hilang. "
    "Hubungi (+62) 812\u20113456\u20117890 atau 0813\u00a02222\u00a03333, "
    "e-mail gunawan.hartono at gmail dot com / lastri_p[at]yahoo.co.id. "
    "Rumah di Jl Kapten Mulyadi 12, dulu di Perum Griya Asri Blok C-12, RT 03 RW 05 No. 9. "
    "Pak Sukamto Wiryono yang mengurus. Kontak: Lastri Pramesti +62 857-1111-2222\n"
    "Lokasi: Rumah Darsono Kartiko, Jl. Melati 7\n"
    "Saya Gunawan, wa 0812 3456 7890."
)
WORDS = ["Gunawan", "Hartono", "Sukamto", "Wiryono", "Lastri", "Pramesti", "Darsono",
         "Kartiko", "gunawan.hartono", "lastri_p", "Mulyadi 12", "Blok C-12", "Melati 7",
         "No. 9"]
DIGITS = ["3372011205900001", "3372010101150003", "81234567890", "8123456789",
          "81322223333", "85711112222"]


def assert_nothing_personal(body: str, where: str) -> None:
    for word in WORDS:
        assert not re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", body, re.I), \
            f"{word!r} leaked at {where}"
    digits = re.sub(r"\D", "", body)
    for run in DIGITS:
        assert run not in digits, f"{run} leaked at {where}"


def _resolve(complaint, user, before: bytes, after: bytes):
    save_photo(before, complaint=complaint, tag="before", user=user)
    done = save_photo(after, complaint=complaint, tag="after", user=user)
    if complaint.status == "assigned":
        actions.acknowledge(complaint, user, "Sukamto Wiryono akan datang.")
    return actions.resolve(complaint, user, "Sudah selesai, hubungi 0812-3456-7890.", [done.pk])


def _ktp_photo() -> bytes:
    """A photo of an ID card: the identity the public must never see."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (856, 540), (190, 215, 240))
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "PROVINSI JAWA TENGAH  KOTA SURAKARTA", fill=(0, 0, 0))
    draw.text((40, 90), "NIK : 3372011205900001", fill=(0, 0, 0))
    draw.text((40, 130), "Nama : GUNAWAN HARTONO", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def nasty(city, persona):
    admin = persona("admin")
    identity = open_complaint(IncomingMessage(
        channel="web", text=HOSTILE, **REPORTER, region_code=KEMLAYAN, rt=3, rw=5,
        category_code="adminduk", lat=-7.5712345, lng=110.8265432, photos=[_ktp_photo()]))
    road = open_complaint(IncomingMessage(
        channel="web", text="Jalan berlubang. " + HOSTILE, **REPORTER, region_code=KEMLAYAN,
        rt=3, rw=5, category_code="jalan", lat=-7.5712345, lng=110.8265432))
    identity.refresh_from_db()
    road.refresh_from_db()
    if identity.status == "new":
        actions.assign(identity, identity.category.owner, admin)
    _resolve(identity, admin, _ktp_photo(), phone_photo(7))
    actions.assign(road, road.owner if road.status != "new" else road.category.owner, admin) \
        if road.status == "new" else None
    _resolve(road, admin, phone_photo(3, taken=exif_time(road.created_at)), phone_photo(4))
    assert build(identity.pk) is None  # no picture is ever made of an identity category
    road_picture = build(road.pk)
    # A picture left over from before the rule (or written by hand): still never served.
    before, after = Photo.objects.filter(complaint=identity).order_by("pk")[:2]
    legacy = BeforeAfter(complaint=identity, before=before, after=after,
                         category=identity.category, created_at=identity.created_at)
    legacy.image.save("legacy.jpg", ContentFile(_ktp_photo()), save=False)
    legacy.thumb.save("legacy-thumb.jpg", ContentFile(_ktp_photo()), save=False)
    legacy.save()
    tim = persona("tim")
    post = create_post(user=tim, official=tim.positions.first(),
                       text="Membantu Pak Sukamto Wiryono, NIK3372011205900001.",
                       photos={"before": [_ktp_photo()], "after": [phone_photo(9)]},
                       complaint=identity)
    return {"identity": identity, "road": road, "road_picture": road_picture,
            "legacy": legacy, "post": post}


def _identity_bytes(nasty) -> list[bytes]:
    blobs = []
    for photo in Photo.objects.filter(complaint=nasty["identity"]):
        for field in (photo.public, photo.thumb, photo.original):
            with field.open("rb") as handle:
                blobs.append(handle.read())
    for field in (nasty["legacy"].image, nasty["legacy"].thumb):
        with field.open("rb") as handle:
            blobs.append(handle.read())
    return blobs


def test_every_public_exit_is_free_of_personal_data(client, nasty):
    identity, road = nasty["identity"], nasty["road"]
    identity_photos = list(Photo.objects.filter(complaint=identity))
    assert len(identity_photos) >= 4  # KTP at intake, before, after, the post's two
    urls = [
        reverse("citizen:public", args=[identity.ref]),
        reverse("citizen:public", args=[road.ref]),
        reverse("citizen:track", args=[identity.token]),
        reverse("citizen:track", args=[road.token]),
        reverse("evidence:gallery"),
        reverse("evidence:feed"),
        reverse("evidence:feed_official", args=[nasty["post"].official_id]),
        reverse("evidence:feed_unit", args=[nasty["post"].unit.code]),
        "/open311/v2/requests.json", "/open311/v2/requests.xml",
        f"/open311/v2/requests/{identity.ref}.json", f"/open311/v2/requests/{road.ref}.json",
        f"/open311/v2/requests/{identity.ref}.xml",
        f"/open311/v2/requests.json?service_request_id={identity.ref},{road.ref}",
        "/api/v1/complaints", f"/api/v1/complaints/{identity.ref}",
        f"/api/v1/complaints/{road.ref}", "/api/v1/stats",
        reverse("citizen:boundaries"),
        "/statistik/", "/peta/", "/peta/titik.json", "/peta/titik.json?kategori=adminduk",
    ]
    identity_bytes = _identity_bytes(nasty)
    served = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert_nothing_personal(body, url)
        assert identity.token not in body or url.startswith("/lacak/" + identity.token), url
        for photo in identity_photos:  # no link to any identity photo, in any size
            assert f"/foto/{photo.pk}/" not in body, (url, photo.pk)
        assert f"/foto/sebelum-sesudah/{nasty['legacy'].pk}/" not in body, url
        assert f"/kegiatan/{nasty['post'].pk}/foto.jpg" not in body, url
        served.append(response.content)
    # The identity photos, the legacy picture and the post's composite are refused...
    for photo in identity_photos:
        for size in ("public", "thumb"):
            assert client.get(reverse("photo", args=[photo.pk, size])).status_code == 404
    for size in ("full", "thumb"):
        url = reverse("evidence:before_after_image", args=[nasty["legacy"].pk, size])
        assert client.get(url).status_code == 404
    assert not ActivityPost.objects.get(pk=nasty["post"].pk).image  # never composed
    assert client.get(reverse("evidence:post_image", args=[nasty["post"].pk])).status_code == 404
    # ...and no response carries their bytes.
    for blob in identity_bytes:
        assert all(blob[:4096] not in content for content in served)


def test_sure_masking_is_shown_at_once_with_its_picture(client, nasty):
    road = nasty["road"]
    road.refresh_from_db()
    assert road.public_text_state == "auto"  # every finding in HOSTILE is a sure one
    shown = public_face.public_view(road)
    for label in ("[NIK]", "[KK]", "[TELEPON]", "[EMAIL]", "[ALAMAT]", "[NAMA]", "[KONTAK]",
                  "[LOKASI]"):
        assert label in shown.text, label
    assert shown.photos and shown.before_after_url
    page = client.get(reverse("citizen:public", args=[road.ref])).content.decode()
    assert shown.before_after_url.replace("&", "&amp;") in page
    picture = client.get(shown.before_after_url)
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"
    api = client.get(f"/api/v1/complaints/{road.ref}").json()
    assert api["text"] == shown.text
    assert api["address"] == "Kemlayan, Serengan, Kota Surakarta"
    assert api["lat"] == round(road.lat, 3) and api["lng"] == round(road.lng, 3)
    gallery = client.get(reverse("evidence:gallery")).content.decode()
    assert road.ref in gallery and nasty["identity"].ref not in gallery


def test_unsure_wording_waits_for_the_triage_team(client, city, persona):
    complaint = open_complaint(IncomingMessage(
        channel="web", text="Lampu jalan mati, kata Darsono Kartiko sudah lapor ke kelurahan.",
        region_code=KEMLAYAN, category_code="pju", photos=[phone_photo(5)]))
    assert complaint.public_text_state == "pending"
    shown = public_face.public_view(complaint)
    assert shown.text is None and shown.photos == []
    page = client.get(reverse("citizen:public", args=[complaint.ref])).content.decode()
    assert 'id="text-pending"' in page and "Lampu jalan" not in page
    assert_nothing_personal(page, "pending page")
    assert client.get(f"/api/v1/complaints/{complaint.ref}").json()["text"] == ""
    photo = complaint.photos.get()
    assert client.get(reverse("photo", args=[photo.pk, "public"])).status_code == 404
    with pytest.raises(actions.NotAllowed):
        actions.publish(complaint, persona("dpupr"), "Lampu jalan mati.")
    actions.publish(complaint, persona("tim"),
                    "Lampu jalan mati, kata Pak Darsono hubungi 0812 3456 7890.")
    complaint.refresh_from_db()
    assert complaint.events.filter(kind="published").exists()
    shown = public_face.public_view(complaint)
    assert shown.text == "Lampu jalan mati, kata Pak [NAMA] hubungi [TELEPON]."
    assert [p.tag for p in shown.photos] == ["before"]
    assert client.get(reverse("photo", args=[photo.pk, "public"])).status_code == 200


def test_staff_approve_the_wording_from_the_complaint_page(client, nasty, login):
    road = nasty["road"]
    login("tim")
    page = client.get(reverse("staff:detail", args=[road.ref])).content.decode()
    assert 'id="public-text"' in page
    response = client.post(reverse("staff:act", args=[road.ref, "publish"]),
                           {"note": "Jalan berlubang besar."})
    assert response.status_code == 302
    road.refresh_from_db()
    assert (road.public_text_state, road.public_wording) == ("approved", "Jalan berlubang besar.")


def test_identity_complaint_shows_category_place_and_status_only(client, nasty):
    identity = nasty["identity"]
    shown = public_face.public_view(identity)
    assert shown.photos == [] and shown.before_after_url is None and shown.point is None
    api = client.get(f"/api/v1/complaints/{identity.ref}").json()
    assert api["photos"] == [] and api["lat"] is None
    [row] = client.get(f"/open311/v2/requests/{identity.ref}.json").json()
    assert row["media_url"] is None and row["lat"] is None
    refs = [f["properties"]["ref"] for f in client.get("/peta/titik.json").json()["features"]]
    assert identity.ref not in refs  # a point of an identity category is a home
