"""Background workers: drain rate, webhook-to-acknowledgement latency, a burst.

    python bench/worker_bench.py [--drain 2000] [--rate 100] [--seconds 10] [--burst 3000]
                                 [--only sqlite|postgresql] [--varied]
                                 [--drain-only] [--tier HIGH|STANDARD]

On SQLite and on PostgreSQL (PG_URL, default postgres://postgres@127.0.0.1:5432/test; a
throwaway database is created and dropped), each with a fresh data folder and a fake Graph
API on 127.0.0.1:
1. Drain: with 1, then 2 `aduan worker` processes idle and listening, N WhatsApp events are
   committed in one transaction (as a webhook stores them); the rate at which they become
   complaints (and all jobs, acknowledgements included, finish). Bounded by --drain-seconds.
   One text for all (each merges into the first), or with --varied eight everyday ones.
2. Latency: `aduan serve` (granian, 2 processes) and one worker; signed webhooks from new
   senders at --rate per second for --seconds; time from POST to the acknowledgement at
   the fake provider, p50/p99.
3. Burst: --burst webhooks as fast as 16 connections send them; time until every one is
   acknowledged (bounded by --burst-wait).
The fake reports the number's throughput level (--tier, default HIGH: Meta's automatic
upgrade to 1,000 messages/s that a city-wide number at these rates has); `aduan channels
add` reads it, and replies are paced by it. With STANDARD (80/s, inbound and outbound
together, Meta's default) acknowledgements cannot leave faster than 80 a second, so the
latency at 100/s grows for as long as the rate lasts and a burst of 3,000 takes 37.5 s
at least.
"""

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aduan.jobs.tests.procs import Graph, Site, payload, post  # noqa: E402

FILL = """
import time
from django.db import transaction
from aduan.channels.inbound import store
from aduan.channels.models import ChannelAccount
from aduan.channels.registry import CHANNELS
from aduan.channels.models import InboundEvent
from aduan.jobs.models import Job
from aduan.jobs.tests.procs import payload
account = ChannelAccount.objects.get(kind="whatsapp")
parse = CHANNELS["whatsapp"].parse.parse_event
texts = {texts!r}
bodies = [payload(n, f"62{{n:010d}}", texts[n % len(texts)] + (f" (no. {{n}})" if len(texts) > 1
                  else "")).decode() for n in range({start}, {start} + {count})]
with transaction.atomic():
    for body in bodies:
        store("whatsapp", body, parse(account, body), account)
t0 = time.monotonic()
events_at = None
deadline = t0 + {seconds}
pending = InboundEvent.objects.filter(processed_at__isnull=True)
while time.monotonic() < deadline:
    if events_at is None and not pending.exists():
        events_at = time.monotonic() - t0
    if events_at is not None and not Job.objects.filter(state__in=["ready", "running"]).exists():
        break
    time.sleep(0.05)
elapsed = time.monotonic() - t0
done = {count} - pending.count()
print(done, events_at if events_at is not None else elapsed, elapsed,
      Job.objects.filter(state__in=["ready", "running"]).count())
"""
# One text for every sender (a burst about one broken street lamp: each merges into the
# first), or eight everyday complaints (each opened, routed or merged on its own).
SAME = ["Lampu jalan mati di Jl. Slamet Riyadi dekat Gladak, mohon diperbaiki"]
VARIED = ["Lampu jalan mati di Jl. Slamet Riyadi dekat Gladak, mohon diperbaiki",
          "Sampah menumpuk di pasar Gede sudah tiga hari",
          "Jalan berlubang di Kemlayan RT 3 RW 5, bahaya untuk motor",
          "Saluran air mampet di Laweyan, kalau hujan banjir",
          "Pohon tumbang menutup jalan di Banjarsari",
          "KTP elektronik saya hilang, bagaimana mengurusnya",
          "Pelayanan di kantor kelurahan Jebres lambat sekali",
          "Air PDAM tidak mengalir sejak kemarin di Pasar Kliwon"]
# What a bounded phase left behind is dropped, so the next phase starts from empty.
CLEAR = """
from aduan.channels.models import InboundEvent
from aduan.jobs.models import Job
Job.objects.all().delete()
InboundEvent.objects.filter(processed_at__isnull=True).delete()
"""


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def drain(site: Site, workers: int, start: int, args) -> str:
    for i in range(workers):
        site.start_worker(f"worker{i}")
    time.sleep(4)  # started, migrated nothing, listening
    out = site.python(FILL.format(start=start, count=args.drain, seconds=args.drain_seconds,
                                  texts=VARIED if args.varied else SAME))
    for i in range(workers):
        site.stop(f"worker{i}")
    site.python(CLEAR)
    done, events_s, all_s, left = out.split()
    done, events_s, all_s = int(done), float(events_s), float(all_s)
    return (f"  drain{' (varied texts)' if args.varied else ''}, {workers} worker"
            f"{'s' if workers > 1 else ' '}: "
            f"{done / events_s:7.1f} complaints/s ({done}/{args.drain} events in "
            f"{events_s:.1f} s; all jobs incl. acknowledgements done after {all_s:.1f} s, "
            f"{left} left)")


