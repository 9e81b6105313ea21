"""Files follow the database (issue 11 item 4): photos of a refused or rolled-back action
leave nothing on disk; the periodic sweep reports files no row names."""

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.complaints import actions
from aduan.evidence import orphans
from aduan.evidence.models import Photo

pytestmark = pytest.mark.django_db


def files_on_disk(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)


def photos(jpeg, n=2):
    return [SimpleUploadedFile(f"p{i}.jpg", jpeg(colour=(30 * i, 90, 160)), "image/jpeg")
            for i in range(n)]


def test_refused_posts_to_a_merged_complaints_tracking_link_leave_no_files(
        client, city, jpeg, settings):
    merged, survivor = city["complaints"][3], city["complaints"][4]
    actions.merge(merged, survivor, None)
    merged.refresh_from_db()
    before, rows = files_on_disk(settings), Photo.objects.count()
    for _ in range(4):
        response = client.post(f"/lacak/{merged.token}/tambah/",
                               {"text": "Ini foto tambahan", "photos": photos(jpeg)})
        assert response.status_code == 302  # refused with a message, as before
    assert Photo.objects.count() == rows
    assert files_on_disk(settings) == before


def test_the_read_only_mayors_refused_posts_leave_no_files(client, city, login, jpeg, settings):
    login("walikota")
    ref = city["complaints"][0].ref
    before, rows = files_on_disk(settings), Photo.objects.count()
    for action in ("progress", "resolve", "acknowledge"):
        response = client.post(f"/petugas/aduan/{ref}/{action}/",
                               {"note": "Sudah dicek", "photos": photos(jpeg, 3)})
        assert response.status_code in (302, 403)
    assert Photo.objects.count() == rows
    assert files_on_disk(settings) == before


def test_an_accepted_post_keeps_its_files(client, city, login, jpeg, settings):
    login("dpupr")
    complaint = city["complaints"][0]
    before = len(files_on_disk(settings))
    client.post(f"/petugas/aduan/{complaint.ref}/progress/",
                {"note": "Tambal sulam dijadwalkan", "photos": photos(jpeg, 1)})
    photo = Photo.objects.filter(complaint=complaint, tag="progress").get()
    assert default_storage.exists(photo.original.name)
    assert len(files_on_disk(settings)) == before + 3  # original, public copy, thumbnail


def test_sweep_reports_orphans_and_ignores_young_and_referenced_files(city, jpeg):
    from aduan.evidence.store import save_photo

    kept = save_photo(jpeg(), complaint=city["complaints"][0])
    lost = default_storage.save("photos/original/zz/lost", ContentFile(b"x" * 100))
    found = orphans.find(grace=timedelta(0))
    assert found.names == [lost] and found.bytes == 100
    assert kept.original.name not in found.names
    assert orphans.find().names == []  # younger than an hour: maybe a transaction running
    orphans._last_run = 0.0
    assert orphans.sweep() is not None and orphans.sweep() is None  # at most hourly


def test_when_one_file_cannot_be_written_the_others_are_removed(jpeg, settings,
                                                                  monkeypatch):
    from django.core.files.storage import FileSystemStorage

    from aduan.evidence.store import save_photo

    write = FileSystemStorage.save

    def save(self, name, content, max_length=None):
        if "/thumb/" in name:
            raise OSError("disk full")
        return write(self, name, content, max_length)

    before, rows = files_on_disk(settings), Photo.objects.count()
    monkeypatch.setattr(FileSystemStorage, "save", save)
    with pytest.raises(OSError, match="disk full"):
        save_photo(jpeg(colour=(200, 10, 30)))
    assert files_on_disk(settings) == before and Photo.objects.count() == rows
