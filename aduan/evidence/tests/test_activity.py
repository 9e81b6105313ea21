"""Officials post their work (kegiatan) from a phone; the public sees feeds; a unit's
Instagram/Facebook gets it through the outbox."""

import pytest

from aduan.channels.models import ChannelAccount, OutboxMessage
from aduan.evidence.models import ActivityPost, Photo, ProofWarning
from aduan.evidence.notify import finish_instagram
from aduan.org.models import Official, Unit

from .conftest import phone_photo
from .photos import encode, scene


def upload(name, data, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def post(client, **fields):
    data = {"text": "Kerja bakti membersihkan saluran di RT 03.", "is_public": "on", **fields}
    return client.post("/petugas/kegiatan/baru/", data)


def test_post_with_before_and_after(login, client):
    user = login("rt03.kemlayan")
    response = post(client, before=[upload("a.jpg", phone_photo(1))],
                    after=[upload("b.heic", phone_photo(2, fmt="HEIF"), "image/heic")])
    item = ActivityPost.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/kegiatan/petugas/{item.official_id}/"
    assert item.official.user == user and item.unit.code == "rt-33-72-02-1007-05-03"
    assert sorted(item.photos.values_list("tag", flat=True)) == ["after", "before"]
    assert item.image  # before/after picture made at once


def test_progress_photo_only_png(login, client):
    login("lurah.kemlayan")
    post(client, progress=[upload("p.png", encode(scene(3), "PNG"), "image/png")])
    assert ActivityPost.objects.get().photos.get().tag == "progress"
    assert not ActivityPost.objects.get().image


def test_needs_a_photo_and_refuses_non_images(login, client):
    login("rt03.kemlayan")
    assert "Lampirkan minimal satu foto" in post(client).content.decode()
    page = post(client, after=[upload("x.jpg", b"not a picture at all")]).content.decode()
    assert "bukan foto" in page
    assert not ActivityPost.objects.exists()


def test_text_is_masked(login, client):
    login("rt03.kemlayan")
    post(client, text="Rumah Pak Budi (0812-3456-7890) sudah dibersihkan.",
         progress=[upload("a.jpg", phone_photo(4))])
    assert "0812" not in ActivityPost.objects.get().text


def test_linked_complaint_gets_the_photos_and_their_checks(city, login, client):
    login("dpupr")
    road = city["complaints"][0]
    post(client, complaint=road.ref.lower(), after=[upload("a.png", encode(scene(5), "PNG"),
                                                           "image/png")])
    photo = Photo.objects.get(activity__isnull=False)
    assert photo.complaint_id == road.pk and photo.tag == "after"
    assert ProofWarning.objects.filter(complaint=road, kind="no_capture").exists()


def test_cannot_link_a_complaint_outside_ones_units(city, login, client):
    login("rt03.kemlayan")
    light = city["complaints"][1]  # Manahan, Dishub
    page = post(client, complaint=light.ref, progress=[upload("a.jpg", phone_photo(6))])
    assert "di luar wewenang" in page.content.decode()


def test_feeds_show_title_not_person(login, client, persona):
    login("rt03.kemlayan")
    post(client, progress=[upload("a.jpg", phone_photo(7))])
    client.logout()
    item = ActivityPost.objects.get()
    for url in ("/kegiatan/", "/kegiatan/unit/kel-33-72-02-1007/",
                f"/kegiatan/petugas/{item.official_id}/"):
        page = client.get(url).content.decode()
        assert "Kerja bakti" in page, url
        assert "Ketua RT 03/RW 05 Kemlayan" in page
        assert "Bu Tini" not in page and "rt03.kemlayan" not in page
    assert "Kerja bakti" not in client.get("/kegiatan/unit/kel-33-72-05-1011/").content.decode()


def test_private_post_stays_off_the_feeds(login, client):
    login("rt03.kemlayan")
    client.post("/petugas/kegiatan/baru/", {"text": "Rapat internal RT.",
                                            "progress": [upload("a.jpg", phone_photo(8))]})
    assert ActivityPost.objects.get().is_public is False
    assert "Rapat internal" not in client.get("/kegiatan/").content.decode()


def test_feed_queries_do_not_grow(login, client, django_assert_max_num_queries):
    login("rt03.kemlayan")
    for i in range(4):
        post(client, progress=[upload("a.jpg", phone_photo(20 + i))])
    client.logout()
    with django_assert_max_num_queries(4):
        assert client.get("/kegiatan/").status_code == 200


def test_needs_a_position(db, client, django_user_model):
    client.force_login(django_user_model.objects.create(username="warga"))
    assert client.get("/petugas/kegiatan/baru/").status_code == 403


@pytest.fixture
def unit_accounts(city, graph):
    kelurahan = Unit.objects.get(code="kel-33-72-02-1007")
    ig = ChannelAccount.objects.create(kind="instagram", account_id="17841400001",
                                       token=graph.token, unit=kelurahan)
    fb = ChannelAccount.objects.create(kind="facebook", account_id="10440001",
                                       token=graph.token, unit=kelurahan)
    return ig, fb


def test_publish_to_the_units_instagram_and_facebook(unit_accounts, login, client, graph):
    from aduan.channels.outbox import deliver

    login("rt03.kemlayan")  # the RT has no account: its kelurahan's accounts are used
    post(client, publish_to_social="on", before=[upload("a.jpg", phone_photo(9))],
         after=[upload("b.jpg", phone_photo(10))])
    item = ActivityPost.objects.get()
    assert item.social_status == "queued"
    fb = OutboxMessage.objects.get(key=f"activity:{item.pk}:facebook")
    assert fb.payload["path"] == "10440001/photos"
    assert fb.payload["body"]["url"].endswith(f"/kegiatan/{item.pk}/foto.jpg")
    assert "Kerja bakti" in fb.payload["body"]["caption"]
    media = OutboxMessage.objects.get(key=f"activity:{item.pk}:instagram:media")
    assert media.payload["path"] == "17841400001/media"
    assert finish_instagram(item.pk) == "waiting"  # container not created yet
    assert deliver(media.pk) == "sent" and deliver(fb.pk) == "sent"
    assert finish_instagram(item.pk) == "publishing"
    publish = OutboxMessage.objects.get(key=f"activity:{item.pk}:instagram:publish")
    assert publish.payload == {"path": "17841400001/media_publish", "body": {
        "creation_id": OutboxMessage.objects.get(pk=media.pk).provider_message_id}}
    assert deliver(publish.pk) == "sent"
    assert [s.path for s in graph.sent("/media")][:1] == ["/v23.0/17841400001/media"]


def test_failed_container_marks_the_post(unit_accounts, login, client):
    login("rt03.kemlayan")
    post(client, publish_to_social="on", progress=[upload("a.jpg", phone_photo(11))])
    item = ActivityPost.objects.get()
    OutboxMessage.objects.filter(key__endswith="instagram:media").update(
        status="parked", last_error="(#9004) media url not reachable")
    assert finish_instagram(item.pk) == "failed"
    item.refresh_from_db()
    assert item.social_status == "failed" and "9004" in item.social_error


def test_no_social_account_says_so(city, login, client):
    login("lurah.manahan")
    post(client, publish_to_social="on", progress=[upload("a.jpg", phone_photo(12))])
    item = ActivityPost.objects.get()
    assert item.social_status == "failed"
    assert not OutboxMessage.objects.exists()


def test_choose_position_when_holding_two(city, login, client):
    user = login("lurah.kemlayan")
    second = Official.objects.create(user=user, unit=Unit.objects.get(code="kel-33-72-05-1011"),
                                     role="lurah", title="Plt. Lurah Manahan")
    page = client.get("/petugas/kegiatan/baru/").content.decode()
    assert "Plt. Lurah Manahan" in page
    post(client, position=second.pk, progress=[upload("a.jpg", phone_photo(13))])
    assert ActivityPost.objects.get().official == second
