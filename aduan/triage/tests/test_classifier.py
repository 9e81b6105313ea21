from pathlib import Path

import numpy as np
import pytest

from aduan.triage import classifier, training
from aduan.triage.compiled import CompiledModel


@pytest.fixture(scope="module")
def model():
    return classifier.default_model()


def test_seed_set_covers_every_category():
    texts, labels = classifier.seed_examples()
    assert len(texts) >= 1500
    assert set(labels) == set(classifier.CATEGORIES)


@pytest.mark.parametrize("text,category", [
    ("jalan di depan rumah berlubang besar", "jalan"),
    ("banyu PDAM ora mili wis 3 dina", "air"),
    ("sampah numpuk di TPS ga diangkut", "sampah"),
    ("lampu jalan mati, dalane peteng", "pju"),
    ("KTP saya hilang, cara urus lagi bagaimana", "adminduk"),
    ("kabel menjuntai rendah di atas gang", "utilitas"),
    ("tolong fogging, banyak warga kena DBD", "kesehatan"),
    ("parkir liar di depan minimarket", "lalu_lintas"),
])
def test_predicts_clear_cases(model, text, category):
    [prediction] = model.predict([text])
    assert prediction.category == category
    assert 0 < prediction.confidence <= 1
    assert [c for c, _ in prediction.top3][0] == category
    assert len(prediction.top3) == 3


def test_confidences_are_probabilities(model):
    [prediction] = model.predict(["selokan mampet"])
    assert sum(p for _, p in prediction.top3) <= 1.0001


def test_unknown_category_refused():
    with pytest.raises(ValueError):
        training.train(["a", "b"], ["jalan", "not_a_category"])


def test_save_and_load_roundtrip(model, tmp_path):
    path = classifier.save(model, tmp_path / "m.joblib")
    loaded = classifier.load(path)
    text = ["got mampet airnya meluap"]
    assert loaded.predict(text) == model.predict(text)


def test_the_compiled_model_answers_exactly_as_the_trained_pipeline():
    texts, labels = classifier.seed_examples()
    texts, labels = texts[::4], labels[::4]
    pipeline = training.build_pipeline(labels)
    weights = training.class_weights(labels)
    prepared = [classifier.prepare(t) for t in texts]
    pipeline.fit(prepared, labels, model__sample_weight=[weights[y] for y in labels])
    compiled = CompiledModel.from_pipeline(pipeline)
    probe = [classifier.prepare(t) for t in (
        "got mampet airnya meluap", "lampu jalan mati", "", "zzqx qqzz", "PKH tidak cair")]
    assert np.allclose(compiled.predict_proba(probe), pipeline.predict_proba(probe),
                       atol=1e-12)


def test_the_shipped_model_is_current_and_used_without_training(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    classifier.reset_default()
    try:
        saved = CompiledModel.load(classifier.SHIPPED_MODEL)
        # stale after a seed file changed: run `aduan triage-train --ship`
        assert saved.meta["seed_digest"] == classifier.seed_digest()
        assert classifier.default_model().source == "seed"
        assert not (tmp_path / "cache").exists()  # nothing trained at start
    finally:
        classifier.reset_default()


def test_lainnya_is_not_a_catch_all(model):
    [prediction] = model.predict(["Bersama ini saya mohon informasi tagihan PBB yang naik"])
    assert prediction.category == "perizinan"
    assert training.class_weights(["jalan", "lainnya"])["lainnya"] == 0.5


def test_the_register_groups_of_the_bench_are_never_trained_on():
    groups = Path(classifier.__file__).resolve().parents[2] / "bench" / "triage_groups"
    held_out = set()
    for path in groups.glob("*.csv"):
        held_out.update(classifier.read_labelled_csv(path)[0])
    assert len(held_out) >= 300
    texts, _ = classifier.seed_examples()
    assert not held_out & set(texts)


def test_a_model_saved_by_another_process_is_picked_up(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    classifier.reset_default()
    try:
        assert classifier.default_model().source == "seed"
        other = classifier.load(classifier.SHIPPED_MODEL)
        other.source = "worker"
        classifier.save(other, classifier.model_path("33.74"))  # as the nightly job would
        assert classifier.default_model().source == "seed"  # loaded once: no stat per call
        monkeypatch.setattr(classifier, "RECHECK_SECONDS", 0.0)
        assert classifier.default_model().source == "worker"
    finally:
        classifier.reset_default()
