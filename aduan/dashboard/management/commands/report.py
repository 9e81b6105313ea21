"""`aduan report --period 2026-W48|2026-11|2026-Q4 --format html|csv|xlsx [--output FILE]`"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from aduan.dashboard import periods, report
from aduan.dbsetup import ensure_migrated


class Command(BaseCommand):
    help = "The city's weekly/monthly/quarterly complaint report (stdout without --output)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True,
                            help="2026-W48 (ISO week), 2026-11 (month), 2026-Q4, 2026, "
                                 "or 2026-11-01..2026-11-15")
        parser.add_argument("--format", default="html", choices=report.FORMATS)
        parser.add_argument("--output", help="file to write (default: stdout)")

    def handle(self, *args, **options):
        ensure_migrated()
        try:
            period = periods.parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with translation.override("id"):
            data = report.render(report.build(period), options["format"])
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(data)
            self.stderr.write(f"{options['output']}: {len(data)} bytes")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
