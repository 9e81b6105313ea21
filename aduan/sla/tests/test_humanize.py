"""Time left in words, in Bahasa Indonesia."""

import pytest

from aduan.sla.humanize import time_left

from .conftest import wib

pytestmark = pytest.mark.django_db

NOW = wib(2026, 11, 23, 9, 0)  # Monday


@pytest.mark.parametrize("due, words", [
    (wib(2026, 11, 23, 12, 20), "sisa 3 jam kerja"),
    (wib(2026, 11, 23, 9, 40), "sisa 40 menit kerja"),
    (wib(2026, 11, 25, 10, 0), "sisa 2 hari kerja"),
    (wib(2026, 11, 21, 8, 0), "terlambat 2 hari"),
    (wib(2026, 11, 23, 6, 0), "terlambat 3 jam"),
])
def test_words(due, words):
    assert time_left(due, NOW) == words


def test_due_before_any_working_time_names_the_day():
    assert time_left(wib(2026, 11, 30, 7, 30), wib(2026, 11, 28, 10)) == "tenggat Senin 07.30"


def test_emergency_counts_clock_hours():
    assert time_left(wib(2026, 11, 28, 2), wib(2026, 11, 27, 23), urgency="emergency") == (
        "sisa 3 jam")


def test_complaint_in_waiting_and_without_deadline(city, clock):
    from aduan.complaints import actions

    c = city.complaint(city.rt)
    assert time_left(c) == "sisa 1 hari kerja"
    c = actions.ask_citizen(c, city.people["pak_rt"], "Alamat lengkapnya?")
    assert time_left(c) == "menunggu pelapor, sisa 7 hari"
    assert time_left(None) == "tanpa tenggat"


def test_citizen_clocks_by_status():
    due = wib(2026, 11, 26, 9, 0)
    assert time_left(due, NOW, status="resolved") == "menunggu konfirmasi, sisa 3 hari"
    assert time_left(due, NOW, status="waiting_citizen") == "menunggu pelapor, sisa 3 hari"
