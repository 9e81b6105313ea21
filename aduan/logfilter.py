"""A logging filter that masks NIK/KK numbers, phone numbers and e-mail addresses."""

import logging
import re

_PATTERNS = [
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), "[NIK/KK]"),
    (re.compile(r"(?<![\w\d])(?:\+?62|0)8\d{7,12}(?!\d)"), "[TELEPON]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[EMAIL]"),
]


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
        return True
