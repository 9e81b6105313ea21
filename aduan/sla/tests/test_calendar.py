"""Working time on Solo's calendar: weekends, holidays, cuti bersama, after hours, zones."""

from datetime import UTC, date, datetime, time

import pytest

from aduan.sla.calendar import (
    Calendar,
    add_working_time,
    is_working_time,
    next_opening,
    working_minutes_between,
)

from .conftest import wib

SOLO = Calendar()
DAY = SOLO.day_minutes  # 07:30–16:00 = 510 minutes


def test_one_working_day_is_0730_to_1600():
    assert DAY == 510


def test_within_a_working_day():
    assert add_working_time(wib(2026, 11, 23, 9, 0), 60, SOLO) == wib(2026, 11, 23, 10, 0)


def test_a_day_from_morning_ends_next_morning():
    assert add_working_time(wib(2026, 11, 23, 10, 0), DAY, SOLO) == wib(2026, 11, 24, 10, 0)


def test_friday_night_submission_starts_counting_monday_0730():
    friday_night = wib(2026, 11, 27, 21, 0)
    assert next_opening(friday_night, SOLO) == wib(2026, 11, 30, 7, 30)
    assert add_working_time(friday_night, DAY, SOLO) == wib(2026, 11, 30, 16, 0)
    assert add_working_time(friday_night, 2 * DAY, SOLO) == wib(2026, 12, 1, 16, 0)


def test_early_morning_submission_starts_at_opening():
    assert add_working_time(wib(2026, 11, 24, 5, 0), 30, SOLO) == wib(2026, 11, 24, 8, 0)


def test_friday_afternoon_runs_over_the_weekend():
    assert add_working_time(wib(2026, 11, 27, 15, 0), 120, SOLO) == wib(2026, 11, 30, 8, 30)


def test_national_holiday_is_skipped():
    # Monday 17 August 2026 is Independence Day.
    assert add_working_time(wib(2026, 8, 14, 10, 0), DAY, SOLO) == wib(2026, 8, 18, 10, 0)


def test_cuti_bersama_and_christmas_are_skipped():
    # 24 Dec 2026 cuti bersama, 25 Dec Christmas, then the weekend.
    assert add_working_time(wib(2026, 12, 23, 10, 0), DAY, SOLO) == wib(2026, 12, 28, 10, 0)


def test_lebaran_week_2026():
    # 20 Mar cuti bersama, 21–22 Idul Fitri (weekend), 23–24 Mar cuti bersama.
    assert add_working_time(wib(2026, 3, 19, 10, 0), 60, SOLO) == wib(2026, 3, 25, 8, 30)


def test_cuti_bersama_can_be_switched_off():
    open_office = Calendar(cuti_bersama=False)
    assert add_working_time(wib(2026, 12, 23, 10, 0), DAY, open_office) == wib(2026, 12, 24, 10)


def test_local_day_off_and_declared_working_day():
    local = Calendar(extra_days_off=frozenset({date(2026, 11, 24)}),
                     extra_working_days=frozenset({date(2026, 11, 28)}))
    # Monday 10:00 + 1 day: Tuesday is a local day off -> Wednesday 10:00.
    assert add_working_time(wib(2026, 11, 23, 10), DAY, local) == wib(2026, 11, 25, 10)
    # Friday 15:00 + 2 h: Saturday 28th is declared a working day.
    assert add_working_time(wib(2026, 11, 27, 15), 120, local) == wib(2026, 11, 28, 8, 30)


def test_minutes_between_skips_nights_weekends_and_holidays():
    assert working_minutes_between(wib(2026, 11, 27, 21), wib(2026, 12, 1, 9), SOLO) == DAY + 90
    assert working_minutes_between(wib(2026, 12, 23, 16), wib(2026, 12, 28, 7), SOLO) == 0
    assert working_minutes_between(wib(2026, 11, 24, 9), wib(2026, 11, 23, 9), SOLO) == -DAY


@pytest.mark.parametrize("start", [wib(2026, 11, 23, 9, 17), wib(2026, 11, 27, 22, 5),
                                   wib(2026, 12, 23, 13, 0), wib(2027, 3, 9, 6, 0)])
@pytest.mark.parametrize("minutes", [0, 1, 59, 510, 1020, 5100])
def test_adding_then_measuring_gives_the_same_minutes(start, minutes):
    end = add_working_time(start, minutes, SOLO)
    assert working_minutes_between(start, end, SOLO) == minutes
    assert is_working_time(end, SOLO) or end == SOLO.window(
        end.astimezone(SOLO.tz).date())[1]


def test_input_in_utc_is_read_in_jakarta_time():
    # 14:00 UTC Friday = 21:00 WIB Friday: after hours.
    friday = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    assert add_working_time(friday, 30, SOLO) == wib(2026, 11, 30, 8, 0)
    assert add_working_time(friday, 30, SOLO).tzinfo == UTC


def test_other_time_zone_calendar():
    makassar = Calendar(time_zone="Asia/Makassar")  # WITA, one hour ahead of Solo
    assert next_opening(wib(2026, 11, 23, 6, 45), makassar) == wib(2026, 11, 23, 6, 45)
    assert next_opening(wib(2026, 11, 23, 6, 0), makassar) == wib(2026, 11, 23, 6, 30)


def test_emergency_calendar_runs_through_nights_and_holidays():
    always = Calendar(is_24_7=True)
    christmas_night = wib(2026, 12, 25, 23, 0)
    assert add_working_time(christmas_night, 60, always) == wib(2026, 12, 26, 0, 0)
    assert working_minutes_between(christmas_night, wib(2026, 12, 26, 1), always) == 120


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_working_time(datetime(2026, 11, 23, 9), 10, SOLO)


def test_a_day_must_end_after_it_starts():
    with pytest.raises(ValueError):
        Calendar(start=time(16), end=time(8))
