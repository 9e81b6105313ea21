"""Role × URL × object, as every persona: tracking links, complaints about officials,
confidential reports and phone numbers for RT/RW heads."""

import json

import pytest
from django.urls import reverse

from aduan.privacy.models import IdentityView

from . import cases

pytestmark = pytest.mark.django_db

# Who may open each complaint's staff page.
SEES = {
    "ordinary": {"tim", "walikota", "camat.serengan", "lurah.kemlayan", "rw05.kemlayan",
                 "rt03.kemlayan"},
    "about_rt": {"tim", "walikota", "camat.serengan", "lurah.kemlayan", "rw05.kemlayan"},
    "confidential": {"tim", "walikota", "camat.serengan", "lurah.kemlayan", "rw05.kemlayan"},
    "road": {"tim", "walikota", "dpupr"},
}
# Who reads the reporter's full name on the page (they may act; RT/RW heads never).
FULL_NAME = {
    "ordinary": {"tim", "camat.serengan", "lurah.kemlayan"},
    "about_rt": {"tim", "camat.serengan", "lurah.kemlayan"},
    "confidential": {"tim"},
    "road": {"tim", "dpupr"},
}
REPORTERS = {"ordinary": cases.SITI, "about_rt": cases.BAMBANG, "confidential": cases.DEWI,
             "road": cases.AGUS}


@pytest.fixture
def world(city):
    return {"ordinary": cases.ordinary(), "about_rt": cases.about_rt(),
            "confidential": cases.confidential(), "road": cases.road()}


def _pages(client, who, world) -> dict[str, str]:
    """Every staff page this persona can reach, as HTML or JSON text."""
    pages = {}
    for path in (reverse("staff:home"), reverse("staff:home") + "?status=all",
                 reverse("staff:inbox"), reverse("staff:notifications"),
                 "/api/v1/me/queue?status=open,closed"):
        response = client.get(path)
        pages[path] = response.content.decode()
    for name, complaint in world.items():
        response = client.get(reverse("staff:detail", args=[complaint.ref]))
        pages[name] = response.content.decode() if response.status_code == 200 else ""
    return pages


@pytest.mark.parametrize("who", cases.PERSONAS)
def test_every_persona(who, world, client, login):
    if who is not None:
        login(who)
    pages = _pages(client, who, world)
    everything = "\n".join(pages.values())
    for name, complaint in world.items():
        # The citizen's private tracking link never reaches a staff page, the API or a list.
        assert complaint.token not in everything, (who, name)
        detail = client.get(reverse("staff:detail", args=[complaint.ref]))
        if who is None:
            assert detail.status_code == 302  # to the login page
        elif who in SEES[name]:
            assert detail.status_code == 200, (who, name)
        else:
            assert detail.status_code == 403, (who, name)
        page = pages[name]
        reporter = REPORTERS[name]
        # No one reads a phone number or e-mail on a page: contact details need a reveal.
        for spelling in reporter.phone_spellings():
            assert spelling not in everything, (who, name, spelling)
        assert reporter.email not in everything
        if who in FULL_NAME[name]:
            assert reporter.name in page, (who, name)
        else:
            assert reporter.last not in page, (who, name)
        if name == "confidential" and who in SEES[name] and who != "tim":
            assert "Pelapor dirahasiakan" in page
            assert reporter.first not in page
        if name == "ordinary" and who in ("rt03.kemlayan", "rw05.kemlayan", "walikota"):
            assert f"Pelapor: {reporter.first}" in page  # the first name only


@pytest.mark.parametrize("who", cases.PERSONAS)
def test_queues_and_api_hold_what_the_page_allows(who, world, client, login):
    if who is not None:
        login(who)
    queue = client.get(reverse("staff:home") + "?status=all")
    api = client.get("/api/v1/me/queue?status=open,closed")
    if who is None:
        assert queue.status_code == 302 and api.status_code == 401
        return
    refs_api = {row["ref"] for row in json.loads(api.content)["results"]}
    html = queue.content.decode()
    for name, complaint in world.items():
        visible = who in SEES[name]
        if who in ("tim",) and complaint.status == "new":
            continue  # waits in the triage inbox, not in the queue
        assert (complaint.ref in html) == visible, (who, name)
        assert (complaint.ref in refs_api) == visible, (who, name)


def test_every_identity_view_is_logged(world, client, login):
    login("lurah.kemlayan")
    before = IdentityView.objects.count()
    client.get(reverse("staff:detail", args=[world["ordinary"].ref]))
    view = IdentityView.objects.order_by("-pk")[0]
    assert IdentityView.objects.count() == before + 1
    assert view.user.username == "lurah.kemlayan" and view.complaint == world["ordinary"]
    assert view.fields == "name" and view.via == "page"
    login("rt03.kemlayan")
    client.get(reverse("staff:detail", args=[world["ordinary"].ref]))
    latest = IdentityView.objects.order_by("-pk")[0]
    assert latest.user.username == "rt03.kemlayan" and latest.fields == "first_name"
