"""Least privilege: RT/RW heads see a first name; officials who act see contact details
only on a reveal with a reason; every view is logged and readable (only) in the admin."""

import pytest
from django.urls import reverse

from aduan.channels.officials.notify import compose
from aduan.privacy import reporter
from aduan.privacy.models import IdentityView

from . import cases

pytestmark = pytest.mark.django_db


def _reveal(client, complaint, reason="menelepon untuk memastikan lokasi lampu"):
    return client.post(reverse("privacy:reveal", args=[complaint.ref]), {"reason": reason})


@pytest.mark.parametrize("who", ["rt03.kemlayan", "rw05.kemlayan", "walikota"])
def test_neighbourhood_heads_and_readers_never_get_contact(who, city, client, login):
    complaint = cases.ordinary()
    login(who)
    page = client.get(reverse("staff:detail", args=[complaint.ref])).content.decode()
    assert "Tampilkan kontak" not in page
    assert _reveal(client, complaint).status_code == 403
    assert not IdentityView.objects.filter(via="reveal").exists()


@pytest.mark.parametrize("who", ["lurah.kemlayan", "camat.serengan", "tim"])
def test_acting_officials_reveal_with_a_reason_and_it_is_logged(who, city, client, login):
    complaint = cases.ordinary()
    user = login(who)
    page = client.get(reverse("staff:detail", args=[complaint.ref])).content.decode()
    assert "Tampilkan kontak" in page and cases.SITI.phone not in page
    refused = _reveal(client, complaint, reason="")
    assert refused.status_code == 302 and not IdentityView.objects.filter(via="reveal").exists()
    shown = _reveal(client, complaint)
    html = shown.content.decode()
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    assert cases.SITI.phone in html and cases.SITI.email in html
    log = IdentityView.objects.get(via="reveal")
    assert log.user == user and log.complaint == complaint
    assert log.reason == "menelepon untuk memastikan lokasi lampu"
    assert "phone" in log.fields and "email" in log.fields


def test_confidential_contact_only_for_the_triage_team(city, client, login):
    complaint = cases.confidential()
    login("lurah.kemlayan")
    assert _reveal(client, complaint).status_code == 403
    login("tim")
    html = _reveal(client, complaint).content.decode()
    assert cases.DEWI.phone in html


def test_the_rule_itself(city, persona):
    ordinary, secret = cases.ordinary(), cases.confidential()
    L = reporter.Level
    expected = {"tim": (L.NAME, L.NAME), "lurah.kemlayan": (L.NAME, L.NOTHING),
                "rw05.kemlayan": (L.FIRST_NAME, L.NOTHING),
                "rt03.kemlayan": (L.FIRST_NAME, L.NOTHING),
                "walikota": (L.FIRST_NAME, L.NOTHING), "dpupr": (L.NOTHING, L.NOTHING)}
    for who, (plain, confidential) in expected.items():
        user = persona(who)
        assert reporter.level_for(user, ordinary) == plain, who
        assert reporter.level_for(user, secret) == confidential, who
    card = reporter.card(persona("rt03.kemlayan"), ordinary)
    assert card.label == "Siti" and not card.can_reveal and not card.contacts
    assert reporter.first_name("Bu Siti Aminah") == "Siti"


def test_chat_notifications_carry_no_reporter_details(city):
    complaint = cases.ordinary()
    event = complaint.events.filter(kind="assigned").last()
    text = compose(event, complaint, complaint.owner)
    for secret in (cases.SITI.name, cases.SITI.phone, cases.SITI.email, complaint.token):
        assert secret not in text


def test_the_access_log_is_read_only_in_the_admin(city, client, login):
    complaint = cases.ordinary()
    login("lurah.kemlayan")
    client.get(reverse("staff:detail", args=[complaint.ref]))
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    listing = client.get("/admin/privacy/identityview/")
    assert listing.status_code == 200 and complaint.ref in listing.content.decode()
    assert client.get("/admin/privacy/identityview/add/").status_code == 403
    view = IdentityView.objects.first()
    response = client.post(f"/admin/privacy/identityview/{view.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and IdentityView.objects.filter(pk=view.pk).exists()
