"""With ADUAN_REDIS_URL set, the cache and the rate-limit counters live in Redis and are
shared by every process (several `aduan serve` hosts count one citizen together). Runs a
real redis-server (Debian's) on 127.0.0.1 and a free port."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from aduan.guard import throttle

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    binary = shutil.which("redis-server")
    assert binary, "redis-server (Debian package redis-server) is needed for this test"
    port = _free_port()
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def on_redis(settings, redis_url):
    settings.REDIS_URL = redis_url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url}}
    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


def test_the_cache_is_redis(on_redis):
    from django.core.cache import cache

    cache.set("aduan-test", {"n": 1}, 30)
    assert cache.get("aduan-test") == {"n": 1}
    assert any(b"aduan-test" in key for key in redis.Redis.from_url(on_redis).keys())


def test_two_processes_count_one_citizen_together(on_redis):
    key, rate = "complaint_form:0:198.51.100.7", "3/h"
    assert throttle.hit(key, rate) is None
    assert throttle.hit(key, rate) is None
    env = {**os.environ, "ADUAN_REDIS_URL": on_redis, "DJANGO_SETTINGS_MODULE": "aduan.settings",
           "PYTHONPATH": str(ROOT)}
    other = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from aduan.guard import "
         f"throttle; print(throttle.hit({key!r}, {rate!r}))"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert other.stdout.strip().splitlines()[-1] == "None"  # the third hit: still allowed
    wait = throttle.hit(key, rate)  # the fourth, back in this process: over the limit
    assert wait is not None and 0 < wait <= 3600
