import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Production web server (granian, several worker processes)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--threads", type=int, default=4, help="threads per worker")

    def handle(self, host, port, workers, threads, **options):
        if settings.SECRET_KEY_GENERATED and not settings.DEBUG:
            raise CommandError("Set ADUAN_SECRET_KEY to a long random value before serving.")
        from django.core.management import call_command
        from granian import Granian
        from granian.constants import Interfaces

        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Aduan on http://{host}:{port} ({workers} workers)")
        Granian(
            "aduan.wsgi:application", address=host, port=port, interface=Interfaces.WSGI,
            workers=workers, blocking_threads=threads,
            workers_kill_timeout=15,  # a worker still warming up must not hold up a stop
        ).serve()
