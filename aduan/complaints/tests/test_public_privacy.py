"""What the public may see: found by a review, kept by these tests."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aduan.complaints import actions
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_identity_category_photos_are_never_public(city, client, login, jpeg):
    complaint = open_complaint(IncomingMessage(
        channel="web", text="KTP-el saya hilang, ini foto KK saya", category_code="adminduk",
        photos=[jpeg()]))
    photo = complaint.photos.get()
    page = client.get(reverse("citizen:public", args=[complaint.ref])).content.decode()
    assert f"/foto/{photo.pk}/" not in page
    assert client.get(reverse("photo", args=[photo.pk, "public"])).status_code == 404
    login("tim")  # staff who cover the complaint still see it
    assert client.get(reverse("photo", args=[photo.pk, "thumb"])).status_code == 200


def test_reporter_name_is_masked_on_public_pages(city, client, persona):
    complaint = open_complaint(IncomingMessage(
        channel="web", text="Jalan rusak, kata Pak RT Budi Santoso sudah dilaporkan",
        name="Budi Santoso", category_code="jalan"))
    actions.reply(complaint, persona("dpupr"), "Terima kasih Bapak Budi Santoso, kami cek.")
    for url in (reverse("citizen:public", args=[complaint.ref]),
                reverse("citizen:track", args=[complaint.token])):
        page = client.get(url).content.decode()
        assert "Budi Santoso" not in page and "[NAMA]" in page


def test_private_activity_photos_are_not_served(city, client, login, jpeg):
    from aduan.evidence.models import ActivityPost, Photo

    login("rt03.kemlayan")
    client.post("/petugas/kegiatan/baru/", {
        "text": "Rapat internal RT", "position": "",
        "before": [SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")]})
    post = ActivityPost.objects.get()
    assert post.is_public is False
    photo = Photo.objects.get(activity=post)
    client.logout()
    assert client.get(reverse("photo", args=[photo.pk, "public"])).status_code == 404


def test_read_only_mayor_cannot_add_proof_through_an_activity(city, client, login, jpeg):
    complaint = Complaint.objects.filter(category_id="jalan").first()
    login("walikota")
    client.post("/petugas/kegiatan/baru/", {
        "text": "Tinjau lokasi", "complaint": complaint.ref, "is_public": "on",
        "after": [SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")]})
    assert not complaint.photos.filter(tag="after").exists()


def test_merge_into_a_complaint_outside_ones_units_is_refused(city, persona):
    from aduan.org.models import Unit

    def at_rt(rt, text):
        complaint = open_complaint(IncomingMessage(
            channel="web", text=text, region_code="33.72.02.1007", rt=rt, rw=5,
            category_code="layanan_wilayah"))
        return actions.assign(complaint, Unit.objects.get(code=f"rt-33-72-02-1007-05-{rt:02d}"))

    mine, theirs = at_rt(3, "Pos ronda rusak berat"), at_rt(1, "Lampu gang padam total")
    with pytest.raises(actions.NotAllowed):
        actions.merge(mine, theirs, persona("rt03.kemlayan"))
    assert not theirs.events.filter(kind="merged_in").exists()


def test_activity_posts_take_at_most_five_photos(city, client, login, jpeg):
    from aduan.evidence.models import ActivityPost

    login("lurah.kemlayan")
    files = {tag: [SimpleUploadedFile(f"{tag}{i}.jpg", jpeg(), content_type="image/jpeg")
                   for i in range(3)] for tag in ("before", "after")}
    client.post("/petugas/kegiatan/baru/", {"text": "Kerja bakti", "is_public": "on", **files})
    assert not ActivityPost.objects.exists()


@pytest.mark.parametrize("url", [
    "/api/v1/complaints?since=2026-02-30T00:00:00",
    "/api/v1/complaints?page=9999999999999999999999999",
    "/open311/v2/requests.json?page=99999999999999999&page_size=1000",
])
def test_impossible_query_parameters_are_400(client, db, url):
    assert client.get(url).status_code == 400


def test_huge_queue_page_number_is_not_an_error(city, client, login):
    login("tim")
    assert client.get("/petugas/?page=" + "9" * 25).status_code == 200


def test_deeply_nested_open311_body_is_400(city, client):
    body = "[" * 50000 + "]" * 50000
    response = client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 400
