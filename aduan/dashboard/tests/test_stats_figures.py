"""The figures equal a plain replay of every complaint's timeline (oracle.py), on
generated history with nights, weekends, waits for the citizen, reopenings and
escalations."""

import statistics
from collections import Counter
from datetime import datetime, timedelta

import pytest

from aduan.complaints.models import Complaint
from aduan.dashboard import periods, stats
from aduan.dashboard.stats import Filters, Scope
from aduan.org.models import Unit

from .history import START, generate
from .oracle import nearest_rank, replay

pytestmark = pytest.mark.django_db

NOW = datetime.fromisoformat("2026-12-15T09:00:00+07:00")
PERIOD = periods.parse("2026-10-01..2026-11-30", now=NOW)


@pytest.fixture
def history(city, jpeg):
    generate(36, jpeg=jpeg)
    # The city fixture's own complaints are made at the real time: inside the period only
    # while the real date is (as the figures count them).
    made = Complaint.objects.filter(created_at__gte=START, created_at__lt=PERIOD.end)
    return [replay(c, NOW) for c in made]


def _expect(rows):
    decided = [r["answered"] for r in rows if r["answered"] is not None]
    followed = [r["followed"] for r in rows if r["followed"] is not None]
    resolutions = sorted(r["resolution"] for r in rows if r["resolution"] is not None)
    resolved = [r for r in rows if r["resolved"]]
    ratings = [r["rating"] for r in rows if r["rating"]]
    return {
        "n": len(rows),
        "ans_ok": sum(decided), "ans_late": len(decided) - sum(decided),
        "fol_ok": sum(followed), "fol_late": len(followed) - sum(followed),
        "median": statistics.median(resolutions) / 60 if resolutions else None,
        "p90": nearest_rank(resolutions, 0.9) / 60 if resolutions else None,
        "resolved": len(resolved), "reopened": sum(r["reopened"] for r in resolved),
        "after": sum(r["after"] for r in resolved),
        "rating": sum(ratings) / len(ratings) if ratings else None,
        "esc": Counter(min(r["escalations"], 3) for r in rows if r["escalations"]),
    }


def _check(fig, expected):
    t = fig.total
    assert t.n == expected["n"]
    assert (t.ans_ok, t.ans_late) == (expected["ans_ok"], expected["ans_late"])
    assert (t.fol_ok, t.fol_late) == (expected["fol_ok"], expected["fol_late"])
    assert fig.resolution_median == pytest.approx(expected["median"], abs=1 / 60)
    assert fig.resolution_p90 == pytest.approx(expected["p90"], abs=1 / 60)
    assert (t.resolved, t.reopened, t.after) == (
        expected["resolved"], expected["reopened"], expected["after"])
    assert t.rating == pytest.approx(expected["rating"])
    assert (t.esc1, t.esc2, t.esc3) == tuple(expected["esc"].get(k, 0) for k in (1, 2, 3))


def test_city_figures_equal_the_plain_replay(history):
    fig = stats.figures(Scope(), PERIOD, now=NOW)
    expected = _expect(history)
    # the history exercises what it claims to
    assert expected["n"] == len(history) >= 36 and expected["reopened"] >= 2 and expected["esc"]
    assert any(r["complaint"].events.filter(kind="asked_citizen").exists() for r in history)
    assert 0 < expected["ans_ok"] and 0 < expected["ans_late"]
    _check(fig, expected)
    assert dict(fig.by_channel) == dict(Counter(r["complaint"].channel for r in history))
    assert {c: n for c, _label, n in fig.by_category} == dict(
        Counter(r["complaint"].category_id or "" for r in history))
    assert sum(w["tally"].n for w in fig.trend) == len(history)


def test_paused_time_does_not_count(history):
    """A complaint answered 26 working hours after its message, 20 of them spent
    waiting for the citizen, was answered in time (and the replay agrees)."""
    waited = [r for r in history if r["complaint"].events.filter(kind="asked_citizen")]
    facts = {f.complaint_id: f for f in stats.ComplaintFact.objects.all()}
    assert waited
    for row in waited:
        fact = facts[row["complaint"].pk]
        assert fact.paused_minutes > 0
        assert fact.answered_met == row["answered"]
        if row["resolution"] is not None:
            assert fact.resolution_minutes == row["resolution"]


@pytest.mark.parametrize("code", ["kel-33-72-02-1007", "dpupr", "kec-33-72-02",
                                  "rt-33-72-02-1007-05-03"])
def test_subtree_figures_equal_the_replay_of_its_complaints(history, code):
    unit = Unit.objects.get(code=code)
    inside = set(Unit.objects.filter(unit.descendants_q()).values_list("pk", flat=True))
    rows = [r for r in history if r["unit_id"] in inside]
    assert rows
    _check(stats.figures(Scope(unit.pk), PERIOD, now=NOW), _expect(rows))


def test_filters_and_periods(history):
    rows = [r for r in history if r["complaint"].channel == "whatsapp"
            and r["complaint"].category_id == "jalan"]
    fig = stats.figures(Scope(), PERIOD, Filters(category="jalan", channel="whatsapp"), now=NOW)
    _check(fig, _expect(rows))
    week = periods.parse("2026-W42", now=NOW)
    rows = [r for r in history if week.start <= r["complaint"].created_at < week.end]
    _check(stats.figures(Scope(), week, now=NOW), _expect(rows))


def test_open_now_by_age(history):
    now = NOW
    open_rows = Complaint.objects.open().exclude(status="resolved")
    result = stats.open_now(Scope(), now=now)
    assert result.total == open_rows.count()
    late = [c for c in open_rows if c.status in ("new", "assigned", "in_progress")
            and c.next_due and c.next_due < now]
    assert result.overdue == len(late)
    for bucket in result.buckets:
        lo, hi = bucket["lo"], bucket["hi"]
        inside = [c for c in open_rows if now - c.created_at >= timedelta(days=lo)
                  and (hi is None or now - c.created_at < timedelta(days=hi))]
        assert bucket["open"] == len(inside)


def test_ranks_order_kelurahan_by_answered_share(history):
    fig = stats.figures(Scope(), PERIOD, now=NOW)
    rows = stats.unit_table(fig, Unit.Kind.KELURAHAN, now=NOW)
    ranked = [r for r in rows if r.rank]
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    shares = [r.tally.answered_share for r in ranked]
    assert shares == sorted(shares, reverse=True)
    kemlayan = next(r for r in rows if r.unit.code == "kel-33-72-02-1007")
    inside = set(Unit.objects.filter(Unit.objects.get(code="kel-33-72-02-1007")
                                     .descendants_q()).values_list("pk", flat=True))
    assert kemlayan.tally.n == sum(1 for r in history if r["unit_id"] in inside)


def test_periods_parse_all_shapes():
    now = datetime.fromisoformat("2026-11-30T10:00:00+07:00")
    assert periods.parse("2026-W48", now).first_day.isoformat() == "2026-11-23"
    assert periods.parse("2026-W48", now).last_day.isoformat() == "2026-11-29"
    assert periods.parse("2026-11", now).last_day.isoformat() == "2026-11-30"
    q4 = periods.parse("2026-Q4", now)
    assert (q4.first_day.isoformat(), q4.last_day.isoformat()) == ("2026-10-01", "2026-12-31")
    assert periods.parse("week", now).first_day.isoformat() == "2026-11-30"
    assert periods.parse("30d", now).first_day.isoformat() == "2026-11-01"
    for bad in ("2026-W60", "2026-13", "kemarin", "2026-12-01..2026-11-01"):
        with pytest.raises(ValueError):
            periods.parse(bad, now)
