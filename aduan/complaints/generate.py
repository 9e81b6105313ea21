"""`aduan generate`: write simulated complaint histories (`synthetic.py`) in bulk.

Fast path, same rows as the named actions: complaints, their timeline events, after
photos (rows that reuse a small set of drawn pictures stored once) and before/after
gallery rows, in short transactions of `batch` complaints. Ids are taken from the
database first (PostgreSQL sequences; on SQLite inside the write transaction), rows go in
with COPY on PostgreSQL and executemany on SQLite. A batch that meets SQLite's write lock
(a running demo writing at the same time) is rolled back and retried.
"""

from __future__ import annotations

import io
import json
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from aduan.org.models import Unit
from aduan.org.staffing import active_officials
from aduan.regions import geo
from aduan.regions.models import Region

from .models import Category, Complaint, Event, Reporter
from .routing import route_decision, triage_unit
from .synthetic import Actor, Life, Owner, Story

LIBRARY = [((70, 110, 150), "JALAN"), ((60, 130, 80), "TAMAN"), ((150, 120, 60), "SALURAN"),
           ((110, 110, 110), "LAMPU")]
POINTS_PER_KELURAHAN = 120


class NothingToGenerate(Exception):
    """No city is loaded (run `aduan seed-city` or `aduan demo` first)."""


@dataclass
class Result:
    complaints: int
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.complaints / self.seconds if self.seconds else 0.0


# --- rows -------------------------------------------------------------------------------

def _json(value) -> str:
    return json.dumps(value)


def _sqlite_datetime(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (naive UTC text)."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


class Table:
    """A model's concrete columns, with defaults, written as raw rows."""

    def __init__(self, model):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.column_of = {f.attname: f.column for f in self.fields}
        self.defaults = {}
        for f in self.fields:
            if f.primary_key or callable(getattr(f, "default", None)) and f.attname == "token":
                continue
            self.defaults[f.attname] = f.get_default()
        self.kinds = {f.attname: f.get_internal_type() for f in self.fields}

    def plan(self, with_pk: bool) -> list[tuple]:
        """(attname, default, converter) per written column (the primary key only when
        the rows bring their own)."""
        sqlite = connection.vendor == "sqlite"
        return [(f.attname, self.defaults.get(f.attname),
                 _json if self.kinds[f.attname] == "JSONField" else
                 _sqlite_datetime if sqlite and self.kinds[f.attname] == "DateTimeField"
                 else None)
                for f in self.fields if with_pk or not f.primary_key]

    def values(self, row: dict, plan: list[tuple]) -> list:
        out = []
        for name, default, convert in plan:
            value = row.get(name, default)
            if convert is not None and value is not None:
                value = convert(value)
            out.append(value)
        return out

    def insert(self, rows: list[dict]) -> None:
        if not rows:
            return
        plan = self.plan(with_pk=self.model._meta.pk.attname in rows[0])
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = [self.column_of[name] for name, _, _ in plan]
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(self.values(row, plan))
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                                   [self.values(r, plan) for r in rows])


def _ids(model, count: int) -> list[int]:
    """Primary keys for `count` new rows (call inside the write transaction)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                           "FROM generate_series(1, %s)", [count])
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def _retrying(work: Callable[[], None], attempts: int = 60) -> None:
    """Run one short transaction; on SQLite's lock (another writer) wait and retry."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                work()
            return
        except OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or attempt == attempts - 1:
                raise
            time.sleep(min(2.0, 0.05 * (attempt + 1)))


# --- the world the stories happen in -----------------------------------------------------

def _places(rng: random.Random) -> list[tuple[str, float, float]]:
    """Points inside the shipped kelurahan boundaries, busier kelurahan more often."""
    places = []
    kelurahan = Region.objects.filter(level=Region.Level.KELURAHAN, boundary__isnull=False)
    for region in kelurahan.order_by("code"):
        south, west, north, east = geo.bbox(region.boundary)
        weight = max(1, round(rng.lognormvariate(0, 0.6) * 10))
        points, tries = [], 0
        while len(points) < POINTS_PER_KELURAHAN and tries < POINTS_PER_KELURAHAN * 50:
            tries += 1
            lat, lng = rng.uniform(south, north), rng.uniform(west, east)
            if geo.contains(region.boundary, lat, lng):
                points.append((region.code, round(lat, 6), round(lng, 6)))
        places += [rng.choice(points) for _ in range(weight * 10)] if points else []
    if not places:
        for region in Region.objects.filter(level=Region.Level.KELURAHAN).order_by("code"):
            places.append((region.code, region.centroid_lat, region.centroid_lng))
    if not places:
        raise NothingToGenerate("no kelurahan loaded")
    return places


