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
    assert (tmp_path / "triage_model.joblib").exists()
    from aduan.triage import classifier

    classifier.reset_default()
