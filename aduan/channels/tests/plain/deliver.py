"""Deliveries on the test-only "plain" channel, stored the way every webhook stores them
(parse, then inbound.store)."""

import json
from itertools import count

_ids = count(1)


def plain_account_for(api, kind: str = "plain", account_id: str = "plain-1", **settings):
    """An account of the plain channel (kind "plain" or "plain2") talking to the fake `api`."""
    from aduan.channels.models import ChannelAccount

    return ChannelAccount.objects.create(kind=kind, account_id=account_id, token=api.token,
                                         settings={"api": api.url, **settings})


def message(text: str = "", *, sender: str = "warga-1", **extra) -> dict:
    """One message in the plain format (parse.py); a fresh id unless `id` is given."""
    return {"id": extra.pop("id", f"m{next(_ids)}"), "from": sender, "text": text, **extra}


def receive(account, *messages: dict, statuses: tuple[dict, ...] = ()) -> int:
    """A delivery of these messages (and statuses) to the account, stored as a webhook
    stores it; returns how many messages were new."""
    from aduan.channels.inbound import store

    from .parse import parse

    body = json.dumps({"account": account.account_id, "messages": list(messages),
                       "statuses": list(statuses)})
    return store(account.kind, body, parse(body))
