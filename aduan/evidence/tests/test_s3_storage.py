"""Photos on S3-compatible object storage (ADUAN_STORAGE=s3://...), against a real local
S3 server (moto in server mode, its own process): a complaint's photo goes into the
bucket, comes back byte for byte, and its page link is a signed URL that works."""

import urllib.request

import pytest

from aduan.evidence.store import save_photo

from ..models import Photo
from .conftest import phone_photo
from .s3server import S3Server, storages_for

BUCKET = "aduan-foto"


@pytest.fixture(scope="module")
def s3():
    server = S3Server()
    server.create_bucket(BUCKET)
    yield server
    server.stop()


@pytest.fixture
def on_s3(s3, settings, monkeypatch):
    for key, value in s3.env(BUCKET).items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    settings.STORAGES = storages_for(s3, BUCKET)
    return s3


def test_settings_read_bucket_endpoint_and_region_from_the_url(s3):
    options = storages_for(s3, BUCKET)["default"]["OPTIONS"]
    assert options["bucket_name"] == BUCKET
    assert options["endpoint_url"] == s3.endpoint
    assert options["region_name"] == "us-east-1"
    assert options["default_acl"] is None and options["querystring_auth"] is True


def test_a_photo_round_trips_through_the_bucket(db, on_s3):
    data = phone_photo(3, gps=(-7.5707, 110.8283))
    photo = save_photo(data, by_citizen=True)

    keys = on_s3.keys(BUCKET)
    assert photo.original.name in keys and photo.public.name in keys
    assert photo.thumb.name in keys
    stored = Photo.objects.get(pk=photo.pk)
    with stored.original.open("rb") as handle:
        assert handle.read() == data  # the private original, EXIF and all
    with stored.public.open("rb") as handle:
        public = handle.read()
    assert public[:2] == b"\xff\xd8" and public != data  # a JPEG without the EXIF

    url = stored.public.url
    assert url.startswith(on_s3.endpoint) and "Signature=" in url  # private bucket
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
        assert response.read() == public


def test_objects_stay_private_without_a_signature(db, on_s3):
    photo = save_photo(phone_photo(4), by_citizen=True)
    bare = f"{on_s3.endpoint}/{BUCKET}/{photo.original.name}"
    assert bare in photo.original.url.split("?")[0]
    acl = on_s3.client().get_object_acl(Bucket=BUCKET, Key=photo.original.name)
    assert not [g for g in acl["Grants"] if "AllUsers" in str(g.get("Grantee"))]


def test_s3_url_without_a_bucket_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from aduan import settings as project_settings

    with pytest.raises(ImproperlyConfigured):
        project_settings.storages_for("s3://?endpoint=http://127.0.0.1:9")


@pytest.fixture
def heads(on_s3, monkeypatch):
    """The names asked about with a HEAD request (S3Storage.exists)."""
    from storages.backends.s3 import S3Storage

    asked: list[str] = []
    original = S3Storage.exists

    def exists(self, name):
        asked.append(name)
        return original(self, name)

    monkeypatch.setattr(S3Storage, "exists", exists)
    return asked


def test_a_photo_is_written_without_asking_whether_its_names_are_taken(db, heads):
    data = phone_photo(5)
    first = save_photo(data, by_citizen=True)
    again = save_photo(data, by_citizen=True)  # the same picture sent twice

    assert heads == []  # was one HEAD per file: three per photo
    files = [f.name for p in (first, again) for f in (p.original, p.public, p.thumb)]
    assert len(set(files)) == 6  # still a file of its own per row (an erase deletes one)
    assert set(files) <= set(heads_s3_keys(first))
    for photo in (first, again):
        with photo.original.open("rb") as handle:
            assert handle.read() == data


def heads_s3_keys(photo) -> list[str]:
    storage = photo.original.storage
    return [o.key for o in storage.bucket.objects.all()]


def test_other_files_with_a_taken_name_still_get_a_name_of_their_own(db, heads):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    one = default_storage.save("attachments/2026/12/voice.ogg", ContentFile(b"first"))
    two = default_storage.save("attachments/2026/12/voice.ogg", ContentFile(b"second"))

    assert one != two and heads  # asked, and given a suffix: nothing overwritten
    with default_storage.open(one) as handle:
        assert handle.read() == b"first"
    with default_storage.open(two) as handle:
        assert handle.read() == b"second"


def test_small_files_go_up_in_one_call_and_large_ones_through_the_transfer_manager(
        db, on_s3, monkeypatch):
    from boto3.s3.transfer import TransferConfig
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    through_manager: list[str] = []
    upload = S3Storage._save
    monkeypatch.setattr(S3Storage, "_save", lambda self, name, content: (
        through_manager.append(name), upload(self, name, content))[1])

    photo = save_photo(phone_photo(6), by_citizen=True)
    assert through_manager == []
    head = on_s3.client().head_object(Bucket=BUCKET, Key=photo.public.name)
    assert head["ContentType"] == "image/jpeg"

    default_storage.transfer_config = TransferConfig(multipart_threshold=16)
    name = default_storage.save("attachments/2026/12/notes.pdf", ContentFile(b"%PDF-" * 10))
    assert through_manager == [name]
    with default_storage.open(name) as handle:
        assert handle.read() == b"%PDF-" * 10
    assert on_s3.client().head_object(Bucket=BUCKET, Key=name)["ContentType"] == \
        "application/pdf"
