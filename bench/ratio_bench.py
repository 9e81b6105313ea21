"""Side by side, in one run, interleaved rounds: Aduan's intake against its yardsticks.

    python bench/ratio_bench.py [--seconds 6] [--rounds 2] [--connections 32] [--db both]
                                [--paths form,helpdesk,insert,webhook,nodb]

Every server runs as `aduan serve` does: granian, WSGI, 2 worker processes, 4 threads each,
on 127.0.0.1, loaded by wrk (Debian's; 2 threads, 32 connections). Paths measured:

  form      Aduan's public complaint form, anonymous text complaint (POST, 302 = stored:
            words only are accepted for the worker, complaints/accepted.py)
  helpdesk  django-helpdesk 2.6.1's public ticket form, same fields (POST, 302 = stored)
  insert    a bare Django view inserting one row, on the Aduan server (POST, 200)
  webhook   signed WhatsApp webhooks, each a new message (POST, 200 = stored)
  nodb      the same server's webhook handshake, no database (GET, 200)

django-helpdesk is installed with its own pinned dependencies into a bench-only virtualenv
under ~/.cache/aduan-bench (never an Aduan dependency) and served with the same flags,
database kind and session/CSRF middleware. Rate limits are set to rates no bench reaches
(the limiter still counts every POST, as in production), so no answer is a 429. Rows
created are counted in each database and compared with the successful answers. Ratios:
form/helpdesk (goal >= 10), form/insert (goal >= 0.25), webhook/nodb (goal >= 0.5).
PostgreSQL runs when DATABASE_URL points at a server (scratch databases beside it, dropped
afterwards). `--paths` measures only some paths (e.g. `--paths webhook,nodb,insert`: no
helpdesk server is set up then); a ratio is printed when both its paths ran.
"""

import argparse
import csv
import hashlib
import hmac
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "bench" / "sites"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "aduan-bench"
HELPDESK_PINS = ["django-helpdesk==2.6.1", "granian==2.8.9", "psycopg[binary]==3.3.9"]
SECRET, VERIFY, PHONE_ID = "bench-app-secret", "bench-verify", "106540352242922"
KEMLAYAN = "33.72.02.1007"
sys.path.insert(0, str(ROOT / "bench"))

from pgscratch import drop_database, scratch_database  # noqa: E402


