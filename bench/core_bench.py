"""Query and page times of the core at scale (default: a million complaints, SQLite).

    python bench/core_bench.py            # ADUAN_BENCH_COMPLAINTS=1000000 by default

Builds a throw-away data folder, loads the Surakarta demo, bulk-inserts complaints spread
over every unit, status and the last two years, then times the pages people open most:
an RT head's queue, a lurah's queue, the triage inbox, the public home page and a
tracking page. Prints p50/p99 per page over repeated requests.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path

N = int(os.environ.get("ADUAN_BENCH_COMPLAINTS", "1000000"))
REPEAT = int(os.environ.get("ADUAN_BENCH_REPEAT", "30"))

os.environ.setdefault("ADUAN_DATA_DIR", tempfile.mkdtemp(prefix="aduan-bench-"))
os.environ.pop("DATABASE_URL", None) if os.environ.get("ADUAN_BENCH_SQLITE", "1") == "1" else None
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
os.environ.setdefault("ADUAN_TESTING", "1")  # fast password hashing for the demo users
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from aduan.complaints.demo import load_demo  # noqa: E402
from aduan.complaints.models import OPEN, Category, Complaint, Status  # noqa: E402
from aduan.org.models import Unit  # noqa: E402


def populate(n: int) -> None:
    """Insert n complaints with executemany on raw rows (the ORM manages ~3k rows/s here)."""
    from django.db import connection, transaction

    units = list(Unit.objects.exclude(kind="external").values_list("pk", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True))
    statuses = [Status.CLOSED] * 6 + [Status.RESOLVED, Status.IN_PROGRESS, Status.ASSIGNED,
                                      Status.NEW, Status.REJECTED, Status.WAITING_CITIZEN]
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
        values = {
            "ref": f"BEN-{i // 10000:04d}-{i % 10000:04d}", "token": f"bench-token-{i}",
            "channel": "web", "text": "Jalan berlubang di depan rumah warga",
            "text_public": "Jalan berlubang", "pii": "[]", "suggestions": "[]",
            "possible_duplicates": "[]", "category_id": rng.choice(categories),
            "category_confidence": 0.9, "urgency": "normal", "status": status,
            "status_before_wait": "", "owner_id": rng.choice(units),
            "created_at": stamp(created), "updated_at": stamp(created),
            "next_due": stamp(created + timedelta(days=rng.randrange(30)))
            if status in OPEN else None,
            "escalation_level": 0, "anonymous": False, "address": "", "rating_comment": "",
        }
        return [values.get(f.attname) for f in fields]

    started = time.perf_counter()
    for offset in range(0, n, 50_000):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, [row(i) for i in range(offset, min(n, offset + 50_000))])
        done = min(n, offset + 50_000)
        rate = done / (time.perf_counter() - started)
        print(f"\r  inserted {done:,}/{n:,} ({rate:,.0f}/s)", end="", flush=True)
    print(f"\r  inserted {n:,} complaints in {time.perf_counter() - started:.0f} s" + " " * 20)


def timed(client: Client, url: str) -> tuple[float, float]:
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main() -> None:
    print(f"== core bench: {N:,} complaints on {django.db.connection.vendor}")
    call_command("migrate", verbosity=0)
    load_demo()
    populate(N)
    call_command("shell", command="from django.db import connection; "
                 "connection.cursor().execute('ANALYZE')", verbosity=0)
    sample = Complaint.objects.filter(status=Status.IN_PROGRESS).first()
    rows = [
        ("public home (counts)", None, "/"),
        ("tracking page", None, f"/lacak/{sample.token}/"),
        ("RT head's queue", "rt03.kemlayan", "/petugas/"),
        ("lurah's queue", "lurah.kemlayan", "/petugas/"),
        ("DPUPR queue", "dpupr", "/petugas/"),
        ("triage inbox", "tim", "/petugas/triase/"),
        ("mayor's city-wide queue", "walikota", "/petugas/"),
    ]
    from django.contrib.auth import get_user_model

    print(f"{'page':<28}{'p50 ms':>10}{'p99 ms':>10}{'req/s':>10}")
    for label, username, url in rows:
        client = Client()
        if username:
            client.force_login(get_user_model().objects.get(username=username))
        p50, p99 = timed(client, url)
        print(f"{label:<28}{p50:>10.1f}{p99:>10.1f}{1000 / p50:>10.0f}")


if __name__ == "__main__":
    main()
