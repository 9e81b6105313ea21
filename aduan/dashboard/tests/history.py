"""Generated history for the figure tests: real complaints moved by the real actions, on a
simulated clock (nights, weekends, waits for the citizen, reopenings, escalations)."""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.contrib.auth import get_user_model

from aduan.complaints import actions
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.evidence.store import save_photo
from aduan.org.models import Unit

START = datetime.fromisoformat("2026-10-05T08:00:00+07:00")  # a Monday in Solo

# (category, region, owner unit code, acting persona)
LINES = [
    ("jalan", "33.72.02.1007", "dpupr", "dpupr"),
    ("sampah", "33.72.05.1011", "dlh", "dlh"),
    ("pju", "33.72.05.1011", "dishub", "dishub"),
    ("layanan_wilayah", "33.72.02.1007", "rt-33-72-02-1007-05-03", "rt03.kemlayan"),
    ("layanan_wilayah", "33.72.02.1007", "kel-33-72-02-1007", "lurah.kemlayan"),
    ("drainase", "33.72.05.1011", "kel-33-72-05-1011", "lurah.manahan"),
]
CHANNELS = ["whatsapp"] * 4 + ["instagram", "web", "telegram", "email"]


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def at(self, moment: datetime) -> None:
        self.now = max(self.now, moment)


@contextmanager
def simulated(clock: Clock):
    with mock.patch("django.utils.timezone.now", clock):
        yield


def generate(n: int = 36, seed: int = 7, jpeg=None) -> list:
    """n complaints over about four weeks; returns them (refreshed)."""
    rng = random.Random(seed)
    users = {u.username: u for u in get_user_model().objects.all()}
    made = []
    starts = sorted(START + timedelta(minutes=rng.randrange(0, 27 * 24 * 60)) for _ in range(n))
    for i, start in enumerate(starts):
        clock = Clock(start)
        category, region, unit_code, who = LINES[i % len(LINES)]
        actor = users[who]
        with simulated(clock):
            c = open_complaint(IncomingMessage(
                channel=CHANNELS[i % len(CHANNELS)],
                text=" ".join(_word(rng) for _ in range(8)),
                region_code=region, category_code=category, received_at=start,
                name="Warga Uji", phone="081234500000"))
            if i % 9 == 8 or c.status == "duplicate":  # left in triage / merged
                made.append(c)
                continue
            clock.at(start + timedelta(minutes=rng.randrange(5, 240)))
            c = actions.assign(c, Unit.objects.get(code=unit_code), users["tim"], "uji")
            if i % 7 == 6:  # nobody acts: escalated once or twice
                parent = c.owner.parent
                clock.at(clock.now + timedelta(days=2))
                c = actions.escalate(c, parent, "terlambat")
                if i % 2:
                    clock.at(clock.now + timedelta(days=1))
                    c = actions.escalate(c, parent.parent or parent, "terlambat lagi")
                made.append(c)
                continue
            clock.at(clock.now + timedelta(hours=rng.choice([1, 3, 9, 20, 30, 50, 70])))
            if i % 5 == 2:  # ask the citizen first: the clock pauses
                c = actions.ask_citizen(c, actor, "Mohon foto lokasinya?")
                clock.at(clock.now + timedelta(hours=rng.choice([5, 26, 60])))
                c = actions.add_citizen_message(c, "Ini lokasinya pak")
                clock.at(clock.now + timedelta(hours=2))
            if c.status == "assigned":
                c = actions.acknowledge(c, actor, "Diterima")
            if i % 4 == 3:  # still in progress
                made.append(c)
                continue
            clock.at(clock.now + timedelta(hours=rng.choice([4, 24, 48, 100, 200])))
            if i % 6 != 1:
                c = actions.note_progress(c, actor, "Dikerjakan")
                clock.at(clock.now + timedelta(hours=rng.choice([2, 30])))
            c = _resolve(c, actor, jpeg, i)
            if i % 5 == 0:  # the citizen says it is not fixed
                clock.at(clock.now + timedelta(hours=20))
                c = actions.reopen(c, "Belum beres")
                clock.at(clock.now + timedelta(hours=rng.choice([6, 40])))
                c = _resolve(c, actor, jpeg, i)
            if i % 3 == 0:
                c = actions.rate(c, 1 + i % 5, "")
        made.append(c)
    return made


def _word(rng) -> str:
    return "".join(rng.choice("bcdfghjklmnprstw") + rng.choice("aiueo") for _ in range(3))


def _resolve(c, actor, jpeg, i):
    photos = []
    if c.category.requires_after_photo or i % 2 == 0:
        photos = [save_photo(jpeg((30 + i, 90, 60), text=f"after {i}"), complaint=c,
                             tag="after", user=actor).pk]
    return actions.resolve(c, actor, "Sudah diperbaiki", photos)
