"""Telegram Bot API errors (`error_code`, `description`, `parameters.retry_after`)."""

from ..errors import FIX_CONFIG, PLAIN, RETRY, STOP, Verdict


def classify(error) -> Verdict | None:
    status, text = error.status or error.code, str(error).lower()
    if status == 429:
        return Verdict(RETRY, "429: terlalu banyak permintaan", error.retry_after)
    if status == 403:  # bot was blocked by the user / user is deactivated
        return Verdict(STOP, "403: pelapor memblokir bot atau akunnya nonaktif")
    if status in (401, 404):  # bad or revoked token (the method URL holds the token)
        return Verdict(FIX_CONFIG, f"{status}: token bot salah atau dicabut")
    if status == 400 and "query is too old" in text:  # answerCallbackQuery after its timeout
        return Verdict(STOP, "400: tombol ditekan terlalu lama yang lalu")
    if status == 400 and ("http url" in text or "wrong file identifier" in text
                          or "wrong type of the web page content" in text):
        return Verdict(PLAIN, "400: foto dari tautan tidak dapat diambil Telegram")
    if status == 400 and "chat not found" in text:
        return Verdict(STOP, "400: chat tidak ditemukan")
    return None
