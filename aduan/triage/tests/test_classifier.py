import pytest

from aduan.triage import classifier


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
        classifier.train(["a", "b"], ["jalan", "not_a_category"])


def test_save_and_load_roundtrip(model, tmp_path):
    path = classifier.save(model, tmp_path / "m.joblib")
    loaded = classifier.load(path)
    text = ["got mampet airnya meluap"]
    assert loaded.predict(text) == model.predict(text)
