"""`aduan generate`: synthetic history that the rest of the system accepts as its own."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from aduan.complaints.generate import generate
from aduan.complaints.models import OPEN, Complaint, Event
from aduan.evidence.models import BeforeAfter, Photo
from aduan.org.staffing import staffed_unit_ids
from aduan.regions import geo
from aduan.regions.models import Region

# The status each kind of event leaves a complaint in (events that change no status omitted).
LEAVES = {"received": "new", "assigned": "assigned", "acknowledged": "in_progress",
          "progress": "in_progress", "asked_citizen": "waiting_citizen",
          "citizen_message": "in_progress", "reopened": "in_progress", "resolved": "resolved",
          "confirmed": "closed", "closed": "closed", "rejected": "rejected",
          "forwarded": "forwarded"}


@pytest.fixture
def history(city):
    before = Complaint.objects.count()
    result = generate(600, 90, seed=7, batch=250)
    assert result.complaints == 600 and result.events > 600 * 3
    assert Complaint.objects.count() == before + 600
    return result


def test_every_open_complaint_is_owned_with_a_deadline(history, capsys):
    call_command("sla_audit")  # exits 1 (SystemExit) on an orphan
    out = capsys.readouterr().out
    assert "aduan terbuka" in out and "tanpa petugas aktif" in out
    assert not Complaint.objects.filter(status__in=OPEN, next_due__isnull=True).exists()
    closed = Complaint.objects.exclude(status__in=OPEN)
    assert not closed.filter(next_due__isnull=False).exists()
    assert not closed.filter(closed_at__isnull=True).exists()


def test_statuses_match_their_timelines(history):
    now = timezone.now()
    checked = 0
    for complaint in Complaint.objects.prefetch_related("events").order_by("pk"):
        events = list(complaint.events.all())
        assert events[0].kind == "received"
        assert all(complaint.created_at <= e.created_at <= now for e in events)
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        changes = [LEAVES[e.kind] for e in events if e.kind in LEAVES]
        assert changes[-1] == complaint.status, (complaint.ref, [e.kind for e in events])
        checked += 1
    assert checked >= 600


def test_the_mix_looks_like_solo(history):
    complaints = Complaint.objects.all()
    channels = Counter(complaints.values_list("channel", flat=True))
    total = sum(channels.values())
    assert 0.55 < channels["whatsapp"] / total < 0.77
    assert {"web", "instagram", "facebook", "telegram", "email"} <= set(channels)
    statuses = Counter(complaints.values_list("status", flat=True))
    assert statuses["closed"] > total / 2
    assert statuses["in_progress"] + statuses["assigned"] > 0
    kinds = Counter(Event.objects.values_list("kind", flat=True))
    for kind in ("acknowledged", "progress", "resolved", "escalated", "reopened", "rated",
                 "asked_citizen", "rejected", "forwarded"):
        assert kinds[kind] > 0, kind
    assert len(Counter(complaints.values_list("category_id", flat=True))) >= 15
    assert complaints.filter(rating__isnull=False).count() > total / 10


def test_places_lie_inside_their_kelurahan(history):
    boundaries = dict(Region.objects.filter(boundary__isnull=False).values_list("code",
                                                                                 "boundary"))
    rows = Complaint.objects.filter(lat__isnull=False).values_list("region_id", "lat", "lng")
    assert rows.count() >= 600
    assert len({r[0] for r in rows}) > 30  # spread over the city's kelurahan
    for code, lat, lng in rows:
        assert geo.contains(boundaries[code], lat, lng)


def test_resolutions_carry_an_after_photo_and_owners_can_answer(history):
    staffed = staffed_unit_ids()
    for event in Event.objects.filter(kind="resolved").select_related("complaint")[:300]:
        ids = event.data["photos"]
        assert ids and Photo.objects.filter(pk__in=ids, complaint=event.complaint,
                                            tag="after").count() == len(ids)
    assert BeforeAfter.objects.filter(complaint__status__in=["resolved", "closed"]).exists()
    for event in Event.objects.filter(kind="assigned", data__automatic=True)[:300]:
        assert event.data["to"] in staffed  # routing never picked an unstaffed unit
    some = Photo.objects.filter(tag="after").first()
    assert some.public.storage.exists(some.public.name)


def test_the_command_reports_its_rate_and_fills_the_dashboard_figures(city):
    from io import StringIO

    out = StringIO()
    call_command("generate", complaints=120, days=30, seed=3, quiet=True, stdout=out)
    assert "120 aduan" in out.getvalue() and "aduan/detik" in out.getvalue()
    assert Complaint.objects.count() == len(city["complaints"]) + 120
    call_command("sla_audit", stdout=StringIO())  # exit 0: nothing open without an owner


def test_bad_arguments_are_refused(city):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate", complaints=-1, days=30)
