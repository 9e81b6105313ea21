"""`aduan sla-audit`: open complaints by status, owner and deadline; exit 1 on orphans."""

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = ("Print open complaints grouped by status, owner and deadline; exit 1 if any open "
            "complaint has no owner unit or no next deadline.")

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true",
                            help="also print each unit's backlog by age")

    def handle(self, digest=False, **options):
        from aduan.sla.audit import audit_rows, daily_digest, orphans, unstaffed_owners

        now = timezone.now()
        header = ("status", "pemilik", "jumlah", "terlambat", "tenggat terdekat", "sisa waktu")
        rows = [header] + [
            (status, owner, str(n), str(late),
             timezone.localtime(earliest).strftime("%d-%m-%Y %H:%M") if earliest else "-",
             words)
            for status, owner, n, late, earliest, words in audit_rows(now)
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        for i, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths,
                                                                          strict=True)).rstrip())
            if i == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        total = sum(int(r[2]) for r in rows[1:])
        self.stdout.write(f"\n{total} aduan terbuka.")
        if digest:
            self.stdout.write("\nBacklog per unit:")
            for text in daily_digest(now).values():
                self.stdout.write(f"  {text}")
        unstaffed = list(unstaffed_owners())
        if unstaffed:
            self.stdout.write(f"\n{len(unstaffed)} unit tanpa petugas aktif (aduan baru "
                              "diteruskan ke unit induk yang punya petugas):")
            for unit in unstaffed:
                self.stdout.write(f"  {unit.name} [{unit.code}]: {unit.open_count} aduan "
                                  "terbuka")
        bad = list(orphans().values_list("ref", "status", "owner_id", "next_due")[:50])
        if bad:
            self.stderr.write(f"{orphans().count()} aduan terbuka tanpa pemilik atau tenggat:")
            for ref, status, owner, due in bad:
                self.stderr.write(f"  {ref} ({status}) pemilik={owner} tenggat={due}")
            sys.exit(1)
