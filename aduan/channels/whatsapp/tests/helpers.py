"""WhatsApp Cloud API deliveries from the citizen of messages__text.json."""

import copy

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.tests.helpers import drain, fixture


def wa_say(client, text: str, n: int):
    payload = copy.deepcopy(fixture("whatsapp/messages__text.json"))
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message.update(id=f"wamid.LOOP{n}", text={"body": text})
    post_meta(client, payload)
    drain()


def wa_press(client, name: str, button_id: str):
    payload = copy.deepcopy(fixture(f"whatsapp/messages__{name}.json"))
    interactive = payload["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]
    interactive[interactive["type"]]["id"] = button_id
    post_meta(client, payload)
    drain()


def last_wa(graph) -> dict:
    return graph.sent("/messages")[-1].json()
