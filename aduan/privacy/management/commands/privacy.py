"""`aduan privacy export|erase --reference R | --phone P`: a citizen's request under UU
PDP (the public record stays, de-identified). Also `aduan privacy breach --since T --until T
[--table X]` (whose data a time window touched) and `aduan privacy retention [--force]`."""

import json
from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from aduan.privacy import breach, citizen, retention
from aduan.privacy.reporter import log_view


def _when(value: str):
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"not a date or date-time: {value!r} (e.g. 2026-11-30T08:00+07:00)")
        moment = datetime.combine(day, time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "A citizen's data requests (export, erase), breach queries and retention."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("export", "print JSON of everything held about a citizen"),
                           ("erase", "de-identify a citizen; the public record stays")):
            p = sub.add_parser(name, help=text)
            who = p.add_mutually_exclusive_group(required=True)
            who.add_argument("--reference", default="")
            who.add_argument("--phone", default="")
            p.add_argument("--by", default="", help="who handles the request (for the log)")
        p = sub.add_parser("breach", help="whose data a time window touched")
        p.add_argument("--since", required=True)
        p.add_argument("--until", required=True)
        p.add_argument("--table", choices=sorted(breach.TABLES))
        p = sub.add_parser("retention", help="remove personal data past its policy now")
        p.add_argument("--force", action="store_true", help="even if it ran within the hour")

    def progress(self, line: str) -> None:
        self.stderr.write(f"… {line}")
        self.stderr.flush()

    def handle(self, *args, **options):
        action = options["action"]
        if action == "breach":
            since, until = _when(options["since"]), _when(options["until"])
            if until <= since:
                raise CommandError("--until must be after --since")
            result = breach.touched(since, until, options.get("table"), self.progress)
            log_view(options.get("by") or "aduan privacy breach", None,
                     ["name", "phone", "email", "handle"], "breach",
                     reason=f"{since.isoformat()}..{until.isoformat()} "
                            f"{options.get('table') or 'semua tabel'}")
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        if action == "retention":
            removed = retention.run(force=options["force"])
            self.stdout.write(json.dumps({"removed": removed} if removed is not None
                                         else {"skipped": "ran within the last hour"}))
            return
        found = citizen.find(options["reference"], options["phone"], self.progress)
        if not found.complaints and not found.reporters and not found.accepted:
            raise CommandError("nobody found for that reference or phone number")
        self.progress(f"{len(found.reporters)} reporter record(s), "
                      f"{len(found.complaints)} complaint(s), "
                      f"{len(found.accepted)} accepted complaint(s) not opened yet")
        if action == "export":
            data = citizen.export(found, options["by"], self.progress)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            stats = citizen.erase(found, options["by"], self.progress)
            self.stdout.write(json.dumps({"erased": stats}, ensure_ascii=False))
            for ref in stats["accepted_being_opened"]:
                self.stderr.write(
                    f"{ref} was being opened by the worker, possibly from the citizen's data "
                    f"as it was: in a minute, run `aduan privacy erase --reference {ref}` "
                    "to de-identify the complaint it opened")
