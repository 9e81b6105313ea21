import pytest

pytestmark = pytest.mark.django_db


def test_indonesian_by_default_even_for_english_browsers(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="id">' in page.content.decode()
    assert page["Content-Language"] == "id"


def test_english_when_chosen(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert '<html lang="en">' in page.content.decode()
    assert page["Content-Language"] == "en"
