"""Meta's Graph API faked on 127.0.0.1 (WhatsApp Cloud API, Messenger, Instagram), with
the documented WhatsApp error bodies and send limits.

    graph = FakeGraph().start()       # settings.META_GRAPH_URL = graph.url + "/v23.0"
    graph.fail("/messages", 500, 429)  # the next two sends fail, then success
"""

from aduan.channels.tests.fake_server import FakeServer, Limits, Seen, jpeg

# Meta, Cloud API "Throughput": 80 messages per second per business phone number (130429
# beyond it); pair rate limit: 1 message every 6 seconds to one WhatsApp user, bursts of up
# to 45 (131056 beyond it).
WHATSAPP_LIMITS = Limits(per_second=80, pair_interval=6.0, pair_burst=45)

class FakeGraph(FakeServer):
    """Meta Graph API: /{phone-number-id}/messages (WhatsApp), /{page-or-ig-id}/messages
    (Messenger), /{comment-id}/replies, GET /{media-id} then the media url, GET
    /{phone-number-id}?fields=throughput (`throughput_level`).

    With `limits` (WHATSAPP_LIMITS: Meta's documented ones) WhatsApp sends beyond the
    number's throughput get error 130429, beyond the pair rate to one person 131056."""

    throughput_level = "STANDARD"  # GET /{phone-number-id}?fields=throughput

    def metered(self, seen: Seen) -> tuple[bool, str]:
        if seen.method != "POST" or not seen.path.split("?")[0].endswith("/messages"):
            return False, ""
        body = seen.json()
        if body.get("messaging_product") != "whatsapp":
            return False, ""
        return True, str(body.get("to", ""))

    def error_body(self, status: int) -> dict:
        return {"error": {"message": "fake failure", "type": "OAuthException", "code": status}}

    def too_fast(self, limit: str, wait: float) -> tuple[int, dict]:
        return wa_error(130429 if limit == "account" else 131056, transient=True)

    def answer(self, seen: Seen, n: int):
        auth = seen.headers.get("Authorization", "")
        path = seen.path.split("?")[0]
        if path.startswith("/cdn/"):  # Messenger/Instagram attachment URLs: no token
            return 200, jpeg()
        if auth != f"Bearer {self.token}":
            return 401, {"error": {"message": "Invalid OAuth access token.",
                                   "type": "OAuthException", "code": 190}}
        if seen.method == "GET" and path.startswith("/media-bytes/"):
            return 200, self.files.get(path.rsplit("/", 1)[-1]) or jpeg()
        if seen.method == "GET" and "fields=throughput" in seen.path:  # the number's level
            return 200, {"throughput": {"level": self.throughput_level},
                         "id": path.strip("/").split("/")[-1]}
        if seen.method == "GET":
            media_id = path.strip("/").split("/")[-1]
            return 200, {"messaging_product": "whatsapp", "url": f"{self.url}/media-bytes/"
                         f"{media_id}", "mime_type": "image/jpeg", "sha256": "x",
                         "file_size": 1000, "id": media_id}
        body = seen.json()
        if path.endswith("/replies"):
            return 200, {"id": f"1790{n:08d}"}
        if body.get("messaging_product") == "whatsapp":
            return 200, {"messaging_product": "whatsapp",
                         "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                         "messages": [{"id": f"wamid.OUT{n:06d}"}]}
        recipient = body.get("recipient", {})
        quick = (body.get("message") or {}).get("quick_replies") or []
        if len(quick) > 13 or any(q.get("content_type") == "text" and not q.get("title")
                                  for q in quick):  # documented: 13 at most, text has a title
            return 400, {"error": {"message": "(#100) Invalid quick_replies", "type":
                                   "OAuthException", "code": 100, "fbtrace_id": "AqR"}}
        return 200, {"recipient_id": recipient.get("id", "1254"), "message_id": f"m_OUT{n}"}


# WhatsApp Cloud API error bodies as documented (Graph error object with the WhatsApp code,
# error_data.details, and is_transient / error_subcode where Meta sends them).
WA_ERRORS = {
    130429: (400, "(#130429) Rate limit hit", "Cloud API message throughput has been reached."),
    131056: (400, "(#131056) (Business Account, Consumer Account) pair rate limit hit",
             "Message failed to send because there were too many messages sent from this "
             "phone number to the same phone number in a short period of time."),
    131047: (400, "(#131047) Re-engagement message",
             "Message failed to send because more than 24 hours have passed since the "
             "customer last replied to this number."),
    131026: (400, "(#131026) Message undeliverable", "Message Undeliverable."),
    131049: (400, "(#131049) This message was not delivered to maintain healthy ecosystem "
             "engagement.", "In order to maintain a healthy ecosystem engagement, the message "
             "failed to be delivered."),
    131051: (400, "(#131051) Unsupported message type", "Message type is not currently "
             "supported."),
    190: (401, "Error validating access token: Session has expired.", ""),
    10: (403, "(#10) Application does not have permission for this action", ""),
    200: (403, "(#200) Requires whatsapp_business_messaging permission", ""),
    131000: (500, "(#131000) Something went wrong", "Message failed to send because of an "
             "unknown error."),
}


def wa_error(code: int, *, transient: bool | None = None, subcode: int | None = None
             ) -> tuple[int, dict]:
    status, message, details = WA_ERRORS[code]
    error = {"message": message, "type": "OAuthException", "code": code,
             "fbtrace_id": "AbCdEfGhIjKlMnOpQrStUvW"}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient is not None:
        error["is_transient"] = transient
    return status, {"error": error}
