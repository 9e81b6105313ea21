"""GET/POST /webhooks/meta: one endpoint for WhatsApp, Instagram and Page webhooks.

GET answers the subscription handshake. POST checks X-Hub-Signature-256 first (missing
401, wrong 403), then parses by `object` (unknown objects: 200 and ignored), stores each
message with its job in one transaction and only then answers 200; 503 if it cannot.
"""

import hmac
import json
import logging

from django.conf import settings
from django.db import DatabaseError, DataError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from aduan.guard import refusals

from ..inbound import store
from ..registry import META_OBJECTS
from ..types import Malformed
from .signature import valid

logger = logging.getLogger("aduan.channels")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request):
    if request.method == "GET":
        return handshake(request)
    signature = request.headers.get("X-Hub-Signature-256")
    if not signature:
        return JsonResponse({"error": "missing X-Hub-Signature-256"}, status=401)
    raw = request.body
    if not valid(raw, signature, settings.META_APP_SECRET):
        return JsonResponse({"error": "wrong signature"}, status=403)
    try:
        text = raw.decode("utf-8")
        payload = json.loads(text)
        if not isinstance(payload, dict) or not isinstance(payload.get("object"), str):
            raise Malformed("not a JSON object with `object`")
        channel = META_OBJECTS.get(payload["object"])
        if channel is None:
            logger.info("meta webhook: object %r ignored", payload["object"][:50])
            return HttpResponse(status=200)
        parsed = channel.parse.parse(payload)
    except (ValueError, Malformed, RecursionError, OverflowError) as exc:
        refusals.record("meta", "malformed")
        return JsonResponse({"error": f"malformed: {exc}"[:200]}, status=400)
    try:
        store(channel.kind, text, parsed)
    except Malformed as exc:  # refused and recorded by store (guard.limits)
        return JsonResponse({"error": f"malformed: {exc}"[:200]}, status=400)
    except (UnicodeError, DataError):  # e.g. a lone surrogate in an id: bad input
        return JsonResponse({"error": "malformed: unstorable text"}, status=400)
    except DatabaseError:
        logger.exception("meta webhook: could not store the event")
        return JsonResponse({"error": "could not store"}, status=503)
    return HttpResponse(status=200)


def handshake(request):
    mode = request.GET.get("hub.mode")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    expected = settings.META_VERIFY_TOKEN
    if mode != "subscribe" or not challenge:
        return JsonResponse({"error": "expected hub.mode=subscribe and hub.challenge"},
                        status=400)
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        return JsonResponse({"error": "wrong verify token"}, status=403)
    return HttpResponse(challenge, content_type="text/plain")
