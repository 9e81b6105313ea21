"""Pictures to citizens and to the units' social accounts, through the channels' outbox.

The channels' send modules post whatever provider request an outbox row holds, so image
messages need no change there: we let the channel compose a text message first (which
applies its rules: WhatsApp's 24-hour window, Messenger's tags, parking) and then swap
the text for the image in the same request.

- WhatsApp: `type: image` with `image.link` and a caption. Outside the 24-hour window
  only a template may be sent; we send nothing then (the "resolved" text, already queued
  by the channels app, carries the tracking link that shows the picture).
- Telegram: `sendPhoto` with the picture's URL as `photo`.
- Messenger and Instagram: `attachment` of `type: image` with `payload.url`.
- E-mail: nothing extra; the "resolved" e-mail carries the link.

Activity posts go to the unit's own Facebook Page (`/{page-id}/photos`, one call) or
Instagram account (`/{ig-user-id}/media` creates a container, then
`/{ig-user-id}/media_publish` with its id; the second row is queued by the
`finish_instagram` task once the first one is sent). The picture URL must be reachable
by Meta: `ADUAN_PUBLIC_URL` has to be the public https address.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from aduan.channels.models import ChannelAccount, OutboxMessage
from aduan.channels.outbox import Park, queue
from aduan.channels.registry import CHANNELS

IMAGE_KINDS = {"whatsapp", "telegram", "facebook", "instagram"}
SOCIAL_KINDS = (ChannelAccount.Kind.INSTAGRAM, ChannelAccount.Kind.FACEBOOK)
INSTAGRAM_WAIT = timedelta(seconds=30)
INSTAGRAM_TRIES = 40


def image_payload(account: ChannelAccount, recipient: str, url: str, caption: str) -> dict | None:
    """The provider request for one picture, or None when the channel cannot send it now.
    Raises `Park` when the channel's rules forbid any message now."""
    text = CHANNELS[account.kind].send.compose(account, recipient, caption)
    body = text.get("body", {})
    if account.kind == "whatsapp":
        if body.get("type") != "text":
            return None  # a template outside the window: no free-form image allowed
        body = {k: v for k, v in body.items() if k != "text"}
        body.update(type="image", image={"link": url, "caption": caption[:1024]})
        return {"path": text["path"], "body": body}
    if account.kind == "telegram":
        return {"method": "sendPhoto",
                "body": {"chat_id": recipient, "photo": url, "caption": caption[:1024]}}
    if account.kind in ("facebook", "instagram"):
        message = {"attachment": {"type": "image", "payload": {"url": url, "is_reusable": True}}}
        return {"path": text["path"], "body": {**body, "message": message}}
    return None


def queue_image(complaint, key: str, url: str, caption: str) -> OutboxMessage | None:
    """Queue a picture to the complaint's reporter on their channel (inside the caller's
    transaction). None when the channel has no image message or no chat to use."""
    if complaint.channel not in IMAGE_KINDS or not complaint.channel_account_id:
        return None
    if complaint.reporter is None or not complaint.reporter.handle:
        return None
    account = ChannelAccount.objects.filter(pk=complaint.channel_account_id).first()
    if account is None or account.kind not in IMAGE_KINDS:
        return None
    recipient = complaint.reporter.handle
    try:
        payload = image_payload(account, recipient, url, caption)
    except Park:
        return None  # the text message with the link parks for staff already
    if payload is None:
        return None
    return queue(account, complaint, key, recipient, payload)


def social_accounts(unit) -> list[ChannelAccount]:
    """The unit's own Instagram/Facebook accounts, else its nearest ancestor's (one per
    kind)."""
    chain = [unit, *unit.ancestors()]
    accounts = ChannelAccount.objects.filter(
        kind__in=SOCIAL_KINDS, is_active=True, unit__in=chain).order_by("pk")
    rank = {u.pk: i for i, u in enumerate(chain)}
    best: dict[str, ChannelAccount] = {}
    for account in sorted(accounts, key=lambda a: rank[a.unit_id]):
        best.setdefault(account.kind, account)
    return list(best.values())


def publish_post(post, image_url: str, caption: str) -> list[OutboxMessage]:
    """Queue an activity post on its unit's social accounts (in the caller's transaction)."""
    from .tasks import finish_instagram

    rows = []
    for account in social_accounts(post.unit):
        if account.kind == ChannelAccount.Kind.FACEBOOK:
            rows.append(queue(account, None, f"activity:{post.pk}:facebook", account.account_id,
                              {"path": f"{account.account_id}/photos",
                               "body": {"url": image_url, "caption": caption[:2000]}}))
        else:
            rows.append(queue(account, None, f"activity:{post.pk}:instagram:media",
                              account.account_id,
                              {"path": f"{account.account_id}/media",
                               "body": {"image_url": image_url, "caption": caption[:2200]}}))
            finish_instagram.using(run_after=timezone.now() + INSTAGRAM_WAIT).enqueue(post.pk, 0)
    return rows


def finish_instagram(post_id: int, attempt: int = 0) -> str:
    """Second step of Instagram publishing: once the container exists, publish it."""
    from .models import ActivityPost
    from .tasks import finish_instagram as again

    post = ActivityPost.objects.select_related("unit").filter(pk=post_id).first()
    first = OutboxMessage.objects.select_related("account").filter(
        key=f"activity:{post_id}:instagram:media").first()
    if post is None or first is None:
        return "gone"
    S = OutboxMessage.Status
    if first.status == S.SENT and first.provider_message_id:
        account = first.account
        queue(account, None, f"activity:{post_id}:instagram:publish", account.account_id,
              {"path": f"{account.account_id}/media_publish",
               "body": {"creation_id": first.provider_message_id}})
        return "publishing"
    if first.status in (S.QUEUED, S.SENDING) and attempt < INSTAGRAM_TRIES:
        again.using(run_after=timezone.now() + INSTAGRAM_WAIT).enqueue(post_id, attempt + 1)
        return "waiting"
    ActivityPost.objects.filter(pk=post_id).update(
        social_status=ActivityPost.Social.FAILED,
        social_error=(first.last_error or first.status)[:500])
    return "failed"
