"""Issue 13 item 5 on Telegram: only a contact the user shared of themselves proves their
number; someone else's card, or a text, proves nothing."""

from aduan.channels.telegram.parse import parse
from aduan.channels.tests.helpers import fixture
from aduan.complaints import identity

PHONE = "6281234567890"  # the number on message__contact_own.json


def test_the_parser_says_only_what_telegram_proves():
    own = parse(fixture("telegram/message__contact_own.json"), "123456").messages[0]
    assert identity.e164(own.verified_phone) == PHONE
    other = parse(fixture("telegram/message__contact_other.json"), "123456").messages[0]
    assert other.phone and other.verified_phone == ""  # someone else's card
    text = parse(fixture("telegram/message__text.json"), "123456").messages[0]
    assert text.verified_phone == ""
