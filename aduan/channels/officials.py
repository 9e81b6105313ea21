"""Officials acting from chat (filled in below)."""


def is_official_message(account, msg) -> bool:
    return False


def handle(account, msg, photos) -> None:
    return None


def link_code(user) -> str | None:
    return None
