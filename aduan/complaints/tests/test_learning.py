import pytest
from django.core.management import call_command

from aduan.complaints import actions
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.learning import labelled_examples
from aduan.complaints.models import Category

pytestmark = pytest.mark.django_db


def test_team_corrections_become_training_examples(city, persona, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    complaint = open_complaint(IncomingMessage(
        channel="web", text="Wifi taman kota mati terus, NIK 3372024107850003"))
    actions.classify(complaint, persona("tim"), category=Category.objects.get(code="lainnya"))
    texts, labels = labelled_examples()
    pairs = dict(zip(texts, labels, strict=True))
    masked = complaint.text_public
    assert pairs[masked] == "lainnya"
    assert "3372024107850003" not in " ".join(texts)
    call_command("triage_learn")
    assert (tmp_path / "triage_model.npz").exists()
    from aduan.triage import classifier

    classifier.reset_default()


def test_the_worker_retrains_once_a_night_from_the_team_reviews(city, persona, settings,
                                                                tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from aduan.complaints.learning import labelled_history, nightly_retrain
    from aduan.triage import classifier
    from aduan.triage.models import TrainingRun

    settings.DATA_DIR = tmp_path
    classifier.reset_default()
    complaint = open_complaint(IncomingMessage(channel="web", text="lampu jalan mati di gang"))
    actions.classify(complaint, persona("tim"), category=Category.objects.get(code="pju"))
    [example] = [e for e in labelled_history() if e.text == complaint.text_public]
    assert example.category == "pju" and example.corrected and example.when is not None
    tonight = timezone.now().replace(hour=20) + timedelta(days=1)  # 03:00 in Jakarta
    nightly_retrain(tonight)
    nightly_retrain(tonight)
    run = TrainingRun.objects.get()
    assert run.held_back == 1 and not run.kept and "too few" in run.note  # one review
    classifier.reset_default()
