"""Scale-out on real parts: two `aduan serve` and two `aduan worker` process groups (as on
separate hosts) sharing one PostgreSQL database and one S3-compatible object store.

    python -m aduan.channels.whatsapp.tests.scale_out --messages 200     # DATABASE_URL=postgres://...

Signed WhatsApp webhooks, each a new citizen sending a photo (and a tenth delivered twice,
to the other server, as Meta retries), go alternately to the two servers. Then it checks:
every message stored once and processed exactly once into one complaint, one
acknowledgement per citizen at the (fake, local) Graph API, every photo downloaded once
and its original, public copy and thumbnail in the bucket (moto's S3 server, its own
process). Everything binds 127.0.0.1; the run ends within --timeout seconds.
"""

import argparse
import csv
import io
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw

from aduan.channels.meta.tests.fake_graph import FakeGraph
from aduan.evidence.tests.s3server import S3Server
from aduan.jobs.tests.procs import PHONE_ID, Site, free_port, post

BUCKET = "aduan-scale-out"
TOKEN = "faults-token"  # the token procs.Site registers the WhatsApp account with
ACK = "sudah kami terima"  # complaints.intake.acknowledgement_note


def words(body: dict) -> str:
    """The text of a Cloud API message: plain text, or the body of an interactive one (an
    acknowledgement that asks for the place is a location request)."""
    return (body.get("text", {}).get("body", "")
            or body.get("interactive", {}).get("body", {}).get("text", ""))
SEED = Path(__file__).resolve().parents[3] / "triage" / "data" / "seed_complaints.csv"


def captions() -> list[str]:
    with SEED.open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def photo(n: int) -> bytes:
    """A distinct JPEG per message (colour and label), as a phone would send."""
    image = Image.new("RGB", (320, 240), ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    ImageDraw.Draw(image).text((20, 100), f"foto {n}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


class PhotoGraph(FakeGraph):
    """The fake Graph API, serving each media id its own photo."""

    def answer(self, seen, n):
        path = seen.path.split("?")[0]
        if seen.method == "GET" and path.startswith("/media-bytes/"):
            if seen.headers.get("Authorization", "") != f"Bearer {self.token}":
                return 401, {"error": {"message": "Invalid OAuth access token.", "code": 190}}
            return 200, photo(int(path.rsplit(".", 1)[-1]))
        return super().answer(seen, n)


def image_payload(n: int, caption: str) -> bytes:
    sender = f"62857{n:08d}"
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_ID},
            "contacts": [{"profile": {"name": "Warga Uji"}, "wa_id": sender}],
            "messages": [{"from": sender, "id": f"wamid.SCALE{n:09d}",
                          "timestamp": str(int(time.time())), "type": "image",
                          "image": {"id": f"media.{n}", "mime_type": "image/jpeg",
                                    "sha256": "x", "caption": caption}}],
        }}]}]}).encode()


COUNTS = """
import json
from django.db.models import Count
from aduan.channels.models import InboundEvent, OutboxMessage
from aduan.complaints.models import Complaint
from aduan.evidence.models import Photo
events = InboundEvent.objects.filter(provider_id__startswith="wamid.SCALE")
photos = Photo.objects.filter(complaint__channel="whatsapp")
print(json.dumps({
    "events": events.count(),
    "processed": events.filter(processed_at__isnull=False).count(),
    "errors": events.exclude(error="").count(),
    "complaints": Complaint.objects.filter(channel="whatsapp").count(),
    "senders_with_two": Complaint.objects.filter(channel="whatsapp").values("reporter")
        .annotate(n=Count("id")).filter(n__gt=1).count(),
    "photos": photos.count(),
    "keys": [k for p in photos for k in (p.original.name, p.public.name, p.thumb.name)],
    "acks_queued": OutboxMessage.objects.filter(account__kind="whatsapp").count(),
}))
"""


