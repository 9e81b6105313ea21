"""`aduan triage`: JSON lines {"id","text"} on stdin -> triage JSON lines on stdout.

Offline, on the regions loaded in the database. A malformed line is reported on stderr and
skipped; blank lines are ignored. Input is processed in batches for speed.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from aduan.triage.pipeline import analyse_many
from aduan.triage.place import PlaceIndex

BATCH = 512


class Command(BaseCommand):
    help = 'Triage JSON lines {"id","text"} from stdin; write results as JSON lines.'
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["jsonl"], default="jsonl")
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args, **options):
        stdin = options.get("stdin") or sys.stdin
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        from aduan.dbsetup import ensure_migrated

        ensure_migrated()  # a fresh data folder: no regions yet, but categories still work
        places = PlaceIndex.from_db()
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
            if len(batch) >= options["batch"]:
                self._flush(batch, places)
                batch = []
        if batch:
            self._flush(batch, places)

    def _flush(self, batch, places):
        results = analyse_many([text for _, text in batch], places)
        lines = []
        for (item_id, _), result in zip(batch, results, strict=True):
            lines.append(json.dumps({
                "id": item_id,
                "category": result.category,
                "confidence": round(result.confidence, 4),
                "region_code": result.region_code,
                "urgency": result.urgency,
                "pii": [{"type": f.type, "start": f.start, "end": f.end, "valid": f.valid}
                        for f in result.pii if f.valid],
            }, ensure_ascii=False))
        self.stdout.write("\n".join(lines) + "\n")
        self.stdout.flush()
