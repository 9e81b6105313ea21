"""Signed deliveries to /webhooks/meta, as Meta sends them (WhatsApp, Messenger, Instagram)."""

import json

from aduan.channels.meta.signature import sign

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"


def post_meta(client, payload, *, secret=APP_SECRET, signature=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {}
    if signature is None and secret is not None:
        signature = sign(body, secret)
    if signature is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    return client.post("/webhooks/meta", data=body, content_type="application/json", **headers)
