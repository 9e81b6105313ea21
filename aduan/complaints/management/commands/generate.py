"""`aduan generate --complaints N --days D`: believable synthetic history (bulk, fast)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

try:
    from aduan.dashboard.facts import fill_missing
except ImportError:  # a build without the dashboard's roll-ups
    fill_missing = None


class Command(BaseCommand):
    help = ("Create N believable complaints over the last D days: channels, categories and "
            "places in Surakarta's proportions, officials acting, some late, escalated, "
            "reopened, rated. Works on a running demo's data folder.")

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, required=True)
        parser.add_argument("--days", type=int, default=180)
        parser.add_argument("--seed", type=int, default=None, help="repeatable output")
        parser.add_argument("--batch", type=int, default=2000,
                            help="complaints per transaction (short: a demo keeps writing)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, complaints, days, seed=None, batch=2000, quiet=False, **options):
        from tqdm import tqdm

        from aduan.complaints.generate import NothingToGenerate, generate
        from aduan.dbsetup import ensure_migrated

        if complaints < 0 or days < 1 or batch < 1:
            raise CommandError("--complaints >= 0, --days >= 1, --batch >= 1")
        ensure_migrated()
        bar = tqdm(total=complaints, unit=" aduan", disable=quiet, file=sys.stderr,
                   dynamic_ncols=True)

        def progress(done, total):
            bar.update(done - bar.n)

        try:
            result = generate(complaints, days, seed=seed, batch=batch, progress=progress)
        except NothingToGenerate as exc:
            raise CommandError(f"{exc}: run `aduan seed-city` or `aduan demo` first") from exc
        finally:
            bar.close()
        self.stdout.write(f"{result.complaints} aduan, {result.events} kejadian dalam "
                          f"{result.seconds:.1f} s ({result.rate:,.0f} aduan/detik).")
        if fill_missing is not None and result.complaints:
            # The bulk path writes no events through `event_recorded`: the dashboard's
            # per-complaint figures are filled here (the worker would, more slowly).
            started, filled = time.perf_counter(), 0
            while (done := fill_missing()):
                filled += done
            self.stdout.write(f"{filled} baris angka dasbor dalam "
                              f"{time.perf_counter() - started:.1f} s.")
