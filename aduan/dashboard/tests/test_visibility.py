"""Who may see and change what, by persona: visibility follows the unit tree."""

import pytest
from django.urls import reverse

from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.models import Status

pytestmark = pytest.mark.django_db


TEXTS = [
    "Got mampet di depan rumah warga, banyu ora iso mili",
    "Surat pengantar untuk nikah belum ditandatangani pak RT",
    "Lampu gang mati sejak minggu lalu",
    "Tetangga bakar sampah tiap sore, asapnya masuk rumah",
    "Pos ronda rusak atapnya bocor",
    "Anjing liar berkeliaran menggigit anak kecil",
]


def _rt_complaint(rt: int, n: int = 0):
    text = TEXTS[n]
    from aduan.complaints import actions
    from aduan.org.models import Unit

    complaint = open_complaint(IncomingMessage(
        channel="web", text=text, region_code="33.72.02.1007", rt=rt, rw=5,
        category_code="layanan_wilayah", phone="081298765432", name="Bu Sari"))
    unit = Unit.objects.get(code=f"rt-33-72-02-1007-05-{rt:02d}")
    return actions.assign(complaint, unit, None, "RT setempat")


def test_rt_head_sees_own_rt_but_not_another(city, client, login):
    mine, other = _rt_complaint(3, 0), _rt_complaint(1, 1)
    login("rt03.kemlayan")
    queue = client.get(reverse("staff:home")).content.decode()
    assert mine.ref in queue and other.ref not in queue
    assert client.get(reverse("staff:detail", args=[mine.ref])).status_code == 200
    assert client.get(reverse("staff:detail", args=[other.ref])).status_code == 403
    response = client.post(reverse("staff:act", args=[other.ref, "acknowledge"]), {"note": "x"})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.status == Status.ASSIGNED


def test_rw_and_lurah_see_their_descendants(city, client, login):
    complaint = _rt_complaint(3)
    for who in ("rw05.kemlayan", "lurah.kemlayan", "camat.serengan"):
        login(who)
        assert client.get(reverse("staff:detail", args=[complaint.ref])).status_code == 200
    login("lurah.manahan")
    assert client.get(reverse("staff:detail", args=[complaint.ref])).status_code == 403


def test_dinas_officer_sees_only_what_the_dinas_owns(city, client, login):
    road = open_complaint(IncomingMessage(channel="web", text="Jalan rusak parah di Manahan",
                                          category_code="jalan"))
    rubbish = open_complaint(IncomingMessage(channel="web", text="Sampah menumpuk di pasar",
                                             category_code="sampah"))
    login("dpupr")
    queue = client.get(reverse("staff:home")).content.decode()
    assert road.ref in queue and rubbish.ref not in queue
    assert client.get(reverse("staff:detail", args=[rubbish.ref])).status_code == 403


def test_mayor_sees_everything_read_only(city, client, login):
    complaint = _rt_complaint(3)
    login("walikota")
    page = client.get(reverse("staff:detail", args=[complaint.ref]))
    assert page.status_code == 200
    assert "Hanya baca" in page.content.decode()
    response = client.post(reverse("staff:act", args=[complaint.ref, "acknowledge"]), {})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED


def test_triage_inbox_only_for_triage_team(city, client, login):
    login("rt03.kemlayan")
    assert client.get(reverse("staff:inbox")).status_code == 403
    login("tim")
    assert client.get(reverse("staff:inbox")).status_code == 200


def test_staff_pages_need_login(client, city):
    response = client.get(reverse("staff:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_queue_query_count_is_flat(city, client, login, django_assert_max_num_queries):
    for n in range(5):
        _rt_complaint(3, n + 1)
    login("lurah.kemlayan")
    with django_assert_max_num_queries(12):
        client.get(reverse("staff:home"))


def test_long_queues_are_paged(city, client, login):
    from aduan.dashboard.views import PAGE_SIZE

    login("walikota")
    from aduan.complaints.models import Complaint

    for n in range(PAGE_SIZE + 1 - Complaint.objects.open().count()):
        Complaint.objects.create(ref=f"PAGE-{n:04d}", text="x", owner_id=Complaint.objects
                                 .first().owner_id, status="assigned",
                                 created_at=Complaint.objects.first().created_at)
    first = client.get(reverse("staff:home")).context["page"]
    assert len(first.object_list) == PAGE_SIZE and first.has_next
    second = client.get(reverse("staff:home") + "?page=2").context["page"]
    assert second.has_previous and len(second.object_list) >= 1
    assert not {c.pk for c in first.object_list} & {c.pk for c in second.object_list}


def test_notifications_inbox_lists_and_marks_read(city, client, login):
    from django.utils import timezone

    from aduan.sla.models import Notification

    user = login("lurah.kemlayan")
    complaint = _rt_complaint(3)
    Notification.objects.create(user=user, complaint_id=complaint.pk, kind="escalated",
                                text=f"{complaint.ref}: naik ke Kelurahan",
                                created_at=timezone.now())
    page = client.get(reverse("staff:notifications")).content.decode()
    assert complaint.ref in page and "baru" in page
    client.post(reverse("staff:notifications"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
