"""English is available everywhere a citizen or an official looks, and Indonesian stays the
default: the compiled catalogue (aduan/locale/en) must cover the pages people use."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _page(client, url: str, language: str | None) -> str:
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _pages(client, city, login, language):
    light = city["complaints"][1]  # the demo street light: resolved, waiting for the citizen
    pages = {
        "home": _page(client, reverse("home"), language),
        "form": _page(client, reverse("citizen:new"), language),
        "track": _page(client, reverse("citizen:track", args=[light.token]), language),
        "login": _page(client, reverse("login"), language),
    }
    login("tim")
    pages["queue"] = _page(client, reverse("staff:home"), language)
    pages["inbox"] = _page(client, reverse("staff:inbox"), language)
    return pages


# (page, English text, its Indonesian original)
PHRASES = [
    ("home", "Tell us your complaint, we will follow it up.",
     "Sampaikan aduan Anda, kami tindak lanjuti."),
    ("home", "Track a complaint", "Lacak aduan"),
    ("home", "Staff login", "Masuk petugas"),
    ("form", "What needs fixing?", "Apa yang perlu ditangani?"),
    ("form", "Send without my name (anonymous)", "Kirim tanpa nama (anonim)"),
    ("form", "— I don&#x27;t know —", "— saya tidak tahu —"),
    ("form", "Street lighting", "Penerangan jalan umum"),
    ("track", "Complaint number", "Nomor aduan"),
    ("track", "Resolved, awaiting confirmation", "Selesai, menunggu konfirmasi"),
    ("track", "Has the problem been fixed?", "Apakah masalahnya sudah beres?"),
    ("track", "Complaint received", "Aduan diterima"),
    ("track", "Complaint history", "Perjalanan aduan"),
    ("track", "· System</div>", "· Sistem</div>"),
    ("login", "Username", "Nama pengguna"),
    ("login", "Password", "Kata sandi"),
    ("queue", "Complaint queue", "Antrean aduan"),
    ("queue", "All open", "Semua yang terbuka"),
    ("queue", "In progress", "Sedang ditangani"),
    ("queue", "Log out", "Keluar"),
    ("inbox", "Triage inbox", "Kotak masuk triase"),
]


def test_pages_in_english_when_chosen(client, city, login):
    pages = _pages(client, city, login, "en")
    for name, english, indonesian in PHRASES:
        assert english in pages[name], (name, english)
        assert indonesian not in pages[name], (name, indonesian)
    for name, html in pages.items():
        assert '<html lang="en">' in html, name


def test_pages_in_indonesian_without_a_cookie(client, city, login):
    pages = _pages(client, city, login, None)
    for name, english, indonesian in PHRASES:
        assert indonesian in pages[name], (name, indonesian)
        assert english not in pages[name], (name, english)
    for name, html in pages.items():
        assert '<html lang="id">' in html, name


def test_every_message_is_translated():
    """No empty or fuzzy entry left in the English catalogue."""
    from pathlib import Path

    po = (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""')]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not untranslated and not fuzzy
    assert (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.mo").exists()
