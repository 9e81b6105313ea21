from django.core.management.base import BaseCommand, CommandError

from aduan.complaints.seed import load_rt_rw_csv
from aduan.org.models import Unit


class Command(BaseCommand):
    help = "Bulk-load RW and RT units from a CSV with columns kelurahan_code,rw,rt."

    def add_arguments(self, parser):
        parser.add_argument("csv_file")

    def handle(self, csv_file, **options):
        try:
            with open(csv_file, encoding="utf-8-sig") as handle:
                created = load_rt_rw_csv(handle)
        except (KeyError, ValueError) as exc:
            raise CommandError(f"Bad CSV row: {exc}. Columns: kelurahan_code,rw,rt") from exc
        except Unit.DoesNotExist as exc:
            raise CommandError("Unknown kelurahan: run `aduan seed-city` for its city first.") \
                from exc
        self.stdout.write(f"{created} RW/RT units created")
