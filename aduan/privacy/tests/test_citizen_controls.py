"""The citizen's controls belong to the citizen: confirm, reopen and rate need the private
tracking link; a staff member may only record a confirmation given by phone, as such."""

import pytest
from django.urls import reverse

from aduan.complaints import actions
from aduan.complaints.intake import acknowledgement_text
from aduan.complaints.models import Status
from aduan.evidence.store import save_photo

from . import cases

pytestmark = pytest.mark.django_db


def _resolved(persona, jpeg):
    complaint = cases.ordinary()
    rt = persona("rt03.kemlayan")
    actions.acknowledge(complaint, rt, "Dicek besok.")
    after = save_photo(jpeg(), complaint=complaint, tag="after", user=rt)
    return actions.resolve(complaint, rt, "Lampu sudah diganti.", [after.pk])


@pytest.mark.parametrize("who", ["tim", "lurah.kemlayan", "rw05.kemlayan", "rt03.kemlayan"])
def test_staff_cannot_confirm_reopen_or_rate(who, city, client, login, persona, jpeg):
    complaint = _resolved(persona, jpeg)
    login(who)
    page = client.get(reverse("staff:detail", args=[complaint.ref])).content.decode()
    assert complaint.token not in page and "/lacak/" not in page
    for action in ("confirm", "reopen", "rate"):
        response = client.post(reverse("staff:act", args=[complaint.ref, action]),
                               {"note": "x", "stars": "5"})
        assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.rating is None


def test_the_citizen_confirms_and_rates_with_the_link(city, client, persona, jpeg):
    complaint = _resolved(persona, jpeg)
    assert client.post(reverse("citizen:rate", args=["not-the-token"]),
                       {"stars": "5"}).status_code == 404
    client.post(reverse("citizen:confirm", args=[complaint.token]))
    client.post(reverse("citizen:rate", args=[complaint.token]), {"stars": "4"})
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.rating == 4
    assert complaint.events.get(kind="confirmed").actor_label == "Pelapor"


def test_a_confirmation_by_phone_is_recorded_by_the_official(city, client, login, persona,
                                                             jpeg):
    complaint = _resolved(persona, jpeg)
    login("lurah.kemlayan")
    url = reverse("staff:act", args=[complaint.ref, "record_confirmation"])
    client.post(url, {"note": "", "channel": "telepon"})
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED  # a reason is required
    client.post(url, {"note": "Bu Siti menelepon pukul 10.00, lampu sudah menyala.",
                      "channel": "telepon"})
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    event = complaint.events.get(kind="confirmation_recorded")
    assert event.actor.username == "lurah.kemlayan" and "Lurah" in event.actor_label
    assert event.data == {"channel": "telepon", "recorded_by_staff": True}
    assert not complaint.events.filter(kind="confirmed").exists()
    page = client.get(reverse("staff:detail", args=[complaint.ref])).content.decode()
    assert "dicatat petugas" in page and "Lewat telepon" in page
    public = client.get(reverse("citizen:public", args=[complaint.ref])).content.decode()
    assert "dicatat petugas" in public


def test_the_acknowledgement_carries_the_link_but_the_timeline_does_not(city, client, login):
    complaint = cases.ordinary()
    received = complaint.events.get(kind="received")
    assert complaint.token not in received.note
    text = acknowledgement_text(complaint)
    assert complaint.tracking_url() in text and "/privasi/" in text
    # Old acknowledgements stored the link: the staff timeline hides it all the same.
    received.note = text
    received.save(update_fields=["note"])
    login("tim")
    page = client.get(reverse("staff:detail", args=[complaint.ref])).content.decode()
    assert complaint.token not in page
