"""Deliveries to /webhooks/telegram/<account>, with the secret token Telegram echoes."""

import json

BOT_TOKEN = "123456:ABC-DEF"
WEBHOOK_SECRET = "s3cr3t-Token_1"


def post_telegram(client, account, payload, *, secret=WEBHOOK_SECRET):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
    return client.post(f"/webhooks/telegram/{account.pk}", data=body,
                       content_type="application/json", **headers)
