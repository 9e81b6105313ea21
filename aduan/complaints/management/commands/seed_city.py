from django.core.management.base import BaseCommand, CommandError

from aduan.regions.loader import UnknownCity, seed_city


class Command(BaseCommand):
    help = (
        "Load one kabupaten/kota (e.g. 33.72 Surakarta) from the national region list, with its "
        "Pemkot, kecamatan and kelurahan offices, default agencies and categories."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Kemendagri code of the kabupaten/kota, e.g. 33.72")

    def handle(self, code, **options):
        from aduan.dbsetup import ensure_migrated

        ensure_migrated()
        try:
            counts = seed_city(code)
        except UnknownCity as exc:
            raise CommandError(str(exc)) from exc
        from aduan.complaints.seed import seed_city_organisation

        units = seed_city_organisation(code)
        self.stdout.write(
            f"{code}: {counts.get('kecamatan', 0)} kecamatan, "
            f"{counts.get('desa_kelurahan', 0)} kelurahan/desa, "
            f"{counts.get('boundaries', 0)} boundaries, {units} units"
        )
