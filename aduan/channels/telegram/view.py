"""POST /webhooks/telegram/<channel-id>: verify the secret token, store, queue, answer."""

import hmac
import json
import logging

from django.db import DatabaseError, DataError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aduan.guard import refusals

from ..inbound import store
from ..models import ChannelAccount
from ..types import Malformed
from .parse import parse

logger = logging.getLogger("aduan.channels")


@csrf_exempt
@require_POST
def webhook(request, channel_id: int):
    try:
        account = ChannelAccount.objects.filter(pk=channel_id, kind="telegram").first()
    except DatabaseError:
        return JsonResponse({"error": "database unavailable"}, status=503)
    if account is None or not account.is_active:
        return JsonResponse({"error": "unknown channel"}, status=404)
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
    if given is None:
        return JsonResponse({"error": "missing secret token"}, status=401)
    if not account.secret or not hmac.compare_digest(given.encode(), account.secret.encode()):
        return JsonResponse({"error": "wrong secret token"}, status=403)
    raw = request.body
    try:
        text = raw.decode("utf-8")
        payload = json.loads(text)
        if not isinstance(payload, dict):
            raise Malformed("not a JSON object")
        parsed = parse(payload, account.account_id)
    except (ValueError, Malformed, RecursionError, OverflowError) as exc:
        refusals.record("telegram", "malformed")
        return JsonResponse({"error": f"malformed: {exc}"[:200]}, status=400)
    try:
        store("telegram", text, parsed, account=account)
    except Malformed as exc:  # refused and recorded by store (guard.limits)
        return JsonResponse({"error": f"malformed: {exc}"[:200]}, status=400)
    except (UnicodeError, DataError):  # e.g. a lone surrogate in an id: bad input
        return JsonResponse({"error": "malformed: unstorable text"}, status=400)
    except DatabaseError:
        logger.exception("telegram webhook: could not store the event")
        return JsonResponse({"error": "could not store"}, status=503)
    return HttpResponse(status=200)
