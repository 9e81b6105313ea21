"""Every channel kind, one line each. A channel is a folder with parse.py and send.py.

parse.py: `parse_event(account, body: str) -> types.Parsed` (re-reads a stored event).
send.py: `compose(account, recipient, text, origin) -> payload`, `send(account, payload) ->
provider message id`, `download(account, media) -> bytes`.
Meta channels also name the webhook `object` they arrive under on /webhooks/meta.
Optional: `send.public_reply(comment_id)` (a public answer under a comment),
`parse.photos_in_event(account, body)` (photos carried inside the stored message).
"""

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Channel:
    kind: str
    package: str
    meta_object: str = ""
    needs_token: bool = True  # False: sends with the server's own settings (SMTP)

    @property
    def parse(self):
        return import_module(f"{self.package}.parse")

    @property
    def send(self):
        return import_module(f"{self.package}.send")


CHANNELS = {c.kind: c for c in [
    Channel("whatsapp", "aduan.channels.whatsapp", meta_object="whatsapp_business_account"),
    Channel("instagram", "aduan.channels.instagram", meta_object="instagram"),
    Channel("facebook", "aduan.channels.facebook", meta_object="page"),
    Channel("telegram", "aduan.channels.telegram"),
    Channel("email", "aduan.channels.email", needs_token=False),
]}

META_OBJECTS = {c.meta_object: c for c in CHANNELS.values() if c.meta_object}
CHAT_KINDS = set(CHANNELS)
