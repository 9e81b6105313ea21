"""`aduan channels add KIND --account-id ID --token TOKEN [--secret S] [--unit CODE]
[--set-webhook]`, `aduan channels list` and `aduan channels throughput`. Tokens are never
printed."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from aduan.channels.models import ChannelAccount
from aduan.channels.outbox import account_rate


class Command(BaseCommand):
    help = "Register channel accounts (WhatsApp, Instagram, Facebook, Telegram, e-mail)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register or update an account; prints its id")
        add.add_argument("kind", choices=ChannelAccount.Kind.values)
        add.add_argument("--account-id", required=True)
        add.add_argument("--token", required=True)
        add.add_argument("--secret", default="")
        add.add_argument("--unit", default="", help="owning unit code (a dinas's own account)")
        add.add_argument("--name", default="")
        add.add_argument("--template", default="",
                         help="WhatsApp: approved template for replies after 24 hours")
        add.add_argument("--template-language", default="id")
        add.add_argument("--set-webhook", action="store_true",
                         help="Telegram: call setWebhook with ADUAN_PUBLIC_URL")
        sub.add_parser("list", help="list accounts (tokens masked)")
        sub.add_parser("throughput", help="WhatsApp: ask Meta each number's throughput level "
                                          "(80 or 1,000 messages/s) and pace replies by it")

    def handle(self, action, **opts):
        if action == "list":
            for a in ChannelAccount.objects.order_by("pk"):
                extra = f"  {self._path(a)}" if a.kind == "telegram" else ""
                state = "aktif" if a.is_active else "nonaktif"
                token = "token ok" if a.token else "TANPA TOKEN"
                rate = account_rate(a)
                pace = f"{rate:g}/s" if rate else "tanpa batas"
                self.stdout.write(f"{a.pk}\t{a.kind}\t{a.account_id}\t{state}\t{token}\t"
                                  f"{pace}{extra}")
            return
        if action == "throughput":
            for a in ChannelAccount.objects.filter(kind="whatsapp", is_active=True).order_by("pk"):
                self.stdout.write(self._throughput(a))
            return
        self._add(**opts)

    def _add(self, kind, account_id, token, secret, unit, name, template, template_language,
             set_webhook, **_):
        from aduan.org.models import Unit

        unit_obj = None
        if unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(f"unknown unit code {unit!r}")
        if kind == "telegram" and not secret:
            raise CommandError("telegram needs --secret (sent back by Telegram as "
                               "X-Telegram-Bot-Api-Secret-Token)")
        if kind == "email" and not token.startswith(("imap://", "imaps://")):
            raise CommandError("email --token must be imaps://user:pass@host:993/INBOX")
        account, _ = ChannelAccount.objects.update_or_create(
            kind=kind, account_id=account_id,
            defaults={"token": token, "secret": secret, "unit": unit_obj, "is_active": True,
                      **({"name": name} if name else {})})
        if template:
            account.settings = {**account.settings, "template_name": template,
                                "template_language": template_language}
            account.settings.pop("auto", None)
            account.save(update_fields=["settings"])
        self.stdout.write(str(account.pk))
        if kind == "whatsapp":  # stderr: `add` prints only the id on stdout, for scripts
            self.stderr.write(self._throughput(account))
        if kind == "telegram":
            path = self._path(account)
            self.stdout.write(path)
            if set_webhook:
                from aduan.channels.telegram.send import set_webhook as call

                call(account, settings.PUBLIC_URL + path)
                self.stdout.write(f"setWebhook: {settings.PUBLIC_URL}{path}")

    @staticmethod
    def _throughput(account) -> str:
        """Learn the number's level from Meta; a line saying the rate replies are paced at."""
        from aduan.channels.whatsapp.throughput import learn

        level = learn(account)
        known = f"level {level}" if level else "level not read from Meta, rate unchanged"
        return f"{account.account_id}: {known}; replies paced at {account_rate(account):g}/s"

    @staticmethod
    def _path(account) -> str:
        return reverse("channels:telegram", args=[account.pk])