def stream(site: Site, graph: Graph, start: int, count: int, rate: float | None,
           conns: int = 16) -> tuple[dict, dict]:
    """POST `count` webhooks from new senders, at `rate` per second (None: flat out)."""
    sent_at, codes, lock = {}, {}, threading.Lock()
    t0 = time.monotonic()

    def one(i: int) -> None:
        n = start + i
        sender = f"63{n:010d}"
        if rate:
            delay = t0 + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        body = payload(n, sender, "Sampah menumpuk di pasar Gede, mohon diangkut")
        at = time.monotonic()
        code = post(site.port, body, timeout=30)
        with lock:
            codes[code] = codes.get(code, 0) + 1
            if 200 <= code < 300:
                sent_at[sender] = at

    with ThreadPoolExecutor(conns) as pool:
        list(pool.map(one, range(count)))
    return sent_at, codes


def wait_acks(graph: Graph, sent_at: dict, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with graph.lock:
            if all(s in graph.accepted for s in sent_at):
                return
        time.sleep(0.1)


def run_db(name: str, url: str | None, args) -> list[str]:
    graph = Graph(level=args.tier)
    site = Site(url, graph, ADUAN_PERIODIC_SECONDS=60)
    lines = []
    try:
        site.setup()
        start = 1
        for workers in (1, 2):
            lines.append(drain(site, workers, start, args))
            print(lines[-1], flush=True)
            start += args.drain
        if args.drain_only:
            return lines
        site.start_server(workers=2)
        site.wait_ready()
        site.start_worker()
        time.sleep(3)
        sent_at, codes = stream(site, graph, 10**8, int(args.rate * args.seconds), args.rate,
                                conns=32)
        wait_acks(graph, sent_at, 30)
        lat = [graph.accepted[s][0] - t for s, t in sent_at.items() if s in graph.accepted]
        lines.append(f"  webhook -> acknowledgement at {args.rate:.0f}/s for {args.seconds:.0f} s"
                     f" (1 worker): p50 {pct(lat, 50) * 1000:.0f} ms, p99 "
                     f"{pct(lat, 99) * 1000:.0f} ms, {len(lat)}/{len(sent_at)} acknowledged, "
                     f"answers {codes}")
        print(lines[-1], flush=True)
        if name == "PostgreSQL":
            site.start_worker("worker2")
            time.sleep(3)
        t0 = time.monotonic()
        sent_at, codes = stream(site, graph, 2 * 10**8, args.burst, None)
        posted = time.monotonic() - t0
        wait_acks(graph, sent_at, args.burst_wait)
        acked = [s for s in sent_at if s in graph.accepted]
        last = max((graph.accepted[s][0] for s in acked), default=t0) - t0
        complete = len(acked) == len(sent_at) == args.burst
        lines.append(f"  burst of {args.burst} ({2 if name == 'PostgreSQL' else 1} workers): "
                     f"posted in {posted:.1f} s, "
                     + (f"all acknowledged after {last:.1f} s" if complete else
                        f"{len(acked)}/{args.burst} acknowledged after "
                        f"{time.monotonic() - t0:.0f} s")
                     + f", answers {codes}")
        print(lines[-1], flush=True)
    finally:
        site.close()
        graph.stop()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drain", type=int, default=2000)
    parser.add_argument("--drain-seconds", type=float, default=25)
    parser.add_argument("--varied", action="store_true",
                        help="eight different texts instead of one (see VARIED)")
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--burst", type=int, default=3000)
    parser.add_argument("--burst-wait", type=float, default=60)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--tier", choices=["HIGH", "STANDARD"], default="HIGH",
                        help="the throughput level the fake Graph API reports for the number")
    parser.add_argument("--drain-only", action="store_true",
                        help="skip the latency and burst phases")
    args = parser.parse_args()
    pg = os.environ.get("PG_URL") or os.environ.get("DATABASE_URL") or \
        "postgres://postgres@127.0.0.1:5432/test"
    print(f"worker bench: {os.cpu_count()} CPUs; drain {args.drain} events, "
          f"{args.rate:.0f} webhooks/s for {args.seconds:.0f} s, burst {args.burst}; the "
          f"number on Meta's {args.tier} throughput level (replies paced at "
          f"{'1,000' if args.tier == 'HIGH' else '80'}/s)", flush=True)
    if args.only != "postgresql":
        print("SQLite (WAL):", flush=True)
        run_db("SQLite", None, args)
    if args.only != "sqlite":
        print("PostgreSQL:", flush=True)
        run_db("PostgreSQL", pg, args)


if __name__ == "__main__":
    main()
