"""CPU per complaint intake at scale, and where it goes (profile summary).

    python bench/intake_bench.py     # ADUAN_BENCH_COMPLAINTS=1000000, ADUAN_BENCH_INTAKES=300

Builds a throw-away SQLite data folder (or, with ADUAN_BENCH_SQLITE=0 and DATABASE_URL,
a throw-away PostgreSQL database next to it), loads the Surakarta demo, bulk-inserts
N complaints spread over every kelurahan, category, status and the last two years (texts
from the triage seed set, so duplicate search has real neighbours), then opens new text
complaints through `open_complaint` (what the web form and the worker call) and prints
CPU milliseconds per intake (process time, median and mean), followed by a profile
summary: where the CPU of those intakes went, grouped by module.
"""

import cProfile
import csv
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path

N = int(os.environ.get("ADUAN_BENCH_COMPLAINTS", "1000000"))
INTAKES = int(os.environ.get("ADUAN_BENCH_INTAKES", "300"))
ROOT = Path(__file__).resolve().parent.parent

os.environ.setdefault("ADUAN_DATA_DIR", tempfile.mkdtemp(prefix="aduan-bench-"))
if os.environ.get("ADUAN_BENCH_SQLITE", "1") == "1":
    os.environ.pop("DATABASE_URL", None)
elif os.environ.get("DATABASE_URL"):
    sys.path.insert(0, str(ROOT / "bench"))
    from pgscratch import scratch_database  # noqa: E402

    os.environ["DATABASE_URL"] = scratch_database(os.environ["DATABASE_URL"], "aduan_bench_intake")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
os.environ.setdefault("ADUAN_TESTING", "1")  # fast password hashing for the demo users
os.environ.setdefault("ADUAN_LOG_LEVEL", "WARNING")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from aduan.complaints.demo import load_demo  # noqa: E402
from aduan.complaints.intake import IncomingMessage, open_complaint  # noqa: E402
from aduan.complaints.models import OPEN, Category, Complaint, Status  # noqa: E402
from aduan.org.models import Unit  # noqa: E402
from aduan.regions.models import Region  # noqa: E402
from aduan.triage.duplicates import signature  # noqa: E402

SEED = ROOT / "aduan" / "triage" / "data" / "seed_complaints.csv"


def texts() -> list[tuple[str, str]]:
    with SEED.open(encoding="utf-8") as handle:
        return [(row["text"], row["category"]) for row in csv.DictReader(handle)]


