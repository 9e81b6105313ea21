"""/privasi/ and /tentang/: in Bahasa Indonesia, English available, linked at every point
of collection (footer, complaint form, first chat reply)."""

import pytest
from django.urls import reverse

from aduan.complaints.intake import acknowledgement_text
from aduan.complaints.models import Complaint
from aduan.worker import run_until_empty

from . import cases

pytestmark = pytest.mark.django_db

NOTICE_SECTIONS = ["Data yang kami kumpulkan", "Untuk apa", "Siapa yang melihat",
                   "Berapa lama disimpan", "Hak Anda dan cara memakainya", "Kontak"]


def test_privacy_notice_in_indonesian_with_the_city_periods(client):
    page = client.get("/privasi/")
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Language"] == "id"
    for heading in NOTICE_SECTIONS:
        assert heading in html
    assert "90 hari" in html and "365 hari" in html and "730 hari" in html
    assert "UU PDP" in html and "3 × 24 jam" in html
    assert 'href="/privasi/?lang=en"' in html


def test_english_by_link_and_by_the_language_choice(client, settings):
    html = client.get("/privasi/?lang=en").content.decode()
    assert "Privacy notice" in html and "Who sees it" in html and "Your rights" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "What we never publish" in client.get("/tentang/").content.decode()


def test_about_says_what_is_and_is_never_published(client):
    html = client.get("/tentang/").content.decode()
    assert "Yang kami terbitkan" in html and "Yang tidak pernah kami terbitkan" in html
    assert 'href="/privasi/"' in html


def test_linked_from_the_footer_and_the_form(city, client):
    for path in ("/", reverse("citizen:new"), "/privasi/"):
        html = client.get(path).content.decode()
        assert 'href="/privasi/"' in html and 'href="/tentang/"' in html, path
    form = client.get(reverse("citizen:new")).content.decode()
    assert 'name="confidential"' in form and 'name="about_official"' in form


def test_the_first_chat_reply_links_the_notice(city, settings):
    complaint = cases.ordinary()
    assert f"{settings.PUBLIC_URL}/privasi/" in acknowledgement_text(complaint)


def test_confidential_from_the_web_form(city, client):
    response = client.post(reverse("citizen:new"), {
        "text": "Pos ronda rusak atapnya bocor, mohon diperbaiki.", "kelurahan": cases.KEMLAYAN,
        "rw": "5", "rt": "3", "name": "Dewi Lestari", "contact": "081355566677",
        "confidential": "on"})
    assert response.status_code == 302
    run_until_empty()  # the worker opens a web complaint of words only
    complaint = Complaint.objects.get(reporter__phone="081355566677")
    assert complaint.confidential and not complaint.anonymous
    anonymous = client.post(reverse("citizen:new"), {
        "text": "Lampu taman mati sejak kemarin malam.", "kelurahan": cases.KEMLAYAN,
        "contact": "", "anonymous": "on", "confidential": "on"})
    assert anonymous.status_code == 302
    run_until_empty()
    assert not Complaint.objects.filter(anonymous=True, confidential=True).exists()
