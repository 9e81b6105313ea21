"""Pictures to citizens and to the units' social accounts, through the channels' outbox.

Each channel composes its own picture message (`send.compose_image(account, recipient,
url, caption)`, applying its rules: WhatsApp's 24-hour window, Messenger's tags,
parking); a channel without one (e-mail) gets nothing extra: the "resolved" message,
already queued by the channels app, carries the tracking link that shows the picture.

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

SOCIAL_KINDS = (ChannelAccount.Kind.INSTAGRAM, ChannelAccount.Kind.FACEBOOK)
INSTAGRAM_WAIT = timedelta(seconds=30)
INSTAGRAM_TRIES = 40


def image_payload(account: ChannelAccount, recipient: str, url: str, caption: str) -> dict | None:
    """The provider request for one picture (the channel's `send.compose_image`), or None
    when the channel has no picture message or cannot send one now. Raises `Park` when
    the channel's rules forbid any message now."""
    compose = getattr(CHANNELS[account.kind].send, "compose_image", None)
    return compose(account, recipient, url, caption) if compose is not None else None


def queue_image(complaint, key: str, url: str, caption: str) -> OutboxMessage | None:
    """Queue a picture to the complaint's reporter on their channel (inside the caller's
    transaction). None when the channel has no image message or no chat to use."""
    if not complaint.channel_account_id:
        return None
    if complaint.reporter is None or not complaint.reporter.handle:
        return None
    account = ChannelAccount.objects.filter(pk=complaint.channel_account_id).first()
    if account is None:
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