def processed(database_url: str) -> int:
    """The messages processed so far: one query, asked every second while waiting (a
    Django process per look would take a core from the system under test)."""
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return conn.execute("SELECT COUNT(*) FROM channels_inboundevent WHERE provider_id "
                            "LIKE 'wamid.SCALE%' AND processed_at IS NOT NULL").fetchone()[0]


def run(messages: int, timeout: float, database_url: str) -> list[str]:
    s3 = S3Server()
    graph = PhotoGraph(token=TOKEN).start()
    graph_url = type("G", (), {"url": graph.url})()
    site = Site(database_url, graph_url, ADUAN_WORKER_POLL_SECONDS="0.2", **s3.env(BUCKET))
    problems: list[str] = []
    started = time.monotonic()
    try:
        s3.create_bucket(BUCKET)
        site.setup()
        ports = [site.port, free_port()]
        site.start("serve-a", "serve", "--port", str(ports[0]), "--workers", "1")
        site.start("serve-b", "serve", "--port", str(ports[1]), "--workers", "1")
        site.wait_ready()
        site.port = ports[1]
        site.wait_ready()
        site.start_worker("worker-a")
        site.start_worker("worker-b")

        texts = captions()

        def deliver(n: int) -> list[int]:
            body = image_payload(n, texts[(n * 7) % len(texts)])
            codes = [post(ports[n % 2], body)]
            if n % 10 == 0:  # Meta retries some deliveries: to the other host
                codes.append(post(ports[(n + 1) % 2], body))
            return codes

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = [c for codes in pool.map(deliver, range(messages)) for c in codes]
        refused = [c for c in answers if not 200 <= c < 300]
        if refused:
            problems.append(f"{len(refused)} deliveries not answered 2xx: {set(refused)}")
        sent_at = time.monotonic()
        while time.monotonic() - started < timeout:
            if processed(site.env["DATABASE_URL"]) >= messages and len(
                    {r.json().get("to") for r in graph.sent("/messages")
                     if ACK in words(r.json())}) >= messages:
                break
            time.sleep(1)
        drained = time.monotonic() - sent_at
        counts = json.loads(site.python(COUNTS))
        acks_per_sender: dict[str, int] = {}
        for request in graph.sent("/messages"):  # later notices (e.g. merged) are no acks
            body = request.json()
            if ACK in words(body):
                acks_per_sender[body["to"]] = acks_per_sender.get(body["to"], 0) + 1
        keys = set(s3.keys(BUCKET))
        expect = {
            "events": messages, "processed": messages, "errors": 0, "complaints": messages,
            "senders_with_two": 0, "photos": messages,
        }
        for key, value in expect.items():
            if counts.get(key) != value:
                problems.append(f"{key}: {counts.get(key)} (expected {value})")
        if len(acks_per_sender) != messages or set(acks_per_sender.values()) != {1}:
            doubled = sum(1 for v in acks_per_sender.values() if v > 1)
            problems.append(f"acknowledgements: {len(acks_per_sender)} citizens answered, "
                            f"{doubled} more than once (expected {messages}, once each)")
        missing = [k for k in counts.get("keys", []) if k not in keys]
        if missing or not counts.get("keys"):
            problems.append(f"{len(missing)} photo files not in the bucket")
        downloads = [r for r in graph.requests if r.path.startswith("/media-bytes/")]
        if len(downloads) != messages:
            problems.append(f"{len(downloads)} photo downloads (expected {messages})")
        print(f"scale-out: 2 serve + 2 worker process groups on PostgreSQL, S3 at "
              f"{s3.endpoint}: {messages} webhooks with photos ({len(answers)} deliveries), "
              f"all processed {drained:.1f} s after the last answer; "
              f"{len(keys)} objects in the bucket")
        return problems
    finally:
        site.close()
        graph.stop()
        s3.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=240)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("scale-out needs DATABASE_URL=postgres://... (the shared database)")
    problems = run(args.messages, args.timeout, url)
    for problem in problems:
        print("  FAILED:", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
