from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background jobs and the SLA clock. Start one or many."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="run queued tasks and one periodic round, then exit")

    def handle(self, once=False, **options):
        from aduan import worker

        if once:
            worker.run_until_empty()
            worker.run_periodic_once()
            return
        self.stdout.write("Aduan worker: tasks and periodic jobs (Ctrl+C to stop)")
        worker.serve_forever()
