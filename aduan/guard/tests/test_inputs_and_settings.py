"""No 5xx for the issue's inputs; staff-login settings: passwords, sessions, no-store,
HSTS and secure redirects behind https, a clean `check --deploy`, /metrics behind a
token, Open311 api_key only in the body and never in logs."""

import json
import logging
import os
import subprocess
import sys
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from aduan.api.models import ApiKey
from aduan.complaints.demo import PASSWORD
from aduan.logfilter import mask

pytestmark = pytest.mark.django_db
O311 = "/open311/v2/requests.json"


@pytest.mark.parametrize("path", [
    "/open311/v2/requests.json?end_date=0001-01-01T00:00:00Z",
    "/open311/v2/requests.json?start_date=0001-01-01T00:00:00Z",
    "/open311/v2/requests.xml?end_date=9999-12-31T23:59:59Z",
    "/api/v1/stats?since=9999-12-31T23:59:59Z",
    "/api/v1/stats?since=0001-01-01T00:00:00%2B14:00",
    "/api/v1/complaints?since=9999-12-31T23:59:59-12:00",
])
def test_extreme_dates_are_400(client, db, path):
    assert client.get(path).status_code == 400


def test_open311_json_with_a_lone_surrogate_or_huge_numbers_is_400(client, city):
    _, key = ApiKey.issue("Aplikasi")
    start = f'{{"api_key": "{key}", "service_code": "jalan", '
    for body in (start + '"description": "\\ud800", "address_string": "Pasar Gede"}',
                 start + '"lat": 1e999, "long": 110.8}',
                 start + '"lat": -7.57, "long": 2.35}',
                 "[" * 50000 + "]" * 50000):
        response = client.post(O311, body, content_type="application/json")
        assert response.status_code == 400, body[:80]


def test_open311_api_key_only_in_the_body_and_never_in_logs(client, city, caplog):
    _, key = ApiKey.issue("Aplikasi")
    body = {"service_code": "jalan", "address_string": "Pasar Gede", "description": "Rusak"}
    with caplog.at_level(logging.INFO):
        response = client.post(f"{O311}?api_key={key}", body)
    assert response.status_code == 400
    assert "POST body" in response.json()[0]["description"]
    assert key not in caplog.text
    assert client.post(O311, {**body, "api_key": key}).status_code == 201
    line = f'"POST /open311/v2/requests.json?api_key={key}&x=1 HTTP/1.1" 400 85'
    assert key not in mask(line) and "api_key=[KEY]" in mask(line)


def test_passwords_need_twelve_characters_and_not_a_common_one():
    for weak in ("Solo-2026!", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("kali-pepe-menyala-2026")


def test_session_is_one_working_day_and_ends_when_idle(client, city, settings):
    assert settings.SESSION_COOKIE_AGE == 9 * 3600
    response = client.post("/masuk/", {"username": "lurah.kemlayan", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/petugas/").status_code == 200
    session = client.session
    session["aduan_seen"] = int(time.time()) - settings.ADUAN_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get("/petugas/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    assert client.get("/petugas/").status_code == 302  # logged out, not just redirected


def test_staff_and_login_pages_are_never_cached(client, city, login):
    assert "no-store" in client.get("/masuk/")["Cache-Control"]
    login("dpupr")
    for path in ("/petugas/", f"/petugas/aduan/{city['complaints'][0].ref}/"):
        assert "no-store" in client.get(path)["Cache-Control"], path


def test_metrics_need_the_token(client, db, settings):
    settings.ADUAN_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 403  # not configured: closed
    settings.ADUAN_METRICS_TOKEN = "prometheus-9f2c"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer prometheus-9f2c"})
    assert ok.status_code == 200 and b"aduan_complaints" in ok.content


PRODUCTION = {
    "ADUAN_PUBLIC_URL": "https://aduan.surakarta.go.id",
    "ADUAN_ALLOWED_HOSTS": "aduan.surakarta.go.id",
    "ADUAN_SECRET_KEY": "k" * 20 + "-Zq8vN3pL0xY7wT2rE5uI9oA4sD6fG1hJ",
    "ADUAN_METRICS_TOKEN": "prometheus-9f2c",
    "ADUAN_HSTS_SUBDOMAINS": "1",
}
PROBE = """
import django, os
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
c = Client()
plain = c.get("/tidak-ada/", HTTP_HOST="aduan.surakarta.go.id")
secure = c.get("/tidak-ada/", HTTP_HOST="aduan.surakarta.go.id", HTTP_X_FORWARDED_PROTO="https")
import json
print(json.dumps({"plain": [plain.status_code, plain.get("Location", "")],
                  "hsts": secure.get("Strict-Transport-Security", ""),
                  "cookie_secure": __import__("django.conf").conf.settings.SESSION_COOKIE_SECURE}))
"""


def _production_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ADUAN_", "PYTEST", "DJANGO_ALLOW"))}
    env.update(PRODUCTION, ADUAN_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="aduan.settings")
    env.pop("DATABASE_URL", None)
    return env


def test_https_public_url_means_hsts_secure_redirect_and_secure_cookies(tmp_path):
    out = subprocess.run([sys.executable, "-c", PROBE], env=_production_env(tmp_path),
                         capture_output=True, text=True, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["plain"] == [301, "https://aduan.surakarta.go.id/tidak-ada/"]
    assert result["hsts"] == "max-age=31536000; includeSubDomains"
    assert result["cookie_secure"] is True


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    aduan = os.path.join(os.path.dirname(sys.executable), "aduan")
    out = subprocess.run([aduan, "check", "--deploy", "--fail-level", "WARNING"],
                         env=_production_env(tmp_path), capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
