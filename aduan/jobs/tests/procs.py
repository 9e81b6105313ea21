"""Real processes for the fault run and the worker bench: a throwaway data folder (and
PostgreSQL database), `aduan serve`, `aduan worker`, a fake Graph API and signed WhatsApp
webhooks. Everything binds 127.0.0.1 on free ports."""

import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from aduan.channels.tests.fake_server import KeptOpenHandler

SECRET = "faults-app-secret"
PHONE_ID = "106540352242922"
ROOT = Path(__file__).resolve().parents[3]
ADUAN = str(Path(sys.executable).parent / "aduan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def payload(n: int, sender: str, text: str) -> bytes:
    """A WhatsApp Cloud API `messages` webhook, as Meta documents it."""
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_ID},
            "contacts": [{"profile": {"name": "Warga Uji"}, "wa_id": sender}],
            "messages": [{"from": sender, "id": f"wamid.FAULT{n:09d}",
                          "timestamp": str(int(time.time())), "type": "text",
                          "text": {"body": text}}],
        }}]}]}).encode()


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def post(port: int, body: bytes, timeout: float = 10) -> int:
    """One webhook delivery; 0 when the server did not answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/webhooks/meta", body=body, headers={
            "Content-Type": "application/json", "X-Hub-Signature-256": sign(body)})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except OSError:
        return 0
    finally:
        conn.close()


class Graph:
    """Fake Graph API: accepts sends (or answers 500 to a share of them), recording when
    each accepted message arrived, per recipient; answers the number's throughput `level`
    (Meta's STANDARD, 80/s, or HIGH, 1,000/s) to `GET /{phone-number-id}?fields=throughput`."""

    def __init__(self, fail_every: int = 0, level: str = "HIGH"):
        self.level = level
        self.accepted: dict[str, list[float]] = {}
        self.refused = 0
        self.lock = threading.Lock()
        self.count = 0
        graph = self

        class Handler(KeptOpenHandler):
            def do_GET(self):
                path, _, query = self.path.partition("?")
                found = path.rstrip("/").endswith(f"/{PHONE_ID}") and "throughput" in query
                data = json.dumps({"throughput": {"level": graph.level}, "id": PHONE_ID}
                                  if found else {"error": {"message": "unknown path",
                                                           "code": 100}}).encode()
                self.send_response(200 if found else 400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with graph.lock:
                    graph.count += 1
                    fail = fail_every and graph.count % fail_every == 0
                    if fail:
                        graph.refused += 1
                    else:
                        graph.accepted.setdefault(body.get("to"), []).append(time.monotonic())
                    n = graph.count
                status = 500 if fail else 200
                data = json.dumps({"error": {"message": "storm", "code": 2}} if fail else {
                    "messaging_product": "whatsapp", "contacts": [],
                    "messages": [{"id": f"wamid.OUT{n}"}]}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v23.0"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Site:
    """A data folder (and, on PostgreSQL, a database of its own) with Surakarta seeded and
    one WhatsApp account; starts and kills `aduan serve` and `aduan worker`."""

    def __init__(self, database_url: str | None, graph: Graph, **extra_env):
        self.data = tempfile.mkdtemp(prefix="aduan-jobs-")
        self.db_name = None
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update({"ADUAN_DATA_DIR": self.data, "ADUAN_SECRET_KEY": "faults-" + "x" * 40,
                    "ADUAN_META_APP_SECRET": SECRET, "ADUAN_META_VERIFY_TOKEN": "v",
                    "ADUAN_META_GRAPH_URL": graph.url, "ADUAN_PUBLIC_URL": "http://127.0.0.1",
                    "ADUAN_LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "aduan.settings",
                    "PYTHONPATH": str(ROOT)})
        env.update({k: str(v) for k, v in extra_env.items()})
        if database_url:
            self.admin_url = database_url
            self.db_name = f"aduan_jobs_{os.getpid()}_{int(time.time())}"
            self._admin(f'CREATE DATABASE "{self.db_name}"')
            parts = urlsplit(database_url)
            env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + self.db_name))
        self.env = env
        self.procs: dict[str, subprocess.Popen] = {}
        self.port = free_port()

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)

    def python(self, code: str) -> str:
        return subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code],
                              env=self.env, check=True, cwd=ROOT, capture_output=True,
                              text=True).stdout

    def setup(self) -> None:
        subprocess.run([ADUAN, "migrate", "--verbosity", "0"], env=self.env, check=True,
                       cwd=ROOT, stdout=subprocess.DEVNULL)
        self.python("from aduan.regions.loader import seed_city; seed_city('33.72')\n"
                    "from aduan.complaints.seed import seed_city_organisation\n"
                    "seed_city_organisation('33.72')")
        subprocess.run([ADUAN, "channels", "add", "whatsapp", "--account-id", PHONE_ID,
                        "--token", "faults-token"], env=self.env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)

    def start(self, name: str, *args: str) -> None:
        log = open(Path(self.data) / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen([ADUAN, *args], env=self.env, cwd=ROOT,
                                            stdout=log, stderr=log, start_new_session=True)
        log.close()

    def start_server(self, workers: int = 1) -> None:
        self.start("serve", "serve", "--port", str(self.port), "--workers", str(workers))

    def start_worker(self, name: str = "worker") -> None:
        self.start(name, "worker")

    def kill(self, name: str) -> None:
        """SIGKILL the process group: granian's children and threads die with it."""
        proc = self.procs.pop(name, None)
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("aduan serve did not answer /healthz")

    def close(self) -> None:
        for name in list(self.procs):
            self.kill(name)
        if self.db_name:
            for _ in range(10):
                try:
                    self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
                    break
                except Exception:
                    time.sleep(1)
        shutil.rmtree(self.data, ignore_errors=True)
