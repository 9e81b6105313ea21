"""The citizen's web form and tracking page, over real HTTP requests to the app."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aduan.complaints.models import Complaint, Status

pytestmark = pytest.mark.django_db

NIK = "3372024107850003"


def _submit(client, jpeg, **extra):
    data = {
        "text": f"Lampu jalan mati di gang RT 3 RW 5 Kemlayan, NIK saya {NIK} hp 081234567890",
        "kelurahan": "33.72.02.1007", "rt": "3", "rw": "5", "name": "Sari",
        "contact": "081234567890",
        "photos": [SimpleUploadedFile("lampu.jpg", jpeg(), content_type="image/jpeg")],
    }
    data.update(extra)
    return client.post(reverse("citizen:new"), data)


def test_form_page_renders_in_indonesian(city, client):
    page = client.get(reverse("citizen:new")).content.decode()
    assert "Kirim aduan" in page and "Kemlayan" in page


def test_submit_gives_reference_and_private_tracking_link(city, client, jpeg):
    response = _submit(client, jpeg)
    assert response.status_code == 302
    complaint = Complaint.objects.order_by("-id").first()
    assert response["Location"] == complaint.tracking_path()
    assert complaint.region_id == "33.72.02.1007" and complaint.rt == 3
    assert complaint.photos.filter(tag="before", by_citizen=True).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert complaint.ref in page
    assert NIK not in page and "081234567890" not in page and "Sari" not in page


def test_public_page_by_reference_has_no_personal_data(city, client, jpeg):
    _submit(client, jpeg)
    complaint = Complaint.objects.order_by("-id").first()
    page = client.get(reverse("citizen:public", args=[complaint.ref])).content.decode()
    assert complaint.ref in page
    assert NIK not in page and "081234567890" not in page
    assert complaint.token not in page  # the private link must not leak through the reference
    assert not re.search(r"konfirmasi|Tambah informasi", page)


def test_fake_image_is_refused_with_clear_error(city, client):
    fake = SimpleUploadedFile("foto.jpg", b"this is not a photo at all", content_type="image/jpeg")
    response = client.post(reverse("citizen:new"), {"text": "Jalan rusak parah sekali",
                                                    "photos": [fake]})
    assert response.status_code == 200
    assert "foto.jpg" in response.content.decode()
    assert not Complaint.objects.filter(text="Jalan rusak parah sekali").exists()


def test_too_short_text_and_bad_contact(city, client):
    before = Complaint.objects.count()
    response = client.post(reverse("citizen:new"), {"text": "rusak", "contact": "abc"})
    assert response.status_code == 200 and Complaint.objects.count() == before


def test_citizen_confirms_rates_or_reopens(city, client, persona, jpeg):
    from aduan.complaints import actions
    from aduan.evidence.store import save_photo

    _submit(client, jpeg)
    complaint = Complaint.objects.order_by("-id").first()
    officer = persona("tim")
    complaint = actions.assign(complaint, complaint.owner, officer) if complaint.status == "new" \
        else complaint
    actions.acknowledge(complaint, officer)
    save_photo(jpeg((20, 150, 20)), complaint=complaint, tag="after", user=officer)
    actions.resolve(complaint, officer, "Lampu diganti")
    client.post(reverse("citizen:reopen", args=[complaint.token]), {"reason": "Masih mati"})
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    actions.resolve(complaint, officer, "Kabel diperbaiki")
    client.post(reverse("citizen:confirm", args=[complaint.token]))
    client.post(reverse("citizen:rate", args=[complaint.token]), {"stars": "4"})
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.rating == 4


def test_add_information_with_photo(city, client, jpeg):
    _submit(client, jpeg)
    complaint = Complaint.objects.order_by("-id").first()
    client.post(reverse("citizen:add", args=[complaint.token]), {
        "text": "Tambahan: tiangnya juga miring",
        "photos": [SimpleUploadedFile("x.png", jpeg(), content_type="image/png")]})
    assert complaint.events.filter(kind="citizen_message").count() == 1
    assert complaint.photos.count() == 2


def test_unknown_token_and_reference_are_404(city, client):
    assert client.get(reverse("citizen:track", args=["nope"])).status_code == 404
    assert client.get(reverse("citizen:lookup") + "?ref=SKA-0000-0000").status_code == 404


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
