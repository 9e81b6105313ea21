"""`aduan privacy export|erase --reference R | --phone P`, and the breach query."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image
from PIL.ExifTags import IFD

from aduan.channels.models import ChannelAccount, InboundEvent
from aduan.complaints.models import Complaint, Event, Reporter
from aduan.evidence.store import save_photo
from aduan.evidence.tests.photos import camera_exif, encode, scene
from aduan.privacy.citizen import phone_key
from aduan.privacy.models import IdentityView

from . import cases

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("privacy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_phone_spellings_meet():
    keys = {phone_key(p) for p in ("0812-9876-5432", "+62 812 9876 5432", "6281298765432",
                                   "0812 9876 5432", "(+62) 812.9876.5432")}
    assert keys == {"81298765432"}


def test_export_by_reference_and_by_phone(city, capsys):
    first = cases.ordinary()
    second = cases.about_rt()
    Reporter.objects.filter(pk=second.reporter_id).update(phone="+62 812-9876-5432")  # Siti too
    photo = save_photo(encode(scene(2), "JPEG", exif=camera_exif()), complaint=first,
                       by_citizen=True)
    out, err = run("export", "--reference", first.ref.lower())
    data = json.loads(out)
    refs = {c["reference"] for c in data["complaints"]}
    assert refs == {first.ref, second.ref}  # the same person by phone number
    assert {r["phone"] for r in data["reporters"]} == {cases.SITI.phone, "+62 812-9876-5432"}
    mine = next(c for c in data["complaints"] if c["reference"] == first.ref)
    assert mine["text"] == first.text and mine["tracking_url"] == first.tracking_url()
    assert mine["photos"][0]["id"] == photo.pk and mine["photos"][0]["gps_lat"] is not None
    assert any(e["kind"] == "received" for e in mine["timeline"])
    assert "complaint(s)" in err  # progress on stderr, JSON alone on stdout
    by_phone = json.loads(run("export", "--phone", "6281298765432")[0])
    assert {c["reference"] for c in by_phone["complaints"]} == refs
    assert IdentityView.objects.filter(via="export").count() == 4  # two runs, two reporters


def test_nobody_found_is_an_error(city):
    with pytest.raises(CommandError):
        run("export", "--phone", "0899 0000 1111")
    with pytest.raises(CommandError):
        run("erase", "--reference", "SKA-0000-0000")


def test_erase_deidentifies_and_keeps_the_public_record(city, client):
    complaint = cases.ordinary()
    Complaint.objects.filter(pk=complaint.pk).update(
        text=complaint.text + " Saya Siti Aminah, 0812 9876 5432.",
        text_public=complaint.text_public + " Saya Siti Aminah.")
    photo = save_photo(encode(scene(4), "JPEG", exif=camera_exif()), complaint=complaint,
                       by_citizen=True)
    account = ChannelAccount.objects.create(kind="whatsapp", account_id="1", token="t")
    Reporter.objects.filter(pk=complaint.reporter_id).update(handle="6281298765432",
                                                              channel="whatsapp")
    hook = InboundEvent.objects.create(account=account, provider_id="wamid.1",
                                       sender="6281298765432", complaint=complaint,
                                       body='{"from": "6281298765432", "text": "Siti"}')
    out, err = run("erase", "--phone", "0812 9876 5432", "--by", "Rina (tim privasi)")
    stats = json.loads(out)["erased"]
    assert stats["reporters"] == 1 and stats["complaints"] == 1
    assert stats["photo_originals"] == 1 and stats["webhook_bodies"] == 1

    complaint.refresh_from_db()
    reporter = Reporter.objects.get(pk=complaint.reporter_id)
    assert (reporter.name, reporter.phone, reporter.email, reporter.handle) == ("", "", "", "")
    for secret in ("Siti", "Aminah", "0812 9876 5432"):
        assert secret not in complaint.text and secret not in complaint.text_public
    assert "Lampu gang mati" in complaint.text_public  # the masked text is kept
    hook.refresh_from_db()
    assert hook.body == ""
    photo.refresh_from_db()
    with photo.original.open("rb") as handle:
        assert not Image.open(io.BytesIO(handle.read())).getexif().get_ifd(IFD.GPSInfo)
    assert photo.gps_lat is None
    event = complaint.events.get(kind="personal_data_erased")
    assert event.actor_label == "Rina (tim privasi)" and not event.public
    page = client.get(f"/aduan/{complaint.ref}/")
    assert page.status_code in (200, 301, 302)
    assert IdentityView.objects.filter(via="erase", user_label="Rina (tim privasi)").exists()


def test_breach_lists_whose_data_a_window_touched(city):
    outside = cases.road()  # Agus
    long_ago = timezone.now() - timedelta(days=10)
    for model in (Complaint, Event, Reporter):  # the demo city and Agus: days ago
        model.objects.update(created_at=long_ago)
    Complaint.objects.update(updated_at=long_ago)
    before = timezone.now()
    touched = cases.ordinary()
    after = timezone.now()
    out, err = run("breach", "--since", (before - timedelta(seconds=1)).isoformat(),
                   "--until", (after + timedelta(seconds=1)).isoformat(), "--table", "complaints")
    report = json.loads(out)
    phones = {p["phone"] for p in report["people"]}
    assert cases.SITI.phone in phones and cases.AGUS.phone not in phones
    assert outside.ref not in json.dumps(report)
    assert report["rows"] == {"complaints": 1}
    assert [p["complaints"] for p in report["people"] if p["phone"] == cases.SITI.phone] == [
        [touched.ref]]
    everything = json.loads(run("breach", "--since", (before - timedelta(seconds=1)).isoformat(),
                                "--until", (after + timedelta(seconds=1)).isoformat())[0])
    assert set(everything["rows"]) >= {"complaints", "reporters", "events", "photos", "inbound",
                                       "outbox", "identity_views"}
    assert everything["rows"]["events"] >= 2
    assert IdentityView.objects.filter(via="breach").count() == 2
    with pytest.raises(CommandError):
        run("breach", "--since", "2026-12-01", "--until", "2026-11-01")
    with pytest.raises(CommandError):
        run("breach", "--since", "kemarin", "--until", "2026-11-01")
