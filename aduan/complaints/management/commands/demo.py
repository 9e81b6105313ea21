import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load Surakarta and demo data, then serve the site and run the worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")
        parser.add_argument("--history", type=int, default=800,
                            help="synthetic past complaints added on first start (0: none)")

    def handle(self, host, port, no_serve=False, history=800, **options):
        import os

        from aduan.complaints import demo

        if not os.environ.get("ADUAN_PUBLIC_URL"):  # tracking links point at this demo
            settings.PUBLIC_URL = f"http://{host}:{port}"
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        from aduan.dbsetup import ensure_migrated

        ensure_migrated()
        if not demo.is_loaded():
            self.stdout.write("Loading Surakarta (regions, units, categories, demo people)...")
            demo.load_demo()
            if history > 0:  # months of activity on every page from the first start
                from django.core.management import call_command

                call_command("generate", complaints=history, days=120, seed=2026, quiet=True,
                             stdout=self.stdout)
        self.stdout.write(f"\nDemo logins (password for all: {demo.PASSWORD}):")
        for p in demo.PERSONAS:
            self.stdout.write(f"  {p.username:<16} {p.title}")
        self.stdout.write("  admin            Django admin (/admin/)\n")
        if no_serve:
            return
        from django.core.servers.basehttp import ThreadedWSGIServer, run
        from django.core.wsgi import get_wsgi_application

        from aduan import worker

        jobs = worker.start_process()
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the worker with us
        self.stdout.write(f"Aduan demo on http://{host}:{port}/  (Ctrl+C to stop)")
        try:
            # A thread per request, each closing its database connections when done.
            run(host, port, get_wsgi_application(), ipv6=":" in host, threading=False,
                server_cls=ThreadedWSGIServer)
        except KeyboardInterrupt:
            pass
        finally:
            worker.stop_process(jobs)
