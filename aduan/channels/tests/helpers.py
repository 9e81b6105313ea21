"""Helpers every channel's tests use: fixture payloads, running queued jobs, racing workers."""

import json
import time
from pathlib import Path

CHANNELS_DIR = Path(__file__).resolve().parent.parent


def fixture(name: str) -> dict:
    """A provider payload: fixture("whatsapp/messages__text.json") reads
    aduan/channels/whatsapp/fixtures/messages__text.json."""
    folder, _, file = name.partition("/")
    return json.loads((CHANNELS_DIR / folder / "fixtures" / file).read_text())


def process_at_once(event_ids) -> list[Exception]:
    """Process stored events in one thread each, all at once (two workers racing);
    returns what any of them raised."""
    import threading

    from aduan.channels.processing import process

    errors: list[Exception] = []

    def run(pk):
        try:
            process(pk)
        except Exception as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(pk,)) for pk in event_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def drain(timeout: float = 15.0) -> None:
    """Run queued jobs, including retries scheduled a little in the future."""
    from aduan.jobs.models import Job
    from aduan.worker import run_until_empty

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run_until_empty()
        if not Job.objects.filter(state=Job.State.READY).exists():
            return
        time.sleep(0.05)
    raise AssertionError("jobs still queued after timeout")


def resolve(complaint):
    """Give the complaint to a unit if new, add an after photo, resolve it, run the jobs."""
    from django.contrib.auth import get_user_model

    from aduan.channels.tests.fake_server import jpeg
    from aduan.complaints import actions
    from aduan.complaints.models import Status
    from aduan.evidence.store import save_photo
    from aduan.org.models import Unit

    admin = get_user_model().objects.filter(is_superuser=True).first() or \
        get_user_model().objects.create_superuser("root", "r@example.org", "pw")
    if complaint.status == Status.NEW:
        actions.assign(complaint, Unit.objects.exclude(kind="external").first(), admin)
    complaint.refresh_from_db()
    save_photo(jpeg(), complaint=complaint, tag="after", user=admin)
    actions.resolve(complaint, admin, "Lubang sudah ditambal")
    drain()
    complaint.refresh_from_db()
    return complaint
