"""A complaint's photos at intake: decoded, re-encoded and written to storage before the
write transaction (no write lock held meanwhile), their rows recorded inside it, and no
files left behind when that transaction rolls back or a photo is refused."""

import os

import pytest
from django.core.files.storage import FileSystemStorage

from aduan import writelock
from aduan.complaints import actions
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.evidence import store
from aduan.evidence.models import Photo, ProofWarning

KEMLAYAN = "33.72.02.1007"


def files_on_disk(settings) -> list[str]:
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(settings.MEDIA_ROOT) for f in fs)


def message(photos: list[bytes]) -> IncomingMessage:
    return IncomingMessage(channel="whatsapp", handle="6281200000077", region_code=KEMLAYAN,
                           text="Saluran air mampet di depan rumah, mohon dibersihkan",
                           photos=photos)


def test_photos_are_processed_and_written_before_the_write_begins(city, jpeg, monkeypatch):
    seen: list[tuple[str, bool]] = []
    process, save = store.process, FileSystemStorage.save

    def processing(data):
        seen.append(("process", writelock._AFTER.get() is not None))
        return process(data)

    def saving(self, name, content, max_length=None):
        seen.append(("file", writelock._AFTER.get() is not None))
        return save(self, name, content, max_length)

    monkeypatch.setattr(store, "process", processing)
    monkeypatch.setattr(FileSystemStorage, "save", saving)
    complaint = open_complaint(message([jpeg(colour=(10, 20, 200)), jpeg(colour=(200, 20, 10))]))

    assert seen == [("process", False)] + [("file", False)] * 3 + \
        [("process", False)] + [("file", False)] * 3  # never inside `writing()`
    photos = Photo.objects.filter(complaint=complaint)
    assert photos.count() == 2 and all(p.by_citizen for p in photos)
    received = complaint.events.get(kind="received")
    assert sorted(received.data["photos"]) == sorted(p.pk for p in photos)


def test_a_refused_photo_is_left_out_and_the_others_kept(city, jpeg):
    complaint = open_complaint(message([b"not a picture at all", jpeg(colour=(5, 90, 5))]))
    assert Photo.objects.filter(complaint=complaint).count() == 1


def test_when_the_write_rolls_back_no_photo_files_stay(city, jpeg, settings, monkeypatch):
    before, rows = files_on_disk(settings), Photo.objects.count()

    def failing(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions, "record", failing)
    with pytest.raises(RuntimeError):
        open_complaint(message([jpeg(colour=(1, 2, 3)), jpeg(colour=(3, 2, 1))]))
    assert Photo.objects.count() == rows
    assert files_on_disk(settings) == before


def test_the_proof_checks_run_once_for_all_photos_of_the_message(city, jpeg, monkeypatch):
    from aduan.evidence import checks

    calls = []
    refresh = checks.refresh
    monkeypatch.setattr(checks, "refresh", lambda c: (calls.append(c.pk), refresh(c))[1])
    same = jpeg(colour=(30, 30, 30))
    earlier = open_complaint(message([same]))
    calls.clear()
    later = open_complaint(IncomingMessage(
        channel="whatsapp", handle="6281200000078", region_code=KEMLAYAN,
        text="Lampu jalan mati sejak kemarin di gang kami", photos=[same, jpeg()]))

    assert calls == [later.pk]
    assert ProofWarning.objects.filter(complaint=later, other_complaint=earlier).exists()


def test_when_a_later_photo_cannot_be_stored_the_earlier_ones_files_go(city, jpeg, settings,
                                                                        monkeypatch):
    before, rows = files_on_disk(settings), Photo.objects.count()
    save, calls = FileSystemStorage.save, []

    def saving(self, name, content, max_length=None):
        calls.append(name)
        if len(calls) > 4:  # the second photo's public copy
            raise OSError("disk full")
        return save(self, name, content, max_length)

    monkeypatch.setattr(FileSystemStorage, "save", saving)
    with pytest.raises(OSError):
        open_complaint(message([jpeg(colour=(9, 9, 9)), jpeg(colour=(99, 9, 9))]))
    assert Photo.objects.count() == rows
    assert files_on_disk(settings) == before
