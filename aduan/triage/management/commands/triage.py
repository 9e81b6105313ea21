"""`aduan triage`: JSON lines {"id","text"} on stdin -> triage JSON lines on stdout.

Offline, on the regions loaded in the database. A malformed line is reported on stderr and
skipped; blank lines are ignored. Input is processed in batches; when there is more than
one batch, batches are spread over worker processes (`--jobs`, default: one per core, at
most 4; forked after the model and the place index are loaded, so they start at once).
Output keeps the input order.
"""

import json
import multiprocessing
import os
import sys
from itertools import chain

from django.core.management.base import BaseCommand, CommandError

from aduan.triage import classifier
from aduan.triage.pipeline import analyse_many
from aduan.triage.place import PlaceIndex

BATCH = 512
# An NIK or KK number that fails its checks is still listed (valid: false) when the text
# calls it one: it is masked, and the team should know it was mistyped.
LABELLED_IDS = ("nik", "kk")
MAX_JOBS = 4

_places: PlaceIndex | None = None  # set before the workers are forked


def _triage_batch(batch: list[tuple[object, str]]) -> str:
    results = analyse_many([text for _, text in batch], _places)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    lines = []
    for (item_id, _), result in zip(batch, results, strict=True):
        lines.append(dumps({
            "id": item_id,
            "category": result.category,
            "confidence": round(result.confidence, 4),
            "region_code": result.region_code,
            "urgency": result.urgency,
            "pii": [{"type": f.type, "start": f.start, "end": f.end, "valid": f.valid}
                    for f in result.pii if f.valid or f.type in LABELLED_IDS],
        }))
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = 'Triage JSON lines {"id","text"} from stdin; write results as JSON lines.'
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["jsonl"], default="jsonl")
        parser.add_argument("--batch", type=int, default=BATCH)
        parser.add_argument("--jobs", type=int, default=0,
                            help="worker processes (0: one per core, at most 4; 1: none)")

    def handle(self, *args, **options):
        global _places
        stdin = options.get("stdin") or sys.stdin
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        if options["jobs"] < 0:
            raise CommandError("--jobs must be 0 (automatic) or more")
        from aduan.dbsetup import ensure_migrated

        ensure_migrated()  # a fresh data folder: no regions yet, but categories still work
        _places = PlaceIndex.from_db()
        batches = self._batches(stdin, options["batch"])
        first = next(batches, None)
        if first is None:
            return
        second = next(batches, None)
        jobs = options["jobs"] or min(os.cpu_count() or 1, MAX_JOBS)
        if second is None or jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
            for batch in chain([first], [second] if second else [], batches):
                self._write(_triage_batch(batch))
            return
        classifier.default_model()
        analyse_many(["warm up: jalan rusak di kel. x RT 1"], _places)  # load every table
        with multiprocessing.get_context("fork").Pool(jobs, _forget_connections) as pool:
            for text in pool.imap(_triage_batch, chain([first, second], batches)):
                self._write(text)

    def _batches(self, stdin, size):
        batch: list[tuple[object, str]] = []
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError('expected an object with a string "text"')
            except ValueError as error:
                self.stderr.write(f"line {number}: {error}")
                continue
            batch.append((item.get("id"), item["text"]))
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _write(self, text: str) -> None:
        self.stdout.write(text, ending="")
        self.stdout.flush()


def _forget_connections() -> None:
    """In a forked worker: drop the database handles inherited from the parent without
    closing them (closing would end the parent's session, e.g. its open transaction).
    Workers need no database: the place index is already in memory."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.connection = None
