"""Webhook intake and acknowledgement latency, measured against a real `aduan serve`.

    python bench/webhook_bench.py [--seconds 15] [--concurrency 16] [--workers 2]

1. Starts `aduan serve` (granian) on 127.0.0.1 with a temporary data folder (SQLite
   unless DATABASE_URL is set) and a fake Graph API server (in this process).
2. No-database baseline: the same server answering the Meta handshake (GET
   /webhooks/meta, no database touched) from a load-generator process.
3. Intake: signed WhatsApp webhooks, each a new wamid, from the load-generator process;
   reports answers/s, events/s committed (rows counted afterwards), p50/p99 latency.
4. Acknowledgement: with `aduan worker` running, webhooks from new senders at a steady
   rate; time from POST to the acknowledgement arriving at the fake Graph API.
Everything stays on 127.0.0.1 and ends in about two minutes.
"""

import argparse
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

SECRET = "bench-app-secret"
VERIFY = "bench-verify"
PHONE_ID = "106540352242922"
ROOT = Path(__file__).resolve().parent.parent
ADUAN = str(Path(sys.executable).parent / "aduan")
sys.path.insert(0, str(ROOT))

from aduan.channels.tests.fake_server import KeptOpenHandler  # noqa: E402


def payload(n: int, sender: str) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_ID},
            "contacts": [{"profile": {"name": "Warga Bench"}, "wa_id": sender}],
            "messages": [{"from": sender, "id": f"wamid.BENCH{n:09d}", "timestamp": "1750090702",
                          "type": "text", "text": {"body": "Jalan berlubang di Jl. Slamet "
                                                   "Riyadi dekat Gladak, mohon diperbaiki"}}],
        }}]}]}).encode()


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


# --- load generator (runs in its own process) ----------------------------------------------

def _load(port, mode, seconds, concurrency, start_n, out):
    stop_at = time.monotonic() + seconds
    lat, codes, lock = [], {}, threading.Lock()
    counter = [start_n]

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, my_codes = [], {}
        while time.monotonic() < stop_at:
            if mode == "webhook":
                with lock:
                    counter[0] += 1
                    n = counter[0]
                body = payload(n, f"62812{n:08d}")
                headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)}
                method, path = "POST", "/webhooks/meta"
            else:
                body, headers, method = None, {}, "GET"
                path = ("/webhooks/meta?hub.mode=subscribe&hub.challenge=1"
                        f"&hub.verify_token={VERIFY}")
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                code = resp.status
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                code = 0
            mine.append(time.perf_counter() - t0)
            my_codes[code] = my_codes.get(code, 0) + 1
        with lock:
            lat.extend(mine)
            for k, v in my_codes.items():
                codes[k] = codes.get(k, 0) + v

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put({"elapsed": time.monotonic() - t0, "lat": lat, "codes": codes})


def load(port, mode, seconds, concurrency, start_n=0):
    queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_load,
                                   args=(port, mode, seconds, concurrency, start_n, queue))
    proc.start()
    result = queue.get(timeout=seconds + 120)
    proc.join()
    return result


# --- fake Graph API: records when each acknowledgement arrives ----------------------------

class Graph:
    def __init__(self):
        self.arrived = {}
        graph = self

        class Handler(KeptOpenHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                graph.arrived.setdefault(body.get("to"), time.monotonic())
                data = json.dumps({"messaging_product": "whatsapp", "contacts": [],
                                   "messages": [{"id": f"wamid.OUT{len(graph.arrived)}"}]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True  # kept-open connections must not hold up close
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v23.0"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not start")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--ack-count", type=int, default=150)
    parser.add_argument("--ack-rate", type=float, default=15, help="webhooks/s in the ack phase")
    args = parser.parse_args()

    graph = Graph()
    data = tempfile.mkdtemp(prefix="aduan-bench-")
    env = {**os.environ, "ADUAN_DATA_DIR": data, "ADUAN_SECRET_KEY": "bench-" + "x" * 40,
           "ADUAN_META_APP_SECRET": SECRET, "ADUAN_META_VERIFY_TOKEN": VERIFY,
           "ADUAN_META_GRAPH_URL": graph.url, "ADUAN_PUBLIC_URL": "http://127.0.0.1",
           "ADUAN_LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "aduan.settings"}
    run = lambda *a: subprocess.run([ADUAN, *a], env=env, check=True, cwd=ROOT,  # noqa: E731
                                    stdout=subprocess.DEVNULL)
    run("migrate", "--verbosity", "0")
    subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                    "from aduan.regions.loader import seed_city; seed_city('33.72'); "
                    "from aduan.complaints.seed import seed_city_organisation; "
                    "seed_city_organisation('33.72')"], env=env, check=True, cwd=ROOT)
    run("channels", "add", "whatsapp", "--account-id", PHONE_ID, "--token", "bench-token")
    port = free_port()
    server = subprocess.Popen([ADUAN, "serve", "--port", str(port), "--workers",
                               str(args.workers)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    try:
        wait_ready(port)
        base = load(port, "handshake", args.seconds, args.concurrency)
        intake = load(port, "webhook", args.seconds, args.concurrency)
        counted = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); "
             "from aduan.channels.models import InboundEvent; "
             "from aduan.jobs.models import Job; "
             "print(InboundEvent.objects.count(), Job.objects.count())"],
            env=env, check=True, cwd=ROOT, capture_output=True, text=True).stdout.split()
        events, jobs = int(counted[0]), int(counted[1])
        # The intake backlog is dropped so the ack phase measures a steady state.
        subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                        "from aduan.jobs.models import Job; "
                        "Job.objects.all().delete()"], env=env, check=True, cwd=ROOT)
        worker = subprocess.Popen([ADUAN, "worker"], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)
        sent_at = {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(args.ack_count):
            sender = f"62899{i:08d}"
            body = payload(900_000_000 + i, sender)
            sent_at[sender] = time.monotonic()
            conn.request("POST", "/webhooks/meta", body=body, headers={
                "Content-Type": "application/json", "X-Hub-Signature-256": sign(body)})
            conn.getresponse().read()
            time.sleep(1 / args.ack_rate)
        deadline = time.monotonic() + 60
        while len(graph.arrived) < args.ack_count and time.monotonic() < deadline:
            time.sleep(0.2)
        acks = [graph.arrived[s] - t for s, t in sent_at.items() if s in graph.arrived]
    finally:
        for proc in (worker, server):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=20)

    def line(name, r):
        ok = sum(v for k, v in r["codes"].items() if 200 <= k < 300)
        p50 = percentile(r["lat"], 50) * 1000
        return (f"{name:<32} {ok / r['elapsed']:8.0f} req/s   p50 {p50:6.1f} ms"
                f"   p99 {percentile(r['lat'], 99) * 1000:6.1f} ms   codes {r['codes']}")

    db = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite (WAL)"
    print(f"aduan serve --workers {args.workers}, {db}, {os.cpu_count()} CPUs, "
          f"{args.concurrency} client connections, {args.seconds:.0f} s per phase")
    print(line("no-database (Meta handshake)", base))
    print(line("signed WhatsApp webhooks", intake))
    print(f"{'events committed':<32} {events / intake['elapsed']:8.0f} events/s "
          f"({events} events, {jobs} jobs)")
    print(f"{'webhook -> ack at provider':<32} p50 {percentile(acks, 50) * 1000:6.0f} ms   "
          f"p99 {percentile(acks, 99) * 1000:6.0f} ms   ({len(acks)}/{args.ack_count} acks, "
          f"{args.ack_rate:.0f} webhooks/s, 1 worker)")


if __name__ == "__main__":
    main()
