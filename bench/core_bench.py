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
from datetime import timedelta
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
    units = list(Unit.objects.exclude(kind="external"))
    categories = list(Category.objects.all())
    statuses = [Status.CLOSED] * 6 + [Status.RESOLVED, Status.IN_PROGRESS, Status.ASSIGNED,
                                      Status.NEW, Status.REJECTED, Status.WAITING_CITIZEN]
    now = timezone.now()
    rng = random.Random(7)
    batch, made, started = [], 0, time.perf_counter()
    for i in range(n):
        status = rng.choice(statuses)
        created = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        batch.append(Complaint(
            ref=f"BEN-{i // 10000:04d}-{i % 10000:04d}", token=f"bench-token-{i}",
            text="Jalan berlubang di depan rumah warga", text_public="Jalan berlubang",
            category=rng.choice(categories), owner=rng.choice(units), status=status,
            created_at=created,
            next_due=None if status not in OPEN else created + timedelta(days=rng.randrange(30)),
        ))
        if len(batch) == 20000:
            Complaint.objects.bulk_create(batch)
            made += len(batch)
            batch = []
            rate = made / (time.perf_counter() - started)
            print(f"\r  inserted {made:,}/{n:,} ({rate:,.0f}/s)", end="", flush=True)
    Complaint.objects.bulk_create(batch)
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
