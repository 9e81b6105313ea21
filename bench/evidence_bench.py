"""The mandate page and the public gallery at Surakarta-after-a-few-years scale.

Runs on SQLite in a temporary data folder (no settings needed):

    .venv/bin/python bench/evidence_bench.py           # 100,000 resolved complaints, 10,000 posts
    .venv/bin/python bench/evidence_bench.py --small   # 10,000 / 1,000, for a quick look

Rows are bulk-inserted directly (no image files: lists only build URLs): the demo city
plus 2,000 more RT heads, resolved/closed complaints spread over two years, each with an
`acknowledged` and a `resolved` event, an SLA measure, an after photo and (for 80%) a
before/after gallery row; activity posts spread over the last year. Then the real views
render through Django's request handling (RequestFactory), and the proof check that runs
at every upload is timed against all those photos.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA_DIR = tempfile.mkdtemp(prefix="aduan-evidence-bench-")
os.environ.pop("DATABASE_URL", None)
os.environ.update(ADUAN_DATA_DIR=DATA_DIR, DJANGO_SETTINGS_MODULE="aduan.settings",
                  ADUAN_SECRET_KEY="bench-" + "x" * 40, ADUAN_LOG_LEVEL="ERROR")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from aduan.complaints.models import Complaint, Event, Reporter  # noqa: E402
from aduan.dashboard.facts import refresh as refresh_facts  # noqa: E402
from aduan.evidence import views  # noqa: E402
from aduan.evidence.models import (  # noqa: E402
    BAND_FIELDS,
    ActivityPost,
    BeforeAfter,
    Photo,
    phash_and_bands,
)
from aduan.org.models import Official, Unit  # noqa: E402
from aduan.regions.models import Region  # noqa: E402

BATCH = 5000
EXTRA_RT = 2000
CATEGORIES = ["jalan", "drainase", "pju", "sampah", "pohon_taman", "ketertiban", "lalu_lintas"]


def timed(label: str, fn, runs: int = 5):
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    print(f"  {label:<52} median {statistics.median(times) * 1000:7.1f} ms   "
          f"max {max(times) * 1000:7.1f} ms")
    return result


def setup(complaints: int, posts: int) -> dict:
    from aduan.complaints.demo import load_demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo = load_demo()
    rnd = random.Random(6)
    User = get_user_model()
    rw = Unit.objects.get(code="rw-33-72-02-1007-05")
    units = [Unit(code=f"rt-bench-{i}", name=f"RT {i}", kind="rt", parent=rw, number=100 + i,
                  path=f"{rw.path}/rt-bench-{i}") for i in range(EXTRA_RT)]
    Unit.objects.bulk_create(units, batch_size=BATCH)
    units = list(Unit.objects.filter(code__startswith="rt-bench-"))
    users = User.objects.bulk_create([User(username=f"rt-bench-{i}") for i in range(EXTRA_RT)],
                                     batch_size=BATCH)
    users = list(User.objects.filter(username__startswith="rt-bench-").order_by("pk"))
    Official.objects.bulk_create([
        Official(user=u, unit=unit, role="ketua_rt", title=f"Ketua {unit.name}")
        for u, unit in zip(users, units, strict=True)], batch_size=BATCH)
    officials = list(Official.objects.filter(is_active=True).exclude(
        role__in=["mayor", "sekda", "triage"]))
    actors = [o.user_id for o in officials]
    kelurahan = list(Region.objects.filter(level=Region.Level.KELURAHAN,
                                           parent__code__startswith="33.72."))
    owner = Unit.objects.get(code="dpupr")
    reporter = Reporter.objects.create(channel="web")
    now = timezone.now()
    print(f"  organisation: {len(officials)} measured positions, {len(kelurahan)} kelurahan")

    for start in range(0, complaints, BATCH):
        rows = []
        for i in range(start, min(start + BATCH, complaints)):
            created = now - timedelta(minutes=rnd.randrange(2 * 365 * 24 * 60))
            answered = created + timedelta(minutes=rnd.randrange(10, 3000))
            resolved = answered + timedelta(hours=rnd.randrange(1, 200))
            rows.append(Complaint(
                ref=f"SKA-B{i:06d}", text="teks privat 08123456789", reporter=reporter,
                text_public=f"Keluhan warga nomor {i} tentang fasilitas umum",
                category_id=rnd.choice(CATEGORIES), region=rnd.choice(kelurahan), owner=owner,
                status="closed" if rnd.random() < 0.9 else "resolved",
                assignee_id=rnd.choice(actors), created_at=created, assigned_at=created,
                first_response_at=answered, resolved_at=resolved, closed_at=resolved))
        made = Complaint.objects.bulk_create(rows)  # SQLite returns the new ids
        Event.objects.bulk_create(
            [Event(complaint=c, kind="acknowledged", actor_id=c.assignee_id,
                   created_at=c.first_response_at) for c in made]
            + [Event(complaint=c, kind="resolved", actor_id=c.assignee_id,
                     created_at=c.resolved_at) for c in made])
        refresh_facts([c.pk for c in made])
        photos = Photo.objects.bulk_create([
            Photo(complaint=c, tag="after", public="x.jpg", thumb="x.jpg", original="x",
                  content_type="image/jpeg", **phash_and_bands(f"{rnd.getrandbits(64):016x}"),
                  sha256=f"{rnd.getrandbits(256):064x}", uploaded_by_id=c.assignee_id)
            for c in made])
        BeforeAfter.objects.bulk_create([
            BeforeAfter(complaint=c, after=p, image="x.jpg", thumb="x.jpg",
                        category_id=c.category_id, kelurahan=c.region,
                        kecamatan_id=c.region.parent_id, created_at=c.resolved_at)
            for c, p in zip(made, photos, strict=True) if rnd.random() < 0.8])
    ActivityPost.objects.bulk_create([
        ActivityPost(official=o, unit_id=o.unit_id, text="Kerja bakti dan perbaikan",
                     published_at=now - timedelta(minutes=rnd.randrange(365 * 24 * 60)))
        for o in (rnd.choice(officials) for _ in range(posts))], batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  inserted {Complaint.objects.count():,} complaints, {Event.objects.count():,} "
          f"events, {Photo.objects.count():,} photos, {BeforeAfter.objects.count():,} gallery "
          f"rows, {ActivityPost.objects.count():,} posts in {time.perf_counter() - started:.0f} s")
    return demo


def render(view, path: str, user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    if user is not None and hasattr(user, "_aduan_access"):
        del user._aduan_access
    response = view(request)
    assert response.status_code == 200, (path, response.status_code)
    return response


def count_queries(view, path, user=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        render(view, path, user)
    return len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="10,000 complaints, 1,000 posts")
    args = parser.parse_args()
    complaints, posts = (10_000, 1_000) if args.small else (100_000, 10_000)
    print(f"evidence bench: {complaints:,} resolved complaints, {posts:,} activity posts "
          f"(SQLite, {DATA_DIR})")
    demo = setup(complaints, posts)
    users = demo["users"]
    walikota, lurah = users["walikota"], users["lurah.kemlayan"]
    serengan = Region.objects.get(code="33.72.02")
    print("mandate page (/petugas/mandat/), whole request:")
    response = timed("mayor: every position in the city", lambda: render(
        views.mandate, "/petugas/mandat/", walikota))
    print(f"    ({len(response.content) // 1024} KiB of HTML, "
          f"{count_queries(views.mandate, '/petugas/mandat/', walikota)} queries)")
    timed("lurah Kemlayan: their subtree", lambda: render(
        views.mandate, "/petugas/mandat/", lurah))
    print("public gallery (/galeri/), whole request:")
    timed("first page", lambda: render(views.gallery, "/galeri/"))
    print(f"    ({count_queries(views.gallery, '/galeri/')} queries)")
    timed("page 500", lambda: render(views.gallery, "/galeri/?hal=500"))
    timed("kecamatan Serengan", lambda: render(
        views.gallery, f"/galeri/?kecamatan={serengan.code}"))
    timed("kategori pju, page 20", lambda: render(views.gallery, "/galeri/?kategori=pju&hal=20"))
    print("activity feed (/kegiatan/):")
    timed("first page", lambda: render(views.feed, "/kegiatan/"))
    print("proof check at upload (compares against every stored photo):")
    from aduan.evidence.checks import refresh

    complaint = Complaint.objects.order_by("-pk").first()
    timed(f"refresh one complaint, {Photo.objects.count():,} photos stored",
          lambda: refresh(complaint))
    # A city's many shots of one flooded street: the latest 10,000 photos a few bits from
    # this complaint's own (near-identical pictures are read back one, not all).
    bits = int(Photo.objects.filter(complaint=complaint).values_list("phash", flat=True)[0], 16)
    alike = list(Photo.objects.exclude(complaint=complaint).order_by("-id")[:10_000])
    for n, photo in enumerate(alike):
        photo.__dict__.update(phash_and_bands(
            f"{bits ^ (1 << (n % 64)) ^ (1 << ((n * 7 + 3) % 64)):016x}"))
    Photo.objects.bulk_update(alike, ["phash", *BAND_FIELDS], batch_size=1000)
    timed(f"the same, {len(alike):,} of them look alike", lambda: refresh(complaint))
    reset_queries()


if __name__ == "__main__":
    main()
