"""Page times at city scale: every staff queue and public page at a million complaints.

    python bench/pages_bench.py                      # 1,000,000 complaints, SQLite and PostgreSQL
    ADUAN_BENCH_COMPLAINTS=100000 python bench/pages_bench.py --backend sqlite

The data comes from `aduan generate` (believable history over a year) on top of the
Surakarta demo. Each database is generated once and kept for the next run:
SQLite in `$ADUAN_BENCH_DIR/sqlite-<N>/` (default `var/bench/`), PostgreSQL in the
database `aduan_bench_<N>` on `$ADUAN_BENCH_PG` (default postgres://postgres@127.0.0.1:5432).
Delete the folder or drop the database to start over. Each backend runs in its own
process; pages are requested in-process through Django's test client (no network), as
each persona, `ADUAN_BENCH_REPEAT` times (default 20) after two warm-up requests; the
table gives p50 and p95 in milliseconds and the number of SQL queries of one request.
Targets: staff queues and public pages under 200 ms at p95 on PostgreSQL (issue 14),
the command centre, statistics, map and report cards under 300 ms on both (issue 10).
Pages whose URL name does not exist (yet) are skipped with a note.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("ADUAN_BENCH_COMPLAINTS", "1000000"))
REPEAT = int(os.environ.get("ADUAN_BENCH_REPEAT", "20"))
BENCH_DIR = Path(os.environ.get("ADUAN_BENCH_DIR", ROOT / "var" / "bench"))
PG = os.environ.get("ADUAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")

# (label, persona or None for anonymous, URL name, how to find its arguments, target ms)
PAGES = [
    ("queue: mayor, city-wide", "walikota", "staff:home", None, 200),
    ("queue: triage inbox", "tim", "staff:inbox", None, 200),
    ("queue: triage team home", "tim", "staff:home", None, 200),
    ("queue: camat Serengan", "camat.serengan", "staff:home", None, 200),
    ("queue: lurah Kemlayan", "lurah.kemlayan", "staff:home", None, 200),
    ("queue: RT 03 Kemlayan", "rt03.kemlayan", "staff:home", None, 200),
    ("queue: DPUPR (dinas)", "dpupr", "staff:home", None, 200),
    ("queue: mayor, overdue", "walikota", "staff:home", "?overdue=1", 200),
    ("complaint detail (staff)", "dpupr", "staff:detail", "ref", 200),
    ("public: home", None, "home", None, 200),
    ("public: tracking page", None, "citizen:track", "token", 200),
    ("public: complaint page", None, "citizen:public", "ref", 200),
    ("public: /galeri/", None, "evidence:gallery", None, 200),
    ("public: activity feed", None, "evidence:feed", None, 200),
    ("open311: requests.json", None, "open311:requests", "json", 200),
    ("api: /api/v1/complaints", None, "api:complaints", None, 200),
    ("api: /api/v1/stats", None, "api:stats", None, 200),
    ("command centre: mayor", "walikota", "staff:command_centre", None, 300),
    ("command centre: lurah", "lurah.kemlayan", "staff:command_centre", None, 300),
    ("report card (staff): DPUPR", "walikota", "staff:unit_card", "dpupr", 300),
    ("public: /statistik/", None, "stats_public:statistics", None, 300),
    ("public: report card Kemlayan", None, "stats_public:unit", "kel-33-72-02-1007", 300),
    ("public: /peta/", None, "stats_public:map", None, 300),
    ("public: map points", None, "stats_public:map_points", None, 300),
]


# --- the parent: one child process per backend --------------------------------------------

def _pg_database(name: str) -> str:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--complaints", type=int, default=N)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.complaints, args.repeat)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    status = 0
    for backend in backends:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="aduan.settings",
                   ADUAN_DATA_DIR=str(BENCH_DIR / f"{backend}-{args.complaints}"),
                   ADUAN_2FA_REQUIRED="0", ADUAN_ALLOWED_HOSTS="testserver")
        env.pop("ADUAN_TESTING", None)
        if backend == "sqlite":
            env.pop("DATABASE_URL", None)
        else:
            env["DATABASE_URL"] = _pg_database(f"aduan_bench_{args.complaints}")
        Path(env["ADUAN_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
        status |= subprocess.call([sys.executable, __file__, "--child", backend,
                                   "--complaints", str(args.complaints),
                                   "--repeat", str(args.repeat)], env=env, cwd=ROOT)
    return status


# --- the child: data once, then the pages -------------------------------------------------

def prepare(n: int) -> None:
    from django.db import connection

    from aduan.complaints import demo
    from aduan.complaints.generate import generate
    from aduan.complaints.models import Complaint
    from aduan.dbsetup import ensure_migrated

    ensure_migrated()
    if not demo.is_loaded():
        demo.load_demo()
    have = Complaint.objects.count()
    if have >= n:
        print(f"   reusing {have:,} complaints in the bench database")
        if os.environ.get("ADUAN_BENCH_ROLLUPS") == "1":
            fill_rollups()
        return
    print(f"   generating {n - have:,} complaints (once; kept for later runs)...", flush=True)
    result = generate(n - have, 365, seed=1, batch=5000,
                      progress=_progress(n - have))
    print(f"\n   {result.complaints:,} complaints, {result.events:,} events in "
          f"{result.seconds:.0f} s: {result.rate:,.0f} complaints/s ({connection.vendor})")
    fill_rollups()
    with connection.cursor() as cursor:  # what autovacuum would have done by now
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _progress(total: int):
    started = time.perf_counter()

    def show(done: int, _total: int) -> None:
        if done % 50_000 < 5000 or done == total:
            rate = done / max(1e-9, time.perf_counter() - started)
            print(f"\r   {done:,}/{total:,} ({rate:,.0f}/s)", end="", flush=True)

    return show


def fill_rollups() -> None:
    """Roll-ups the dashboards read, when the dashboard app keeps any (issue 10); the
    worker keeps them current in a running site. ADUAN_BENCH_ROLLUPS=0 skips this."""
    if os.environ.get("ADUAN_BENCH_ROLLUPS", "1") == "0":
        print("   dashboard roll-ups NOT built (ADUAN_BENCH_ROLLUPS=0): dashboard pages "
              "below read empty roll-ups")
        return
    try:
        from aduan.dashboard import facts
    except ImportError:
        return
    fill = getattr(facts, "rebuild_all", None)
    if fill is None:
        return
    started = time.perf_counter()
    print("   building dashboard roll-ups (dashboard.facts.rebuild_all)...", flush=True)
    rows = fill()
    print(f"   {rows:,} roll-up rows in {time.perf_counter() - started:.0f} s")


def _arguments(spec, sample) -> tuple[list, str]:
    """URL arguments and query string for a page."""
    from aduan.org.models import Unit

    if spec is None:
        return [], ""
    if spec.startswith("?"):
        return [], spec
    if spec in ("ref", "token"):
        return [sample[spec]], ""
    if spec == "json":
        return ["json"], ""
    return [Unit.objects.get(code=spec).pk], ""


def _client(persona: str | None):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if persona:
        client.force_login(get_user_model().objects.get(username=persona))
    return client


def measure(client, url: str, repeat: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = 0
    for _ in range(2):
        status = client.get(url).status_code
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return times, len(queries), status


def child(backend: str, n: int, repeat: int) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.urls import NoReverseMatch, reverse

    from aduan.complaints.models import Complaint
    from aduan.org.models import Unit

    print(f"== pages at {n:,} complaints on {connection.vendor} ({repeat} requests each)")
    prepare(n)
    total = Complaint.objects.count()
    sample = Complaint.objects.filter(status="in_progress", owner__code="dpupr") \
        .values("ref", "token").order_by("-created_at").first() or \
        Complaint.objects.values("ref", "token").order_by("-pk").first()
    print(f"   {total:,} complaints; sample {sample['ref']}")
    print(f"   {'page':<32} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  status")
    clients: dict = {}
    slow = []
    for label, persona, name, spec, target in PAGES:
        try:
            args, query = _arguments(spec, sample)
            url = reverse(name, args=args) + query
        except (NoReverseMatch, Unit.DoesNotExist) as exc:  # a page not built (yet)
            print(f"   {label:<32} skipped: {name} not available ({type(exc).__name__})")
            continue
        if persona not in clients:
            clients[persona] = _client(persona)
        times, queries, status = measure(clients[persona], url, repeat)
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        mark = "" if p95 < target else f"  over {target} ms"
        if p95 >= target:
            slow.append(label)
        print(f"   {label:<32} {p50:8.1f} {p95:8.1f} {queries:8d}  {status}{mark}", flush=True)
    print(f"   {len(slow)} page(s) over target" + (f": {', '.join(slow)}" if slow else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
