"""An official links Telegram or WhatsApp with a one-time code from the staff page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import LinkCode
from aduan.channels.officials import linking
from aduan.channels.officials.tests.helpers import RT01_WA, RT03_CHAT, tg_update, wa_message
from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.helpers import drain
from aduan.complaints.models import Complaint
from aduan.org.models import Official

pytestmark = pytest.mark.django_db(transaction=True)


def _texts(telegram_api, chat=RT03_CHAT):
    return [r.json()["text"] for r in telegram_api.sent("/sendMessage")
            if r.json()["chat_id"] == str(chat)]


def test_staff_page_shows_a_one_time_code_stored_hashed(client, login, city_channels):
    login("rt03.kemlayan")
    page = client.get("/petugas/kanal/tautkan/")
    assert page.status_code == 200 and "Buat kode tautan" in page.content.decode()
    page = client.post("/petugas/kanal/tautkan/")
    html = page.content.decode()
    row = LinkCode.objects.get()
    code = page.context["code"]
    assert f"/start {code}" in html and f"TAUTKAN {code}" in html
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at - timezone.now() <= linking.CODE_TTL
    assert "no-store" in page["Cache-Control"]
    client.post("/petugas/kanal/tautkan/")  # a new code replaces the old one
    assert LinkCode.objects.count() == 1


def test_page_needs_a_position(client, city_channels, django_user_model):
    client.force_login(django_user_model.objects.create_user("warga"))
    assert client.get("/petugas/kanal/tautkan/").status_code == 403


def test_telegram_start_with_valid_code_links_every_position(client, city_channels, persona,
                                                             telegram_api):
    tg, _ = city_channels
    user = persona("rt03.kemlayan")
    second = Official.objects.create(user=user, unit=Official.objects.get(user=user).unit.parent,
                                     role="staff")
    code, _ = linking.new_code(user)
    assert post_telegram(client, tg, tg_update(f"/start {code.lower()}")).status_code == 200
    drain()
    assert set(Official.objects.filter(user=user).values_list("telegram_chat_id", flat=True)) == {
        str(RT03_CHAT)}
    second.refresh_from_db()
    assert "Terhubung" in _texts(telegram_api)[0] and "Bu Tini" in _texts(telegram_api)[0]
    assert Complaint.objects.filter(channel="telegram").count() == 0
    # The code works once.
    post_telegram(client, tg, tg_update(f"/start {code}", chat=9999999))
    drain()
    assert "tidak dikenal" in _texts(telegram_api, 9999999)[0]
    assert not Official.objects.filter(telegram_chat_id="9999999").exists()


def test_whatsapp_tautkan_links_the_number(client, city_channels, persona, graph):
    user = persona("rt01.kemlayan")
    code, _ = linking.new_code(user)
    assert post_meta(client, wa_message(f"  tautkan   {code} ")).status_code == 200
    drain()
    assert Official.objects.get(user=user).whatsapp_number == RT01_WA
    body = graph.sent("/messages")[-1].json()
    assert body["to"] == RT01_WA and "Terhubung" in body["text"]["body"]
    assert not Complaint.objects.filter(reporter__handle=RT01_WA).exists()


def test_expired_code_is_refused(client, city_channels, persona, telegram_api):
    tg, _ = city_channels
    user = persona("rt03.kemlayan")
    code, row = linking.new_code(user)
    LinkCode.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    post_telegram(client, tg, tg_update(f"/start {code}"))
    drain()
    assert "kedaluwarsa" in _texts(telegram_api)[0]
    assert not Official.objects.filter(user=user).exclude(telegram_chat_id="").exists()
    assert Complaint.objects.filter(channel="telegram").count() == 0


def test_wrong_code_is_refused_and_guessing_is_limited(client, city_channels, persona,
                                                       telegram_api):
    tg, _ = city_channels
    linking.new_code(persona("rt03.kemlayan"))
    for _ in range(linking.MAX_FAILURES + 1):
        post_telegram(client, tg, tg_update("/start ABCDEFGH"))
    drain()
    texts = _texts(telegram_api)
    assert "tidak dikenal" in texts[0] and "Terlalu banyak" in texts[-1]
    assert not Official.objects.exclude(telegram_chat_id="").exists()
    assert Complaint.objects.filter(channel="telegram").count() == 0


def test_a_chat_belongs_to_one_person(city_channels, persona):
    tg, _ = city_channels
    linking.link(tg, "555", linking.new_code(persona("rt03.kemlayan"))[0])
    linking.link(tg, "555", linking.new_code(persona("rt01.kemlayan"))[0])
    assert linking.linked_user("telegram", "555") == persona("rt01.kemlayan")
    assert Official.objects.filter(telegram_chat_id="555").count() == 1


def test_unlinked_senders_still_open_citizen_complaints(client, city_channels, persona):
    tg, _ = city_channels
    post_telegram(client, tg, tg_update("Lampu jalan di gang Kemlayan mati sejak kemarin",
                                        chat=7777777))
    post_meta(client, wa_message("TERIMA kasih, ada sampah menumpuk di kali", sender="628999"))
    drain()
    assert Complaint.objects.filter(reporter__handle="7777777").count() == 1
    assert Complaint.objects.filter(reporter__handle="628999").count() == 1


def test_linked_official_free_text_gets_help_not_a_complaint(client, city_channels, persona,
                                                              telegram_api):
    tg, _ = city_channels
    linking.link(tg, str(RT03_CHAT), linking.new_code(persona("rt03.kemlayan"))[0])
    before = Complaint.objects.count()
    post_telegram(client, tg, tg_update("Jalan di gang saya berlubang"))
    drain()
    assert Complaint.objects.count() == before
    assert "Perintah tidak dikenali" in _texts(telegram_api)[0]