def populate(n: int, pool: list[tuple[str, str]]) -> None:
    """Insert n complaints with executemany on raw rows (the ORM manages ~3k rows/s)."""

    units = list(Unit.objects.exclude(kind="external").values_list("pk", flat=True))
    categories = set(Category.objects.values_list("pk", flat=True))
    kelurahan = list(Region.objects.filter(level=Region.Level.KELURAHAN)
                     .values_list("code", flat=True))
    statuses = [Status.CLOSED] * 6 + [Status.RESOLVED, Status.IN_PROGRESS, Status.ASSIGNED,
                                      Status.NEW, Status.REJECTED, Status.WAITING_CITIZEN]
    signed = [(text, cat if cat in categories else None, signature(text))
              for text, cat in pool]
    fields = [f for f in Complaint._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (f"INSERT INTO {Complaint._meta.db_table} ({columns}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    now = timezone.now()
    rng = random.Random(7)

    def stamp(moment):  # SQLite keeps UTC text, PostgreSQL takes the datetime
        if connection.vendor != "sqlite":
            return moment
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def row(i: int) -> list:
        status = rng.choice(statuses)
        created = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        text, category, signature = rng.choice(signed)
        values = {
            "ref": f"BEN-{i // 10000:04d}-{i % 10000:04d}", "token": f"bench-token-{i}",
            "channel": "web", "text": text, "text_public": text, "pii": "[]",
            "suggestions": "[]", "possible_duplicates": "[]", "category_id": category,
            "category_confidence": 0.9, "urgency": "normal", "status": status,
            "status_before_wait": "", "owner_id": rng.choice(units),
            "region_id": rng.choice(kelurahan), "created_at": stamp(created),
            "updated_at": stamp(created), "signature": signature,
            "next_due": stamp(created + timedelta(days=rng.randrange(30)))
            if status in OPEN else None,
            "escalation_level": 0, "anonymous": False, "address": "", "rating_comment": "",
        }
        return [values.get(f.attname, f.get_default()) for f in fields]

    started = time.perf_counter()
    for offset in range(0, n, 50_000):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, [row(i) for i in range(offset, min(n, offset + 50_000))])
        done = min(n, offset + 50_000)
        rate = done / (time.perf_counter() - started)
        print(f"\r  inserted {done:,}/{n:,} ({rate:,.0f}/s)", end="", flush=True, file=sys.stderr)
    print(f"  inserted {n:,} complaints in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)


def messages(pool, kelurahan, count, seed=11):
    rng = random.Random(seed)
    for i in range(count):
        text, _ = rng.choice(pool)
        yield IncomingMessage(channel="web", text=f"{text} (laporan {i + 101})", name="Warga Bench",
                              phone=f"0812{i:08d}", region_code=rng.choice(kelurahan))


GROUPS = [  # (label, path fragment) first match wins; the rest is "other"
    ("triage: classifier", "aduan/triage/classifier"),
    ("triage: place names", "aduan/triage/place"),
    ("triage: personal data", "aduan/triage/pii"),
    ("triage: other", "aduan/triage/"),
    ("scikit-learn / numpy / scipy", "site-packages/sklearn"),
    ("scikit-learn / numpy / scipy", "site-packages/numpy"),
    ("scikit-learn / numpy / scipy", "site-packages/scipy"),
    ("SLA deadlines", "aduan/sla/"),
    ("database driver", "sqlite3"),
    ("database driver", "psycopg"),
    ("Django ORM", "django/db/"),
    ("signals: outbox, notifications, evidence", "aduan/channels/"),
    ("signals: outbox, notifications, evidence", "aduan/evidence/"),
    ("complaints (intake, actions, routing)", "aduan/complaints/"),
    ("Django other", "site-packages/django/"),
]


def summary(profile: cProfile.Profile, calls: int) -> list[tuple[str, float]]:
    stats = pstats.Stats(profile)
    totals: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        label = next((name for name, part in GROUPS if part in filename), "other (stdlib, …)")
        totals[label] = totals.get(label, 0.0) + tottime
    return sorted(((k, v * 1000 / calls) for k, v in totals.items()), key=lambda kv: -kv[1])


def main() -> None:
    vendor = connection.vendor
    print(f"== intake bench: {N:,} complaints on {vendor}, {INTAKES} text complaints")
    call_command("migrate", verbosity=0)
    load_demo()
    pool = texts()
    populate(N, pool)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    kelurahan = list(Region.objects.filter(level=Region.Level.KELURAHAN, units__isnull=False)
                     .values_list("code", flat=True).distinct())
    for msg in messages(pool, kelurahan, 20, seed=3):  # warm caches and the model
        open_complaint(msg)
    cpu, wall, queries = [], [], []
    for msg in messages(pool, kelurahan, INTAKES):
        c0, w0 = time.process_time(), time.perf_counter()
        open_complaint(msg)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    for msg in messages(pool, kelurahan, 30, seed=5):  # counted apart: capturing costs CPU
        with CaptureQueriesContext(connection) as captured:
            open_complaint(msg)
        queries.append(len(captured.captured_queries))
    print(f"queries per intake: median {statistics.median(queries):.0f}, min {min(queries)}, "
          f"max {max(queries)}")
    cpu.sort()
    print(f"CPU per intake: median {statistics.median(cpu):.2f} ms, mean "
          f"{statistics.fmean(cpu):.2f} ms, p90 {cpu[int(len(cpu) * 0.9)]:.2f} ms; "
          f"wall median {statistics.median(wall):.2f} ms")
    profile = cProfile.Profile()
    batch = list(messages(pool, kelurahan, min(INTAKES, 200), seed=5))
    profile.enable()
    for msg in batch:
        open_complaint(msg)
    profile.disable()
    print("profile summary (cProfile, own time per intake; profiling adds overhead):")
    for label, ms in summary(profile, len(batch)):
        print(f"  {label:<44}{ms:7.2f} ms")
    if os.environ.get("ADUAN_BENCH_CUMULATIVE"):
        pstats.Stats(profile).sort_stats("cumulative").print_stats("aduan/", 40)


if __name__ == "__main__":
    main()
