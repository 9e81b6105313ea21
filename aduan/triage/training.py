"""Training the category model (needs scikit-learn; answering does not, see compiled.py).

TF-IDF (word 1-2-grams + char_wb 2-5-grams of the prepared text) -> linear SVM, its scores
calibrated by sigmoid (Platt) fitted on 3-fold out-of-fold scores (one SVM at prediction
time). Per-class weights are balanced, with `lainnya` halved (it must not be a catch-all);
a city's own examples weigh HISTORY_WEIGHT times a seed example. The fitted pipeline is
turned into a `CompiledModel`.
"""

from collections import Counter
from pathlib import Path

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from .classifier import (
    CATEGORIES,
    FALLBACK,
    SHIPPED_MODEL,
    CategoryModel,
    install,
    prepare,
    save,
    seed_examples,
)
from .compiled import CompiledModel
from .features import char_wb_ngrams

HISTORY_WEIGHT = 2.0
LAINNYA_WEIGHT = 0.5


def _features() -> FeatureUnion:
    return FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                  min_df=1, token_pattern=r"(?u)\b\w+\b")),
        ("chars", TfidfVectorizer(analyzer=char_wb_ngrams, sublinear_tf=True,
                                  min_df=2, max_features=60000)),
    ])


def class_weights(labels: list[str]) -> dict[str, float]:
    """Balanced weights (n / (k * count)), with `lainnya` halved: a catch-all must not pay."""
    counts = Counter(labels)
    total, k = len(labels), len(counts)
    weights = {c: total / (k * n) for c, n in counts.items()}
    if FALLBACK in weights:
        weights[FALLBACK] *= LAINNYA_WEIGHT
    return weights


def build_pipeline(labels: list[str]) -> Pipeline:
    svm = LinearSVC(C=0.5)
    cv = min(3, min(Counter(labels).values()))
    return Pipeline([
        ("features", _features()),
        ("model", CalibratedClassifierCV(svm, method="sigmoid", cv=max(cv, 2),
                                         ensemble=False)),
    ])


def train(texts: list[str], labels: list[str], source: str = "custom",
          weights: list[float] | None = None) -> CategoryModel:
    unknown = sorted(set(labels) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown categories: {', '.join(unknown)}")
    if len(set(labels)) < 3:
        raise ValueError("need examples of at least three categories")
    pipeline = build_pipeline(labels)
    per_class = class_weights(labels)
    sample = [per_class[label] * (weights[i] if weights else 1.0)
              for i, label in enumerate(labels)]
    pipeline.fit([prepare(t) for t in texts], labels, model__sample_weight=sample)
    return CategoryModel(CompiledModel.from_pipeline(pipeline, {"source": source}), source)


def retrain(texts: list[str], labels: list[str], city: str | None = None,
            save_model: bool = True) -> CategoryModel:
    """Train on the seed set plus labelled complaints (a CSV import, the team's corrections).
    Saved into the data folder (per city when `city` is given) and made the default."""
    model = train_with_history(texts, labels)
    if save_model:
        install(model, city)
    return model


def train_with_history(texts: list[str], labels: list[str],
                       source: str = "retrained") -> CategoryModel:
    """The seed set plus a city's own labelled complaints, which count HISTORY_WEIGHT times
    as much as a seed example (they are written in the city's own hand)."""
    seed_texts, seed_labels = seed_examples()
    return train(seed_texts + list(texts), seed_labels + list(labels), source=source,
                 weights=[1.0] * len(seed_texts) + [HISTORY_WEIGHT] * len(texts))


def build_seed_model() -> CategoryModel:
    texts, labels = seed_examples()
    return train(texts, labels, source="seed")


def ship_seed_model() -> Path:
    """Rebuild data/seed_model.npz (run after changing a seed file)."""
    return save(build_seed_model(), SHIPPED_MODEL)
