"""Issue 13 item 5 on the staff page: "Aduan lain dari pelapor ini" lists the same
citizen's other complaints across channels (reporters a channel proved to share a phone
number), only for those who may see the reporter's name, never a confidential one outside
the triage team, never one the viewer may not open, never a phone number."""

import pytest
from django.urls import reverse

from aduan.complaints import actions
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.models import Complaint
from aduan.org.models import Unit
from aduan.privacy import reporter

from .cases import KEMLAYAN, RT03, RW05

pytestmark = pytest.mark.django_db

WA = "6281234567890"
PANEL = "Aduan lain dari pelapor ini"


def _open(text: str, category: str, **who) -> object:
    return open_complaint(IncomingMessage(text=text, region_code=KEMLAYAN, rw=5, rt=3,
                                          category_code=category, **who))


@pytest.fixture
def citizen(city):
    """One citizen on WhatsApp and on Telegram (shared their own contact), and a web form
    where somebody typed the same number."""
    whatsapp = dict(channel="whatsapp", handle=WA, name="Siti Aminah", phone=WA,
                    verified_phone=WA)
    telegram = dict(channel="telegram", handle="1111111", name="Siti A.",
                    phone="+62 812-3456-7890", verified_phone="+62 812-3456-7890")
    here = _open("Lampu gang mati sejak minggu lalu, gelap sekali kalau malam.",
                 "layanan_wilayah", **whatsapp)
    here = actions.assign(here, Unit.objects.get(code=RT03), None, "RT setempat")
    same = _open("Jalan di depan masjid berlubang besar, motor sering jatuh.", "jalan",
                 **telegram)
    same = actions.assign(same, Unit.objects.get(code=RW05), None, "RW setempat")
    secret = _open("Pos ronda rusak atapnya bocor, mohon diperbaiki.", "layanan_wilayah",
                   confidential=True, **telegram)
    secret = actions.assign(secret, Unit.objects.get(code=RW05), None, "RW setempat")
    elsewhere = _open("Saluran air tersumbat sampah di depan pasar.", "jalan",
                      **{**telegram, "handle": "1111111"})
    elsewhere = actions.assign(elsewhere, Unit.objects.get(code="dpupr"), None, "Dinas")
    typed = _open("Sampah menumpuk di depan pasar tiga hari.", "layanan_wilayah",
                  channel="web", name="Orang Lain", phone="0812 3456 7890")
    anonymous = _open("Ada pungutan liar di pasar.", "layanan_wilayah", anonymous=True,
                      **{**telegram, "handle": "1111111"})
    return dict(here=here, same=same, secret=secret, elsewhere=elsewhere, typed=typed,
                anonymous=anonymous)


def _page(client, login, who, complaint) -> str:
    login(who)
    response = client.get(reverse("staff:detail", args=[complaint.ref]))
    assert response.status_code == 200
    return response.content.decode()


def test_triage_team_sees_the_citizens_other_complaints(citizen, client, login):
    page = _page(client, login, "tim", citizen["here"])
    assert PANEL in page
    for shown in ("same", "secret", "elsewhere"):
        assert citizen[shown].ref in page, shown
    for hidden in ("typed", "anonymous"):  # a typed number proves nothing; anonymous stays so
        assert citizen[hidden].ref not in page, hidden
    assert WA not in page and "0812 3456 7890" not in page and "812-3456" not in page


def test_rt_head_never_sees_the_list(citizen, client, login):
    page = _page(client, login, "rt03.kemlayan", citizen["here"])
    assert PANEL not in page and citizen["same"].ref not in page


def test_an_official_sees_only_what_they_may_open_and_nothing_confidential(citizen, client,
                                                                            login):
    page = _page(client, login, "lurah.kemlayan", citizen["here"])
    assert PANEL in page and citizen["same"].ref in page
    assert citizen["secret"].ref not in page  # would name a confidential reporter
    assert citizen["elsewhere"].ref not in page  # owned by a dinas the lurah cannot open


def test_the_list_is_two_indexed_queries(citizen, persona, django_assert_num_queries):
    user = persona("tim")
    complaint = Complaint.objects.select_related("reporter", "owner").get(  # as the page reads it
        pk=citizen["here"].pk)
    reporter.level_for(user, complaint)  # the user's positions, read once per request
    with django_assert_num_queries(2):  # the citizen's reporter ids, then their complaints
        others = reporter.other_complaints(user, complaint)
    assert {c.ref for c in others} == {citizen[k].ref for k in ("same", "secret", "elsewhere")}
    assert reporter.other_complaints(user, citizen["typed"]) == []
    assert reporter.other_complaints(user, citizen["anonymous"]) == []
