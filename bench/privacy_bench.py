"""The UU PDP jobs at a city's scale: retention, a citizen's export/erase, a breach query.

Runs on SQLite in a temporary data folder (no settings needed), bounded in size:

    .venv/bin/python bench/privacy_bench.py              # 20,000 reporters and complaints
    .venv/bin/python bench/privacy_bench.py --rows 50000

Rows are bulk-inserted (a year of Surakarta is ~15,000 complaints): reporters with phone
numbers, closed complaints (half closed over two years ago), one raw webhook body per
complaint (half older than 90 days). Reports the seconds for one retention run that
finds all of that backlog, an export and an erase by phone number (scanning every
reporter), and a one-day breach query over every table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA_DIR = tempfile.mkdtemp(prefix="aduan-privacy-bench-")
os.environ.pop("DATABASE_URL", None)
os.environ.update(ADUAN_DATA_DIR=DATA_DIR, DJANGO_SETTINGS_MODULE="aduan.settings",
                  ADUAN_SECRET_KEY="bench-" + "x" * 40, ADUAN_LOG_LEVEL="ERROR")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from aduan.channels.models import ChannelAccount, InboundEvent  # noqa: E402
from aduan.complaints.models import Complaint, Reporter  # noqa: E402
from aduan.complaints.routing import triage_unit  # noqa: E402
from aduan.complaints.seed import seed_city_organisation  # noqa: E402
from aduan.privacy import breach, citizen, retention  # noqa: E402
from aduan.regions.loader import seed_city  # noqa: E402


def build(rows: int) -> None:
    now = timezone.now()
    owner = triage_unit()
    account = ChannelAccount.objects.create(kind="whatsapp", account_id="1", token="t")
    Reporter.objects.bulk_create([
        Reporter(channel="whatsapp", handle=f"62812{n:08d}", name=f"Warga {n}",
                 phone=f"0812{n:08d}") for n in range(rows)], batch_size=2000)
    reporters = list(Reporter.objects.order_by("pk").values_list("pk", flat=True))
    complaints = []
    for n, reporter_id in enumerate(reporters):
        closed = now - timedelta(days=800 if n % 2 else 100)
        complaints.append(Complaint(
            ref=f"BEN-{n:04d}-{n % 10000:04d}-{n}", channel="whatsapp", reporter_id=reporter_id,
            text=f"Lampu jalan mati {n}", text_public=f"Lampu jalan mati {n}",
            status="closed", owner=owner, created_at=closed - timedelta(days=3),
            closed_at=closed))
    Complaint.objects.bulk_create(complaints, batch_size=2000)
    InboundEvent.objects.bulk_create([
        InboundEvent(account=account, provider_id=f"wamid.{n}", sender=f"62812{n:08d}",
                     body='{"text": "Lampu jalan mati"}',
                     received_at=now - timedelta(days=120 if n % 2 else 10))
        for n in range(rows)], batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    rows = min(parser.parse_args().rows, 200_000)
    call_command("migrate", verbosity=0)
    seed_city("33.72")
    seed_city_organisation("33.72")
    started = time.perf_counter()
    build(rows)
    print(f"built {rows:,} reporters, complaints, webhook rows in "
          f"{time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    removed = retention.run(force=True)
    print(f"retention run: {time.perf_counter() - started:.2f} s, removed {removed}")
    started = time.perf_counter()
    again = retention.run(force=True)
    print(f"retention run with nothing left: {time.perf_counter() - started:.2f} s {again}")

    phone = f"+62 812-{rows - 2:08d}"  # stored as 0812..., another spelling
    started = time.perf_counter()
    found = citizen.find(phone=phone)
    data = citizen.export(found)
    print(f"export by phone: {time.perf_counter() - started:.3f} s, "
          f"{len(data['complaints'])} complaint(s), {len(data['messages_received'])} raw "
          "message(s)")
    started = time.perf_counter()
    stats = citizen.erase(found)
    print(f"erase by phone: {time.perf_counter() - started:.3f} s {stats}")

    now = timezone.now()
    started = time.perf_counter()
    report = breach.touched(now - timedelta(days=11), now)
    print(f"breach query, 11 days, every table: {time.perf_counter() - started:.2f} s, "
          f"{report['people_count']:,} people, rows {report['rows']}")


if __name__ == "__main__":
    main()
