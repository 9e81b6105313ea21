"""The nightly retrain keeps a new model only if it is at least as good on the recent
corrections, runs once a night, and records the week-by-week accuracy."""

from datetime import UTC, datetime, timedelta

import pytest

from aduan.regions.loader import seed_city
from aduan.triage import classifier, learning
from aduan.triage.learning import Example
from aduan.triage.models import TrainingRun, WeeklyAccuracy

pytestmark = pytest.mark.django_db

NIGHT = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # 03:00 in Jakarta
LAMPS = ["lampu jalan mati di gang {}", "PJU padam sudah {} hari", "jalan gelap, lampu mati {}",
         "lampu penerangan jalan rusak nomor {}", "tiang lampu {} tidak menyala"]


@pytest.fixture
def city(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    seed_city("33.74")
    classifier.reset_default()
    yield "33.74"
    classifier.reset_default()


def recent_lamp_corrections(n=10):
    return [Example(LAMPS[i % len(LAMPS)].format(i + 2), "pju",
                    NIGHT - timedelta(days=1 + i % 5), True) for i in range(n)]


def test_a_better_or_equal_model_is_kept(city):
    older = [Example(f"truk sampah tidak datang ke RT {i}", "sampah",
                     NIGHT - timedelta(days=40), True) for i in range(20)]
    run = learning.nightly(older + recent_lamp_corrections(), city, NIGHT)
    assert run.kept and run.held_back == 10 and run.examples == 20
    assert run.score_after >= run.score_before
    assert classifier.model_path(city).exists()
    assert classifier.default_model(city).source == "nightly"


def test_a_worse_model_is_discarded(city):
    # someone mislabelled a month of lamp complaints as rubbish: the new model would learn it
    poisoned = [Example(LAMPS[i % len(LAMPS)].format(i + 100), "sampah",
                        NIGHT - timedelta(days=30), True) for i in range(300)]
    run = learning.nightly(poisoned + recent_lamp_corrections(), city, NIGHT)
    assert not run.kept and run.score_after < run.score_before
    assert "discarded" in run.note
    assert not classifier.model_path(city).exists()
    assert classifier.default_model(city).source == "seed"


def test_one_run_per_night_and_nothing_to_judge_without_recent_corrections(city):
    assert learning.due(NIGHT, city)
    run = learning.nightly([Example("jalan berlubang", "jalan", None, False)], city, NIGHT)
    assert not run.kept and "too few" in run.note
    assert not learning.due(NIGHT, city)
    assert learning.nightly(recent_lamp_corrections(), city, NIGHT) is None
    assert TrainingRun.objects.count() == 1
    assert learning.due(NIGHT + timedelta(days=1), city)


def test_weekly_accuracy_scores_the_serving_model_on_corrections_it_never_saw(city):
    fresh = recent_lamp_corrections(6) + [
        Example("saya mau tanya jadwal vaksin", "bansos", NIGHT - timedelta(days=2), True)]
    learning.nightly(fresh, city, NIGHT)
    rows = learning.weekly_accuracy(city)
    assert sum(r["corrections"] for r in rows) == 7
    assert sum(r["correct"] for r in rows) == 6  # the lamps right, the vaccine question not
    assert all(r["week"].weekday() == 0 for r in rows)
    assert WeeklyAccuracy.objects.filter(city=city).count() == len(rows)
    assert learning.weekly_accuracy() == rows  # the only city loaded is the default
