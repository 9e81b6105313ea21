"""Officials on the chat app they already use (Telegram, WhatsApp).

`linking.py`: one-time codes that tie a Telegram chat or WhatsApp number to an account.
`commands.py`: what a linked official sends (TERIMA, PROGRES, SELESAI, ANTREAN, BANTUAN),
run through the same named actions as the staff pages.
`notify.py`: new assignments, escalations and SLA warnings to the receiving unit's
linked officials, through the outbox.
"""

KINDS = {"telegram": "telegram_chat_id", "whatsapp": "whatsapp_number"}


def whatsapp_id(number: str) -> str:
    """A WhatsApp number as the Cloud API writes it (wa_id): digits with the country code;
    a number typed the Indonesian way (0812..., +62 812-...) becomes 62812..."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return "62" + digits[1:] if digits.startswith("0") else digits


def sender_variants(kind: str, sender: str) -> list[str]:
    """The ways a chat may be stored on a position (linked, or typed in the admin)."""
    if kind != "whatsapp":
        return [sender]
    wa = whatsapp_id(sender)
    return list(dict.fromkeys([sender, wa, "+" + wa, "0" + wa[2:] if wa.startswith("62") else wa]))