class World:
    """Units as `Owner`s (who acts there, where they escalate) and a routing memo."""

    def __init__(self):
        self.units = {u.pk: u for u in Unit.objects.all()}
        self.actors: dict[int, list[Actor]] = {}
        User = get_user_model()
        users = {u.pk: u for u in User.objects.filter(
            pk__in=active_officials().values("user_id"))}
        for official in active_officials().select_related("unit"):
            user = users[official.user_id]
            name = user.get_full_name() or user.get_username()
            self.actors.setdefault(official.unit_id, []).append(
                Actor(user.pk, f"{name} ({official})"))
        self.owners: dict[int, Owner] = {}
        self.triage = self.owner(triage_unit().pk)
        self.categories = {c.pk: c for c in Category.objects.all()}
        self.regions = {r.pk: r for r in Region.objects.filter(level=Region.Level.KELURAHAN)}
        self.routes: dict[tuple, tuple] = {}
        self.external = {u.code: self.owner(u.pk) for u in self.units.values()
                         if u.kind == Unit.Kind.EXTERNAL}

    def owner(self, pk: int) -> Owner:
        if pk not in self.owners:
            unit = self.units[pk]
            parent = unit.parent_id
            while parent is not None and not self.units[parent].is_active:
                parent = self.units[parent].parent_id
            self.owners[pk] = Owner(pk, str(unit), self.actors.get(pk, []),
                                    self.owner(parent) if parent else None)
        return self.owners[pk]

    def route(self, category: str, region: str, rt, rw):
        cat = self.categories.get(category)
        key = (category, region, rt, rw) if cat and cat.owner_rule == "rt" else (category,
                                                                                   region)
        if key not in self.routes:
            decision = route_decision(cat, self.regions.get(region), rt, rw)
            unit = decision.unit
            self.routes[key] = (self.owner(unit.pk) if unit else self.triage, decision.reason,
                                decision.data)
        return self.routes[key]


