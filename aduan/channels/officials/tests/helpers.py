"""Officials on chat: the demo city's RT heads writing from Telegram and WhatsApp."""

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.tests.helpers import drain, fixture

RT03_CHAT = 2222222  # Bu Tini, Ketua RT 03/RW 05 Kemlayan, on Telegram
RT01_WA = "6281311112222"  # Pak Slamet, Ketua RT 01/RW 05 Kemlayan, on WhatsApp
CITIZEN_WA = "6281234567890"

_counter = iter(range(30000, 10**9))


def tg_update(text: str = "", *, chat: int = RT03_CHAT, photo: bool = False) -> dict:
    """A Telegram update from an official, in the Bot API's documented shape."""
    name = "message__official_photo_caption" if photo else "message__official_command"
    update = fixture(f"telegram/{name}.json")
    n = next(_counter)
    update["update_id"], update["message"]["message_id"] = n, n
    update["message"]["chat"]["id"] = update["message"]["from"]["id"] = chat
    update["message"]["caption" if photo else "text"] = text
    return update


def wa_message(text: str = "", *, sender: str = RT01_WA, photo: bool = False) -> dict:
    """A WhatsApp Cloud API webhook from an official (text, or image with caption)."""
    name = "messages__official_image_caption" if photo else "messages__official_text"
    payload = fixture(f"whatsapp/{name}.json")
    value = payload["entry"][0]["changes"][0]["value"]
    message = value["messages"][0]
    message["id"] = f"wamid.OFFICIAL{next(_counter)}"
    message["from"] = value["contacts"][0]["wa_id"] = sender
    if photo:
        message["image"]["caption"] = text
    else:
        message["text"]["body"] = text
    return payload


def citizen_complaint(client, unit_code: str = "rt-33-72-02-1007-05-03"):
    """A citizen writes on WhatsApp; the triage team gives it to a unit."""
    from django.contrib.auth import get_user_model

    from aduan.complaints import actions
    from aduan.complaints.models import Complaint
    from aduan.org.models import Unit

    post_meta(client, fixture("whatsapp/messages__text.json"))
    drain()
    complaint = Complaint.objects.get(reporter__handle=CITIZEN_WA)
    tim = get_user_model().objects.get(username="tim")
    return actions.assign(complaint, Unit.objects.get(code=unit_code), tim, "Mohon ditangani.")
