"""Abuse limits (issue 11 item 5): 429 with Retry-After on the complaint form, tracking
pages, login, Open311 POST and the API, per client address and per reporter; counters in
the shared database table (or Redis)."""

import pytest
from django.db import connection

from aduan.complaints.demo import PASSWORD
from aduan.guard import throttle
from aduan.guard.models import RateCounter, Refusal

pytestmark = pytest.mark.django_db


def assert_429(response):
    assert response.status_code == 429, response.status_code
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 3600
    return wait


def test_complaint_form_per_reporter_and_per_address(client, city, settings):
    settings.ADUAN_RATE_COMPLAINT_REPORTER = "3/h"
    settings.ADUAN_RATE_COMPLAINT_IP = "5/h"
    form = {"text": "Jalan berlubang di depan pasar", "contact": "0812 3456 7890"}
    for _ in range(3):
        assert client.post("/aduan/baru/", form).status_code != 429
    assert_429(client.post("/aduan/baru/", form))
    # another reporter from the same address gets the address's remaining two
    other = {**form, "contact": "081300000000"}
    assert client.post("/aduan/baru/", other).status_code != 429
    assert_429(client.post("/aduan/baru/", other))  # address: 6 > 5
    # another address, new reporter: fine
    fresh = {**form, "contact": "081399999999"}
    assert client.post("/aduan/baru/", fresh, REMOTE_ADDR="10.1.2.3").status_code != 429
    assert Refusal.objects.get(source="complaint_form", reason="rate_limited").count == 2


def test_tracking_pages_and_api_and_open311(client, city, settings):
    settings.ADUAN_RATE_TRACKING = "3/m"
    settings.ADUAN_RATE_API = "4/m"
    ref = city["complaints"][0].ref
    for _ in range(3):
        assert client.get(f"/aduan/{ref}/").status_code == 200
    assert_429(client.get(f"/aduan/{ref}/"))
    assert_429(client.get("/lacak/tidak-ada-token-ini/"))
    for _ in range(4):
        assert client.get("/api/v1/categories").status_code == 200
    response = client.get("/open311/v2/services.json")
    assert_429(response)
    assert response.json()["error"]["status"] == 429
    # another client is served meanwhile
    assert client.get("/api/v1/categories", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_open311_post_per_reporter(client, city, settings):
    from aduan.api.models import ApiKey

    settings.ADUAN_RATE_COMPLAINT_REPORTER = "2/h"
    _, key = ApiKey.issue("Aplikasi kota")
    body = {"api_key": key, "service_code": "jalan", "lat": "-7.5705", "long": "110.8283",
            "description": "Jalan rusak parah dekat sekolah", "email": "warga@example.id"}
    for _ in range(2):
        assert client.post("/open311/v2/requests.json", body).status_code == 201
    assert_429(client.post("/open311/v2/requests.json", body))


def test_login_lockout_after_five_failures(client, city, settings):
    for _ in range(5):
        wrong = client.post("/masuk/", {"username": "lurah.kemlayan", "password": "salah"})
        assert wrong.status_code == 200
    # locked: even the right password is refused until the window ends
    assert_429(client.post("/masuk/", {"username": "lurah.kemlayan", "password": PASSWORD}))
    # from another address the same user name is still locked (per user name) ...
    assert_429(client.post("/masuk/", {"username": "lurah.kemlayan", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.7"))
    # ... while another user from that address logs in
    assert client.post("/masuk/", {"username": "rt03.kemlayan", "password": PASSWORD},
                       REMOTE_ADDR="10.0.0.7").status_code == 302
    assert Refusal.objects.get(source="login", reason="wrong_password").count == 5


def test_address_behind_trusted_proxies(rf, settings):
    settings.ADUAN_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 36.72.1.9")
    assert throttle.client_ip(request) == "36.72.1.9"  # the spoofable first entry is ignored
    settings.ADUAN_PROXY_COUNT = 0
    assert throttle.client_ip(request) == "127.0.0.1"
    v6 = rf.get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    assert throttle.client_ip(v6) == "2001:db8:1:2::"


def test_counter_is_one_atomic_statement_and_windows_reset(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert throttle.hit("k", "2/m") is None
    assert throttle.hit("k", "2/m") is None
    wait = throttle.hit("k", "2/m")
    assert wait and 1 <= wait <= 60
    row = RateCounter.objects.get()
    assert row.count == 3
    RateCounter.objects.update(window_end=row.window_end - 120)  # the window has passed
    assert throttle.hit("k", "2/m") is None and RateCounter.objects.get().count == 1
    assert connection.vendor in {"sqlite", "postgresql"}