def helpdesk_python() -> Path:
    venv = CACHE / "helpdesk-2.6.1"
    marker = venv / ".installed"
    if not marker.exists():
        print(f"  installing django-helpdesk 2.6.1 into {venv} (once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *HELPDESK_PINS],
                       check=True)
        marker.write_text("\n".join(HELPDESK_PINS))
    return venv / "bin" / "python"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants, from /proc."""
    total, todo = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total


class Server:
    def __init__(self, python: Path, module: str, env: dict, ready: str, cwd: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(python), "-m", "granian", "--interface", "wsgi", "--workers", "2",
             "--blocking-threads", "4", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-access-log", "--log-level", "warning", module],
            env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.base + ready, timeout=2).read()
                return
            except urllib.error.HTTPError:
                return  # answering
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{module} did not start") from None
                time.sleep(0.3)

    def cpu(self) -> float:
        return tree_cpu(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def settle(server: Server, limit: float = 30) -> None:
    """Wait until the server is idle (under 5% of a core for half a second)."""
    deadline = time.monotonic() + limit
    last = server.cpu()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = server.cpu()
        if now - last < 0.025:
            return
        last = now


def csrf(base: str, path: str) -> str:
    """A CSRF cookie and its token: one pair serves every POST of a run."""
    with urllib.request.urlopen(base + path, timeout=10) as response:
        cookie = response.headers.get_all("Set-Cookie") or []
    for line in cookie:
        match = re.match(r"csrftoken=([^;]+)", line)
        if match:
            return match.group(1)
    raise SystemExit(f"no CSRF cookie from {path}")


def texts() -> list[str]:
    with (ROOT / "aduan" / "triage" / "data" / "seed_complaints.csv").open() as handle:
        return [row["text"] for row in csv.DictReader(handle)][:400]


LUA_FORM = """
local bodies, n = {}, 0
local base = "%(base)s"
for line in io.lines("%(pool)s") do bodies[#bodies + 1] = line end
function setup(thread) thread:set("id", %(id_base)d) end
function init(args) n = tonumber(id) or 0 end
request = function()
  n = n + 1
  local body = bodies[(n %% #bodies) + 1] .. "+%%28" .. n .. "%%29"
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=%(token)s", ["Referer"] = base .. "%(path)s",
    ["X-CSRFToken"] = "%(token)s"}, body)
end
"""

LUA_LINES = """
local lines, i, step = {}, 0, 1
for line in io.lines("%(file)s") do lines[#lines + 1] = line end
local counter = 0
function setup(thread) counter = counter + 1; thread:set("first", counter) end
function init(args) i = tonumber(first) or 1; step = 2 end
request = function()
  local line = lines[i]
  i = i + step
  if line == nil then i = 1; line = lines[1] end
  local sig, body = line:match("^(%%S+)\\t(.*)$")
  return wrk.format("POST", "/webhooks/meta", {["Content-Type"] = "application/json",
    ["X-Hub-Signature-256"] = sig}, body)
end
"""

LUA_DONE = """
done = function(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %d, "non2xx3xx": %d, "errors": %d, ' ..
    '"seconds": %f, "p50": %f, "p99": %f}\\n', summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
"""


def wrk(url: str, script: Path, seconds: float, connections: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                          "--timeout", "30s", "-s", str(script), url], capture_output=True,
                         text=True, timeout=seconds + 90).stdout
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result:\n{out}")
    return json.loads(line[7:])


def signed_lines(path: Path, count: int, start: int) -> None:
    with path.open("w") as handle:
        for n in range(start, start + count):
            sender = f"62813{n:08d}"
            body = json.dumps({"object": "whatsapp_business_account", "entry": [{
                "id": "102290129340398", "changes": [{"field": "messages", "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550783881",
                                 "phone_number_id": PHONE_ID},
                    "contacts": [{"profile": {"name": "Warga Bench"}, "wa_id": sender}],
                    "messages": [{"from": sender, "id": f"wamid.RATIO{n:010d}",
                                  "timestamp": "1750090702", "type": "text",
                                  "text": {"body": "Jalan berlubang di Jl. Slamet Riyadi "
                                           "dekat Gladak, mohon diperbaiki"}}]}}]}]},
                              separators=(",", ":"))
            sig = "sha256=" + hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
            handle.write(f"{sig}\t{body}\n")


def sample_webhook(base: str, work: Path) -> str:
    """Status and start of the answer to one fresh signed webhook (why were they refused?)."""
    sample = work / "sample.txt"
    signed_lines(sample, 1, 10**9 + int(time.time()) % 10**6)
    sig, body = sample.read_text().rstrip("\n").split("\t", 1)
    request = urllib.request.Request(base + "/webhooks/meta", data=body.encode(), headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": sig}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return f"{response.status}"
    except urllib.error.HTTPError as exc:
        return f"{exc.code} {exc.read()[:200]!r}"


class Counter:
    """Rows in some tables of one database, added up, read from outside the servers."""

    def __init__(self, url: str | None, sqlite_file: Path | None, *tables: str):
        self.url, self.file = url, sqlite_file
        self.sql = "SELECT " + " + ".join(f"(SELECT count(*) FROM {t})" for t in tables)

    def __call__(self) -> int:
        if self.url:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(self.sql).fetchone()[0]
        with sqlite3.connect(self.file, timeout=30) as conn:
            return conn.execute(self.sql).fetchone()[0]


def setup_aduan(work: Path, db_url: str | None) -> tuple[dict, Counter, Counter, Counter]:
    env = {**os.environ, "ADUAN_DATA_DIR": str(work / "aduan"),
           "ADUAN_SECRET_KEY": "bench-" + "x" * 40, "ADUAN_META_APP_SECRET": SECRET,
           "ADUAN_META_VERIFY_TOKEN": VERIFY, "ADUAN_PUBLIC_URL": "http://127.0.0.1",
           "ADUAN_LOG_LEVEL": "WARNING",
           "ADUAN_RATE_COMPLAINT_IP": "1000000000/s", "ADUAN_RATE_COMPLAINT_REPORTER":
           "1000000000/s", "ADUAN_MAX_MESSAGES_PER_SENDER_HOUR": "1000000000",
           "DJANGO_SETTINGS_MODULE": "aduan_site.settings",
           "PYTHONPATH": os.pathsep.join([str(SITES), str(ROOT)])}
    env.pop("DATABASE_URL", None)
    env.pop("ADUAN_TESTING", None)
    if db_url:
        env["DATABASE_URL"] = db_url
    python = Path(sys.executable)
    setup = ("import django; django.setup(); "
             "from django.core.management import call_command; "
             "call_command('migrate', verbosity=0, run_syncdb=True); "
             "from aduan.regions.loader import seed_city; seed_city('33.72'); "
             "from aduan.complaints.seed import seed_city_organisation; "
             "seed_city_organisation('33.72'); "
             f"call_command('channels', 'add', 'whatsapp', '--account-id', '{PHONE_ID}', "
             "'--token', 'bench-token'); call_command('collectstatic', interactive=False, "
             "verbosity=0)")
    subprocess.run([str(python), "-c", setup], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    sqlite_file = work / "aduan" / "aduan.sqlite3"
    # A web complaint of words only is stored accepted; the worker (not run here) opens it.
    return (env, Counter(db_url, sqlite_file, "complaints_complaint",
                         "complaints_acceptedcomplaint"),
            Counter(db_url, sqlite_file, "channels_inboundevent"),
            Counter(db_url, sqlite_file, "aduan_site_benchrow"))


def setup_helpdesk(work: Path, db_url: str | None) -> tuple[dict, Counter, Path]:
    python = helpdesk_python()
    env = {"PATH": os.environ.get("PATH", ""), "BENCH_DATA_DIR": str(work / "helpdesk"),
           "DJANGO_SETTINGS_MODULE": "helpdesk_site.settings", "PYTHONPATH": str(SITES)}
    if db_url:
        env["BENCH_DATABASE_URL"] = db_url
    (work / "helpdesk").mkdir()
    subprocess.run([str(python), "-c", "import django; django.setup(); "
                    "from django.core.management import call_command; "
                    "call_command('migrate', verbosity=0); "
                    "from helpdesk.models import Queue; Queue.objects.create(title='Aduan', "
                    "slug='aduan', allow_public_submission=True)"],
                   env=env, check=True, cwd=SITES, stdout=subprocess.DEVNULL)
    return env, Counter(db_url, work / "helpdesk" / "helpdesk.sqlite3", "helpdesk_ticket"), python


def run_database(label: str, pg_url: str | None, args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="aduan-ratio-"))
    with_helpdesk = "helpdesk" in args.paths
    aduan_url = scratch_database(pg_url, "aduan_bench_ratio") if pg_url else None
    helpdesk_url = (scratch_database(pg_url, "aduan_bench_helpdesk")
                    if pg_url and with_helpdesk else None)
    env, complaints, events, rows = setup_aduan(work, aduan_url)
    aduan = Server(Path(sys.executable), "aduan_site.wsgi:application", env, "/healthz", ROOT)
    helpdesk = None
    if with_helpdesk:
        hd_env, tickets, hd_python = setup_helpdesk(work, helpdesk_url)
        helpdesk = Server(hd_python, "helpdesk_site.wsgi:application", hd_env,
                          "/helpdesk/tickets/submit/", SITES)
    pool = [urllib.parse.quote_plus(t) for t in texts()]
    try:
        token = csrf(aduan.base, "/aduan/baru/")
        hd_token = csrf(helpdesk.base, "/helpdesk/tickets/submit/") if helpdesk else ""
        scripts = {}
        form_pool = work / "form.txt"
        form_pool.write_text("\n".join(
            f"csrfmiddlewaretoken={token}&kelurahan={KEMLAYAN}&rt=&rw=&category=&name="
            f"&contact=&anonymous=on&lat=&lng=&text={t}" for t in pool) + "\n")
        hd_pool = work / "helpdesk.txt"
        hd_pool.write_text("\n".join(
            f"csrfmiddlewaretoken={hd_token}&queue=1&priority=3&due_date="
            f"&submitter_email=warga%40example.id&title=Aduan+warga&body={t}"
            for t in pool) + "\n")
        for name, path, tok, pool_file in (("form", "/aduan/baru/", token, form_pool),
                                           ("helpdesk", "/helpdesk/tickets/submit/", hd_token,
                                            hd_pool)):
            if name not in args.paths:
                continue
            base = aduan.base if name == "form" else helpdesk.base
            scripts[name] = work / f"{name}.lua"
            scripts[name].write_text(LUA_FORM % {"base": base, "pool": pool_file, "path": path,
                                                 "token": tok, "id_base": 0} + LUA_DONE)
        scripts["insert"] = work / "insert.lua"
        scripts["insert"].write_text('wrk.method = "POST"\nwrk.body = "one row"\n' + LUA_DONE)
        scripts["nodb"] = work / "nodb.lua"
        scripts["nodb"].write_text(LUA_DONE)
        plan = {
            "form": (aduan, "/aduan/baru/", complaints),
            "helpdesk": (helpdesk, "/helpdesk/tickets/submit/",
                         tickets if helpdesk else None),
            "insert": (aduan, "/bench/insert/", rows),
            "webhook": (aduan, "/webhooks/meta", events),
            "nodb": (aduan, "/webhooks/meta?hub.mode=subscribe&hub.challenge=1"
                            f"&hub.verify_token={VERIFY}", None),
        }
        plan = {name: plan[name] for name in PATHS if name in args.paths}
        totals = {k: {"ok": 0, "seconds": 0.0, "cpu": 0.0, "rows": 0, "p50": [], "p99": []}
                  for k in plan}
        order = list(plan)
        signed = 0
        for name in order:  # warm up: models and place lists loaded in both workers
            if name != "webhook":
                server, path, _ = plan[name]
                for _ in range(6):
                    warm = wrk(server.base + path, scripts[name], 3, 4)
                    if warm["requests"] > 8 and warm["p99"] < 1000:
                        break
        for server in (aduan, helpdesk):
            if server:
                settle(server)
        for rnd in range(args.rounds):
            for name in order[rnd % len(order):] + order[:rnd % len(order)]:
                server, path, count = plan[name]
                if name == "webhook":
                    scripts["webhook"] = work / "webhook.lua"
                    lines = work / f"signed-{rnd}.txt"
                    signed_lines(lines, int(4000 * args.seconds), signed)
                    signed += int(4000 * args.seconds)
                    scripts["webhook"].write_text(LUA_LINES % {"file": lines} + LUA_DONE)
                before_rows = count() if count else 0
                cpu0 = server.cpu()
                result = wrk(server.base + path, scripts[name], args.seconds, args.connections)
                settle(server)  # requests still in flight finish (and count as CPU)
                cpu = server.cpu() - cpu0
                t = totals[name]
                ok = result["requests"] - result["non2xx3xx"]
                t["ok"] += ok
                t["seconds"] += result["seconds"]
                t["cpu"] += cpu
                t["rows"] += (count() - before_rows) if count else ok
                t["p50"].append(result["p50"])
                t["p99"].append(result["p99"])
                print(f"  {label} round {rnd + 1} {name:<9} {ok / result['seconds']:8.1f} req/s"
                      f"  ({result['non2xx3xx']} refused, {result['errors']} errors)",
                      file=sys.stderr)
                if result["non2xx3xx"] and name == "webhook":
                    print("    one more, by hand: " + sample_webhook(server.base, work),
                          file=sys.stderr)
        return totals
    finally:
        aduan.stop()
        if helpdesk:
            helpdesk.stop()
        for url in (aduan_url, helpdesk_url):
            if url:
                drop_database(url)


def report(label: str, totals: dict) -> None:
    rate = {k: v["ok"] / v["seconds"] for k, v in totals.items()}
    print(f"-- {label}: granian --workers 2 --blocking-threads 4, wrk 2 threads, "
          f"{ARGS.connections} connections, {ARGS.rounds} interleaved rounds of "
          f"{ARGS.seconds:g} s")
    print(f"{'path':<44}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/req':>12}"
          f"{'rows/2xx':>10}")
    names = {"form": "Aduan web form (anonymous, text)", "helpdesk":
             "django-helpdesk 2.6.1 public form", "insert": "bare one-row insert view",
             "webhook": "Aduan signed WhatsApp webhook", "nodb": "webhook handshake (no db)"}
    for key, name in names.items():
        if key not in totals:
            continue
        t = totals[key]
        cpu = t["cpu"] * 1000 / t["ok"] if t["ok"] else float("nan")
        print(f"{name:<44}{rate[key]:9.1f}{max(t['p50']):9.1f}{max(t['p99']):9.1f}"
              f"{cpu:12.2f}{t['rows']:>5}/{t['ok']:<5}")
    checks = [("form / helpdesk form", "form", "helpdesk", 10.0),
              ("form / bare insert", "form", "insert", 0.25),
              ("webhook / no-db endpoint", "webhook", "nodb", 0.5),
              ("webhook / bare insert", "webhook", "insert", None)]
    for name, top, bottom, goal in checks:
        if top not in rate or bottom not in rate:
            continue
        value = rate[top] / rate[bottom]
        if goal is None:
            print(f"  ratio {name:<28}{value:8.2f}")
            continue
        print(f"  ratio {name:<28}{value:8.2f}   goal >= {goal:g}  "
              f"{'met' if value >= goal else 'NOT met'}")
    # wrk stops counting at the deadline; up to one request per connection per round is
    # still in flight then, and is stored without being counted as answered.
    slack = ARGS.connections * ARGS.rounds
    mismatched = [k for k, t in totals.items()
                  if k != "nodb" and not t["ok"] <= t["rows"] <= t["ok"] + slack]
    print(f"  rows created == successful answers (+ at most {slack} in flight at the "
          "deadlines): " + ("yes" if not mismatched else f"NO for {', '.join(mismatched)}"))


def paths(value: str) -> list[str]:
    """`--paths form,webhook`: the paths to measure, in the bench's order."""
    chosen = {name.strip() for name in value.split(",") if name.strip()}
    unknown = chosen - set(PATHS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(PATHS)}; "
                                         f"not {', '.join(sorted(unknown)) or 'nothing'}")
    return [name for name in PATHS if name in chosen]


def main() -> None:
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--paths", type=paths, default=",".join(PATHS),
                        help="comma list among " + ", ".join(PATHS) + " (default: all)")
    ARGS = parser.parse_args()
    pg = os.environ.get("DATABASE_URL", "")
    print(f"== ratio bench: {os.cpu_count()} CPUs")
    if ARGS.db in ("sqlite", "both"):
        report("SQLite (WAL)", run_database("sqlite", None, ARGS))
    if ARGS.db in ("postgres", "both") and pg.startswith("postgres"):
        report("PostgreSQL", run_database("postgres", pg, ARGS))


ARGS = argparse.Namespace()
PATHS = ("form", "helpdesk", "insert", "webhook", "nodb")

if __name__ == "__main__":
    main()
