"""Replies on Instagram: POST {base}/{ig-account-id}/messages, base =
ADUAN_INSTAGRAM_GRAPH_URL when set (Instagram Login), else ADUAN_META_GRAPH_URL.

Direct messages follow Messenger's rules (RESPONSE within 24 h, HUMAN_AGENT tag within
7 days). A complaint written as a comment gets:
- one short public reply under the comment (POST /{comment-id}/replies, `message`),
  never repeating what the person wrote; and
- exactly one private reply (`recipient: {"comment_id": ...}`): the acknowledgement.
  The outbox key `private-reply:<comment id>` makes a second one impossible.
Later messages need the person to answer in Direct (which opens the window); until then
they park.
"""

from ..meta import graph
from ..types import Media

PUBLIC_REPLY = ("Terima kasih, aduan Anda kami terima. Kami sudah mengirim pesan pribadi "
                "(cek Direct/permintaan pesan) untuk menindaklanjutinya.")


BUTTONS = True  # compose() takes reply buttons: quick replies (quick_reply.payload back)


def compose(account, recipient: str, text: str, *, origin=None, acknowledgement=False,
            buttons=()) -> dict:
    if origin is not None and origin.comment_id and acknowledgement:
        return {
            "key": f"private-reply:{account.pk}:{origin.comment_id}",
            "path": f"{account.account_id}/messages",
            "body": {"recipient": {"comment_id": origin.comment_id},
                     "message": {"text": text[:1000]}},
        }
    return graph.compose_messenger(account, recipient, text, buttons)


def public_reply(comment_id: str) -> dict:
    return {"path": f"{comment_id}/replies", "body": {"message": PUBLIC_REPLY}}


def compose_image(account, recipient: str, url: str, caption: str) -> dict:
    return graph.compose_messenger_image(account, recipient, url, caption)


def send(account, payload: dict) -> str:
    return graph.send_messenger(account, payload)


def download(account, media: Media) -> bytes:
    return graph.download_url(media.ref)
