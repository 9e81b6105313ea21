"""Replies on Messenger: POST {META_GRAPH_URL}/{page-id}/messages with the Page token.

Inside 24 hours of the citizen's last message: messaging_type RESPONSE; up to 7 days:
MESSAGE_TAG with tag HUMAN_AGENT; later the message parks for staff.
"""

from ..meta import graph
from ..types import Media

BUTTONS = True  # compose() takes reply buttons: quick replies (quick_reply.payload back)


def compose(account, recipient: str, text: str, *, origin=None, acknowledgement=False,
            buttons=()) -> dict:
    return graph.compose_messenger(account, recipient, text, buttons)


def compose_image(account, recipient: str, url: str, caption: str) -> dict:
    return graph.compose_messenger_image(account, recipient, url, caption)


def send(account, payload: dict) -> str:
    return graph.send_messenger(account, payload)


def download(account, media: Media) -> bytes:
    return graph.download_url(media.ref)
