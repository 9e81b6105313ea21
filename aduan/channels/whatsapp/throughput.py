"""How many messages a second the city's WhatsApp number may send: learned from Meta.

Cloud API gives a business phone number 80 messages/s by default (inbound and outbound
together) and upgrades it automatically to 1,000/s when it qualifies; beyond its level
Meta answers 130429 (Meta, "Throughput"). The level is a field of the phone number:
`GET /{phone-number-id}?fields=throughput` answers `{"throughput": {"level": "STANDARD"}}`
or `"HIGH"`. `learn` asks and stores the matching rate in the account's settings, where
the outbox's pacing (`outbox.account_rate`) reads it; a rate set by hand
(`max_per_second`) still wins. `aduan channels add whatsapp` and `aduan channels
throughput` call it, and so does the job a `phone_number_quality_update` webhook queues
(Meta sends it when a number's throughput level changes; it names the business account,
not the number, so every active number is asked again). An answer without a known
level changes nothing.
"""

import logging

from django.utils import timezone
from django_tasks import task

from .. import http
from ..meta import graph
from ..models import ChannelAccount

logger = logging.getLogger("aduan.channels")

LEVEL_RATE = {"STANDARD": 80.0, "HIGH": 1000.0}
LEARNED = "throughput_per_second"  # the account setting `outbox.account_rate` reads
TIMEOUT = 5.0


def learn(account: ChannelAccount) -> str | None:
    """Ask Meta for the number's throughput level and store its rate; the level, or None
    when Meta could not be asked or answered no level we know (the rate stays as it was)."""
    try:
        answer = graph.get(account, f"{account.account_id}?fields=throughput", timeout=TIMEOUT)
    except http.ProviderError as exc:
        logger.warning("throughput of WhatsApp account %s not read: %s", account.pk, exc)
        return None
    level = str((answer.get("throughput") or {}).get("level", "")).upper()
    if level not in LEVEL_RATE:
        return None
    account.settings = {**(account.settings or {}), LEARNED: LEVEL_RATE[level],
                        "throughput_level": level,
                        "throughput_checked_at": timezone.now().isoformat()}
    account.save(update_fields=["settings"])
    return level


@task(queue_name="outbox")  # the sending threads: they wait on the provider anyway
def learn_again() -> None:
    """The job behind a `phone_number_quality_update` webhook: every active WhatsApp
    number's level, read again."""
    for account in ChannelAccount.objects.filter(kind="whatsapp", is_active=True):
        learn(account)
