"""`aduan demo` and `aduan serve` as a user runs them: real processes, real HTTP."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ADUAN = str(Path(sys.executable).with_name("aduan"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "ADUAN_TESTING", "DJANGO_SETTINGS_MODULE")}
    env.update({"ADUAN_DATA_DIR": str(tmp_path / "var"), **extra})
    return env


def _wait_for(url: str, process, seconds: float = 120) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"process exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def _stop(process) -> str:
    """SIGTERM, then SIGKILL to the whole process group: a server worker that outlives its
    parent would keep the output pipe open and hang the test."""
    process.terminate()
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate(timeout=20)
    return out


def test_demo_needs_no_settings_and_serves_surakarta(tmp_path):
    port = _free_port()
    process = subprocess.Popen([ADUAN, "demo", "--port", str(port)], env=_env(tmp_path),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        assert b'"ok"' in _wait_for(f"http://127.0.0.1:{port}/healthz", process)
        form = _wait_for(f"http://127.0.0.1:{port}/aduan/baru/", process).decode()
        assert "Kemlayan" in form and "Kirim aduan" in form
    finally:
        out = _stop(process)
    assert "rt03.kemlayan" in out and "solo-demo-2026" in out
    assert (tmp_path / "var" / "aduan.sqlite3").exists()
    assert (tmp_path / "var" / "secret_key").exists()


def test_serve_refuses_without_a_real_secret(tmp_path):
    result = subprocess.run([ADUAN, "serve", "--port", str(_free_port())], env=_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "ADUAN_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("secret", ["change-me"])
def test_placeholder_secret_is_refused(tmp_path, secret):
    result = subprocess.run([ADUAN, "check"], env=_env(tmp_path, ADUAN_SECRET_KEY=secret),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "placeholder" in result.stderr


def test_serve_runs_granian_workers(tmp_path):
    env = _env(tmp_path, ADUAN_SECRET_KEY="x" * 50)
    subprocess.run([ADUAN, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    port = _free_port()
    process = subprocess.Popen([ADUAN, "serve", "--port", str(port), "--workers", "2"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        assert b'"ok"' in _wait_for(f"http://127.0.0.1:{port}/healthz", process)
    finally:
        _stop(process)
