"""Several workers ticking at once produce each warning and escalation exactly once.

Threads and processes share the PostgreSQL test database. On SQLite the test database
lives in shared-cache memory, whose table locks ignore the busy timeout, so the SQLite
test runs separate processes on a real WAL database file (the embedded default).
"""

import json
import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection

from aduan.complaints.models import Event
from aduan.sla.escalation import tick
from aduan.sla.models import Claim

from .conftest import wib

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 4


def make_work(city, clock, n=12):
    """n complaints overdue at the RT, n more inside the warning window."""
    overdue = [city.complaint(city.rt) for _ in range(n)]
    clock.set(wib(2026, 11, 23, 15, 0))
    near = [city.complaint(city.rt) for _ in range(n)]
    # Tuesday 09:05: the first batch is 5 minutes late; the second is due 15:00.
    now = clock.set(wib(2026, 11, 24, 13, 30))
    return overdue, near, now


def assert_exactly_once(overdue, near):
    for c in overdue:
        assert Event.objects.filter(complaint=c, kind="escalated").count() == 1, c
    for c in near:
        assert Event.objects.filter(complaint=c, kind="sla_warning").count() == 1, c
    assert Claim.objects.filter(action="escalate").count() == len(overdue)
    assert Claim.objects.filter(action="warn").count() == len(near)


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.skipif(not ON_POSTGRES, reason="in-memory SQLite: see the file-based test")
def test_threads_tick_at_once(city, clock):
    overdue, near, now = make_work(city, clock)
    barrier = threading.Barrier(WORKERS)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            for _ in range(3):
                results.append(tick(now))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r.get("escalated_to_level_1", 0) for r in results) == len(overdue)
    assert sum(r.get("warned", 0) for r in results) == len(near)
    assert_exactly_once(overdue, near)


SCRIPT = """
import json, sys, django
from datetime import datetime
django.setup()
from aduan.sla.escalation import tick
now = datetime.fromisoformat(sys.argv[1])
print(json.dumps([tick(now) for _ in range(3)]))
"""


@pytest.mark.skipif(not ON_POSTGRES, reason="needs a shared server database")
def test_processes_tick_at_once(city, clock):
    overdue, near, now = make_work(city, clock, n=20)
    settings = connection.settings_dict
    url = (f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
           f"{settings['PORT']}/{settings['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "aduan.settings"}
    env.pop("ADUAN_TEST_DB_NAME", None)
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, now.isoformat()], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(WORKERS)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    results = [r for out, _ in outputs for r in json.loads(out)]
    assert sum(r.get("escalated_to_level_1", 0) for r in results) == len(overdue)
    assert_exactly_once(overdue, near)
    # and a later deadline is again handled once
    later = max(c.next_due for c in type(overdue[0]).objects.filter(owner=city.rw))
    assert later > now
    assert tick(later + timedelta(minutes=1)).get("escalated_to_level_2") == len(overdue)


SETUP = """
import django, json
django.setup()
from unittest import mock
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
from aduan.sla.tests.conftest import City, Clock, wib
from aduan.sla.tests.test_concurrent_workers import make_work
clock = Clock(wib(2026, 11, 23, 9, 0))
with mock.patch.object(timezone, "now", clock):
    overdue, near, now = make_work(City(), clock, n=20)
print(json.dumps({"overdue": [c.pk for c in overdue], "near": [c.pk for c in near],
                  "now": now.isoformat()}))
"""

CHECK = """
import django, json, sys
django.setup()
from aduan.complaints.models import Event
from aduan.sla.models import Claim
ids = json.loads(sys.argv[1])
print(json.dumps({
    "escalated": sorted(Event.objects.filter(complaint_id__in=ids["overdue"], kind="escalated")
                        .values_list("complaint_id", flat=True)),
    "warned": sorted(Event.objects.filter(complaint_id__in=ids["near"], kind="sla_warning")
                     .values_list("complaint_id", flat=True)),
    "claims": Claim.objects.count(),
}))
"""


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite variant")
def test_processes_tick_at_once_on_a_sqlite_file(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ADUAN_TESTING")}
    env.update(ADUAN_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="aduan.settings",
               ADUAN_SECRET_KEY="test-" + "x" * 40)

    def run(script, *args):
        done = subprocess.run([sys.executable, "-c", script, *args], env=env, text=True,
                              capture_output=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    ids = json.loads(run(SETUP).strip().splitlines()[-1])
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, ids["now"]], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(WORKERS)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outputs]
    results = [r for out, _ in outputs for r in json.loads(out)]
    assert sum(r.get("escalated_to_level_1", 0) for r in results) == 20
    assert sum(r.get("warned", 0) for r in results) == 20
    check = json.loads(run(CHECK, json.dumps(ids)))
    assert check["escalated"] == sorted(ids["overdue"])  # each once, none twice
    assert check["warned"] == sorted(ids["near"])
    assert check["claims"] == 40