def _draw(colour, text: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([80, 180, 720, 420], outline=(255, 255, 255), width=10)
    draw.text((110, 200), text, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _stored(name: str, content: bytes) -> str:
    return name if default_storage.exists(name) else default_storage.save(
        name, ContentFile(content))


def _library() -> list[dict]:
    """A few drawn after photos (and before/after pictures) stored once and shared by
    every generated resolution."""
    from aduan.evidence.composite import before_after
    from aduan.evidence.images import process
    from aduan.evidence.models import phash_and_bands

    photos = []
    for colour, word in LIBRARY:
        data = _draw(colour, f"SESUDAH - {word}")
        processed = process(data)
        # Named by content alone (not evidence/filenames.py's unique names): one copy
        # shared by every generated row and every run.
        key = processed.sha256[:32]
        picture = before_after(_draw((90, 70, 50), f"SEBELUM - {word}"), data,
                               reference="Contoh", footer="Aduan")
        photos.append({
            "original": _stored(f"photos/generated/original/{key}.jpg", data),
            "public": _stored(f"photos/generated/public/{key}.jpg", processed.public_jpeg),
            "thumb": _stored(f"photos/generated/thumb/{key}.jpg", processed.thumb_jpeg),
            "composite": _stored(f"photos/before-after/contoh-{processed.sha256[:12]}.jpg",
                                 picture),
            "content_type": processed.content_type, "width": processed.width,
            "height": processed.height, **phash_and_bands(processed.phash),
            "sha256": processed.sha256})
    return photos


def _reporters(rng: random.Random, count: int) -> list[tuple[int, str]]:
    """A pool of made-up reporters (ids, channel) for this run."""
    from .synthetic import CHANNELS

    run = secrets.token_hex(3)
    names = ["Budi", "Siti", "Agus", "Dewi", "Joko", "Rina", "Wahyu", "Sri", "Eko", "Yuni"]
    rows = [Reporter(channel=channel, handle=f"gen-{run}-{i}",
                     name=f"{rng.choice(names)} {rng.choice(names)}wati" if i % 2 else
                     f"{rng.choice(names)} Santoso", phone="")
            for i in range(count) for channel in [rng.choice([c for c, _ in CHANNELS])]]
    created = Reporter.objects.bulk_create(rows, batch_size=1000)
    if created and created[0].pk is None:  # a backend without RETURNING
        created = list(Reporter.objects.filter(handle__startswith=f"gen-{run}-"))
    return [(r.pk, r.channel) for r in created]


# --- writing ------------------------------------------------------------------------------

def _existing_refs() -> set[str]:
    return set(Complaint.objects.values_list("ref", flat=True).iterator(chunk_size=20000))


def _new_ref(rng: random.Random, taken: set[str]) -> str:
    prefix = settings.ADUAN_REF_PREFIX
    while True:
        ref = f"{prefix}-{rng.randrange(10_000):04d}-{rng.randrange(10_000):04d}"
        if ref not in taken:
            taken.add(ref)
            return ref


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None:
        return None, "Sistem"
    if isinstance(actor, str):
        return None, actor
    return actor.user_id, actor.label


def _write(stories: list[Story], reporters, refs, rng, library, tables) -> int:
    """One transaction: complaints, after photos, gallery rows, events."""
    from aduan.evidence.models import BeforeAfter, Photo

    complaint_ids = _ids(Complaint, len(stories))
    photo_count = sum(len(s.after_photo_at) for s in stories)
    photo_ids = iter(_ids(Photo, photo_count)) if photo_count else iter(())
    complaints, events, photos, gallery = [], [], [], []
    for pk, story in zip(complaint_ids, stories, strict=True):
        f = story.fields
        reporter, channel = reporters[rng.randrange(len(reporters))] if reporters else (None,
                                                                                         "")
        f.update(id=pk, ref=_new_ref(rng, refs), token=secrets.token_urlsafe(18),
                 reporter_id=reporter if channel == f["channel"] else None)
        complaints.append(f)
        ids = []
        for at, actor in story.after_photo_at:
            picture = library[rng.randrange(len(library))]
            ids.append(next(photo_ids))
            composite = picture["composite"]
            user_id, _ = _actor_fields(actor)
            picked = {k: v for k, v in picture.items() if k != "composite"}
            photos.append({**picked, "id": ids[-1], "complaint_id": pk, "tag": "after",
                           "uploaded_by_id": user_id, "by_citizen": False, "created_at": at,
                           "taken_at": None})
        if ids and f["status"] in ("resolved", "closed"):
            gallery.append({"complaint_id": pk, "before_id": None, "after_id": ids[-1],
                            "image": composite, "thumb": photos[-1]["thumb"],
                            "category_id": f["category_id"], "kelurahan_id": f["region_id"],
                            "kecamatan_id": f["region_id"].rsplit(".", 1)[0],
                            "created_at": f["resolved_at"] or story.after_photo_at[-1][0]})
        for ev in story.events:
            user_id, label = _actor_fields(ev.actor)
            data = ev.data
            if ev.kind == "resolved":
                data = {"photos": [ids[i] for i in data.get("photos", [])]}
            events.append({"complaint_id": pk, "kind": ev.kind, "actor_id": user_id,
                           "actor_label": label, "note": ev.note, "public": ev.public,
                           "data": data, "created_at": ev.at})
    tables[Complaint].insert(complaints)
    tables[Photo].insert(photos)
    tables[BeforeAfter].insert(gallery)
    tables[Event].insert(events)
    return len(events)


def generate(complaints: int, days: int, *, seed: int | None = None, batch: int = 2000,
             now: datetime | None = None,
             progress: Callable[[int, int], None] | None = None,
             after_batch: Callable[[list[int]], None] | None = None) -> Result:
    """Create `complaints` complaints spread over the last `days` days."""
    from aduan.evidence.models import BeforeAfter, Photo

    started = time.perf_counter()
    rng = random.Random(seed)
    now = now or timezone.now()
    world = World()
    life = Life(rng, now, world.route, world.triage, _places(rng), world.external)
    library = _library()
    reporters = _reporters(rng, min(50_000, max(20, complaints // 8)))
    refs = _existing_refs()
    tables = {m: Table(m) for m in (Complaint, Photo, BeforeAfter, Event)}
    done = events = 0
    while done < complaints:
        size = min(batch, complaints - done)
        stories = [life.simulate(days) for _ in range(size)]
        written: list[int] = []

        def work(stories=stories, written=written):
            written.append(_write(stories, reporters, refs, rng, library, tables))

        _retrying(work)
        events += written[-1]
        done += size
        if after_batch is not None:
            after_batch([s.fields["id"] for s in stories if "id" in s.fields] or [])
        if progress is not None:
            progress(done, complaints)
    _analyze([*tables, Reporter])
    return Result(done, events, time.perf_counter() - started)


def _analyze(models) -> None:
    """PostgreSQL plans from table statistics and answers counts from the index alone
    only for pages its visibility map marks, and a bulk load leaves both stale until
    autovacuum comes round (minutes at a million rows). Without them the Open311 list
    right after a generate scanned all 6 million events (0.9 s instead of 30 ms) and a
    dinas card read 24,000 heap pages for its officials' counts (270 ms instead of 100).
    VACUUM cannot run inside a transaction: there, statistics only."""
    if connection.vendor != "postgresql":
        return
    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'{verb} "{model._meta.db_table}"')
