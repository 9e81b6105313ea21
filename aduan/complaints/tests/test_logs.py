import logging

from aduan.logfilter import MaskPersonalData, mask


def test_personal_data_and_tracking_links_are_masked_in_log_lines():
    line = ("GET /lacak/AbC123xyz_-9876543210/ from 0812-3456-7890, +62 812 3456 7890, "
            "nik 3372 0241 0785 0003 and 3372024107850003, budi@example.com")
    masked = mask(line)
    for secret in ("AbC123xyz", "0812-3456-7890", "812 3456 7890", "3372 0241",
                   "3372024107850003", "budi@example.com"):
        assert secret not in masked
    assert "2026-11-27 10:15:00" in mask("at 2026-11-27 10:15:00")  # times stay readable


def test_tracebacks_are_masked():
    try:
        raise ValueError("bad reporter budi@example.com 081234567890")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None,
                                   sys.exc_info())
    MaskPersonalData().filter(record)
    assert "budi@example.com" not in record.exc_text and "081234567890" not in record.exc_text
    assert "[EMAIL]" in record.exc_text
