"""API keys: shown once, stored as a hash, made by `aduan api-key NAME` or the admin."""

import io

import pytest
from django.core.management import call_command

from aduan.api.models import ApiKey, hash_key


def test_command_prints_a_key_once_and_stores_its_hash(db):
    out = io.StringIO()
    call_command("api_key", "Aplikasi Solo", stdout=out)
    key = out.getvalue().strip()
    assert key.startswith("aduan_") and len(key) > 40
    row = ApiKey.objects.get()
    assert row.name == "Aplikasi Solo" and row.is_active and row.user is None
    assert row.key_hash == hash_key(key) and key not in (row.key_hash, row.prefix)
    assert ApiKey.objects.for_key(key) == row
    assert ApiKey.objects.for_key(key + "x") is None
    assert ApiKey.objects.for_key("") is None


def test_command_can_bind_a_staff_user(db, django_user_model):
    from django.core.management.base import CommandError

    user = django_user_model.objects.create(username="dishub")
    out = io.StringIO()
    call_command("api_key", "Alat staf", "--user", "dishub", stdout=out)
    assert ApiKey.objects.get().user == user
    with pytest.raises(CommandError):
        call_command("api_key", "x", "--user", "tidak-ada", stdout=io.StringIO())


def test_admin_shows_a_new_key_once(admin_client):
    response = admin_client.post("/admin/api/apikey/add/",
                                 {"name": "Integrator", "is_active": "on"}, follow=True)
    assert response.status_code == 200
    row = ApiKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.split(": ", 1)[1] for m in shown if "Kunci API baru" in m)
    assert ApiKey.objects.for_key(key) == row
    again = admin_client.get(f"/admin/api/apikey/{row.pk}/change/").content.decode()
    assert key not in again
