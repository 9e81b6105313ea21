from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aduan.api.models import ApiKey


class Command(BaseCommand):
    help = "Create an API key (Open311 POST; with --user also the staff API) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="who the key is for, e.g. 'Aplikasi Solo Destination'")
        parser.add_argument("--user", help="username the key acts as for /api/v1/me/...")

    def handle(self, *args, name, user=None, **options):
        owner = None
        if user:
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"no user {user!r}")
        _, key = ApiKey.issue(name, user=owner)
        self.stdout.write(key)
