from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aduan.sla.audit import send_daily_digest
from aduan.sla.models import Notification

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def demo(db):
    from aduan.complaints.demo import load_demo

    return load_demo()


def test_digest_once_a_day_after_opening(demo):
    early = datetime(2026, 11, 18, 5, 0, tzinfo=JAKARTA)
    assert send_daily_digest(early) == 0
    morning = early.replace(hour=7, minute=30)
    sent = send_daily_digest(morning)
    assert sent > 0
    assert send_daily_digest(morning.replace(hour=9)) == 0  # another worker, same day
    digest = Notification.objects.filter(kind="digest")
    assert digest.count() == sent
    assert any("aduan terbuka" in n.text for n in digest)
    assert send_daily_digest(morning.replace(day=19)) > 0
