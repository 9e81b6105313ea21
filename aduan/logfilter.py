"""A logging filter that masks NIK/KK numbers, phone numbers, e-mail addresses and private
tracking links, in messages and in tracebacks. Attached to every handler in settings."""

import logging
import re

_PATTERNS = [
    (re.compile(r"((?:api_key|token|secret|password)=)[^&\s\"']+", re.IGNORECASE), r"\1[KEY]"),
    (re.compile(r"(/lacak/)[\w-]{8,}"), r"\1[TOKEN]"),
    (re.compile(r"(?<![\w.])\d{4}[ .-]?\d{4}[ .-]?\d{4}[ .-]?\d{4}(?![\w.])"), "[NIK/KK]"),
    (re.compile(r"(?<![\w+])(?:\+?62|0)[ .-]?8\d{1,3}(?:[ .-]?\d{2,5}){2,4}(?!\d)"),
     "[TELEPON]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[EMAIL]"),
]
_FORMATTER = logging.Formatter()


def mask(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(_FORMATTER.formatException(record.exc_info))
        return True
