"""Category of a complaint, with a calibrated confidence and the top three suggestions.

A TF-IDF model over the normalised text (word 1-2-grams plus character 2-5-grams inside
words, which survive typos, affixes and Javanese suffixes) feeding a linear SVM whose
scores are calibrated into probabilities by 3-fold sigmoid (Platt) calibration. Chosen over a
multilingual embedding model by measurement (see README.md and bench/triage_bench.py).

The default model is trained from the shipped seed set on first use (about one second);
a model retrained with `aduan triage-train` is saved to DATA_DIR/triage_model.joblib and
loaded in preference when present.
"""

import csv
import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import joblib
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from .normalize import normalize
from .placeholders import neutralise

SEED_CSV = Path(__file__).resolve().parent / "data" / "seed_complaints.csv"
# Formal (SP4N-LAPOR!-style) and other-city examples, added after the first measurement;
# kept in their own file so the bench can hold out the original split unchanged.
EXTRA_CSV = Path(__file__).resolve().parent / "data" / "seed_complaints_extra.csv"
# Bumped whenever the text preparation changes, so cached seed models retrain.
FEATURES_VERSION = "4"
MODEL_FILE = "triage_model.joblib"
CATEGORIES = (
    "jalan", "drainase", "pju", "sampah", "pohon_taman", "lingkungan", "air", "adminduk",
    "bansos", "kesehatan", "pendidikan", "ketertiban", "lalu_lintas", "perizinan",
    "bencana", "layanan_wilayah", "perumahan", "ekonomi", "utilitas", "lainnya",
)
FALLBACK = "lainnya"


@dataclass(frozen=True)
class Prediction:
    category: str
    confidence: float
    top3: list[tuple[str, float]]


@lru_cache(maxsize=200_000)
def _word_char_ngrams(word: str) -> tuple[str, ...]:
    """Character 2-5-grams of one padded word, exactly as scikit-learn's "char_wb"."""
    padded = f" {word} "
    size = len(padded)
    out = []
    for n in range(2, 6):
        offset = 0
        out.append(padded[:n])
        while offset + n < size:
            offset += 1
            out.append(padded[offset:offset + n])
        if offset == 0:  # a short word counts once
            break
    return tuple(out)


def char_wb_ngrams(document: str) -> list[str]:
    """"char_wb" 2-5-grams of normalised text, cached per word (the text is already
    lowercase; the same words recur across complaints, so this is mostly lookups)."""
    out: list[str] = []
    for word in document.split():
        out.extend(_word_char_ngrams(word))
    return out


def _features() -> FeatureUnion:
    return FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                  min_df=1, token_pattern=r"(?u)\b\w+\b")),
        ("chars", TfidfVectorizer(analyzer=char_wb_ngrams, sublinear_tf=True,
                                  min_df=2, max_features=60000)),
    ])


def build_pipeline() -> Pipeline:
    svm = LinearSVC(C=0.5, class_weight="balanced")
    return Pipeline([
        ("features", _features()),
        ("model", CalibratedClassifierCV(svm, method="sigmoid", cv=3)),
    ])


class CategoryModel:
    """A fitted pipeline over normalised text."""

    def __init__(self, pipeline: Pipeline, source: str = "seed"):
        self.pipeline = pipeline
        self.source = source
        self.classes = [str(c) for c in pipeline.classes_]

    def predict_normalised(self, normalised: list[str]) -> list[Prediction]:
        if not normalised:
            return []
        probabilities = self.pipeline.predict_proba(normalised).round(4)
        orders = (-probabilities).argsort(axis=1, kind="stable")[:, :3]
        classes = self.classes
        out = []
        for row, order in zip(probabilities.tolist(), orders.tolist(), strict=True):
            top3 = [(classes[i], row[i]) for i in order]
            out.append(Prediction(top3[0][0], top3[0][1], top3))
        return out

    def predict(self, texts: list[str]) -> list[Prediction]:
        return self.predict_normalised([prepare(t) for t in texts])


def prepare(text: str) -> str:
    """What the model reads: the normalised text with place mentions neutralised."""
    return normalize(neutralise(text))


def train(texts: list[str], labels: list[str], source: str = "custom") -> CategoryModel:
    unknown = sorted(set(labels) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown categories: {', '.join(unknown)}")
    pipeline = build_pipeline()
    pipeline.fit([prepare(t) for t in texts], labels)
    return CategoryModel(pipeline, source)


def read_labelled_csv(path: Path) -> tuple[list[str], list[str]]:
    """Rows of a CSV with columns text,category (blank rows skipped)."""
    texts, labels = [], []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "category"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: needs columns text,category")
        for row in reader:
            text, category = (row["text"] or "").strip(), (row["category"] or "").strip()
            if text and category:
                texts.append(text)
                labels.append(category)
    return texts, labels


def seed_examples() -> tuple[list[str], list[str]]:
    texts, labels = read_labelled_csv(SEED_CSV)
    if EXTRA_CSV.exists():
        more_texts, more_labels = read_labelled_csv(EXTRA_CSV)
        texts, labels = texts + more_texts, labels + more_labels
    return texts, labels


def model_path() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / MODEL_FILE


def retrain(texts: list[str], labels: list[str]) -> CategoryModel:
    """Train on the seed set plus labelled complaints (a CSV import, the team's corrections),
    save the model into the data folder and make it the default."""
    global _default
    seed_texts, seed_labels = seed_examples()
    model = train(seed_texts + list(texts), seed_labels + list(labels), source="retrained")
    save(model)
    with _lock:
        _default = model
    return model


def save(model: CategoryModel, path: Path | None = None) -> Path:
    path = Path(path) if path else model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump({"pipeline": model.pipeline, "source": model.source}, tmp)
    tmp.replace(path)
    return path


def load(path: Path | None = None) -> CategoryModel:
    data = joblib.load(Path(path) if path else model_path())
    return CategoryModel(data["pipeline"], data.get("source", "saved"))


_lock = threading.Lock()
_default: CategoryModel | None = None


def default_model() -> CategoryModel:
    """The saved model from the data folder if there is one, else one trained from seed."""
    global _default
    with _lock:
        if _default is None:
            path = model_path()
            if path.exists():
                _default = load(path)
            else:
                _default = _seed_model()
        return _default


def _seed_model() -> CategoryModel:
    """Train from the seed set, reusing a cache in the data folder keyed by the seed file's
    hash and the scikit-learn version (so a changed seed set or library retrains)."""
    hasher = hashlib.sha256(FEATURES_VERSION.encode())
    for path in (SEED_CSV, EXTRA_CSV):
        if path.exists():
            hasher.update(path.read_bytes())
    digest = hasher.hexdigest()[:16]
    cache = model_path().parent / "cache" / f"triage_seed_{digest}_{sklearn.__version__}.joblib"
    if cache.exists():
        try:
            return load(cache)
        except Exception:  # a damaged or incompatible cache: train again
            cache.unlink(missing_ok=True)
    texts, labels = seed_examples()
    model = train(texts, labels, source="seed")
    try:
        save(model, cache)
    except OSError:
        pass  # a read-only data folder only costs a retrain next time
    return model


def reset_default() -> None:
    global _default
    with _lock:
        _default = None


def predict(texts: list[str]) -> list[Prediction]:
    return default_model().predict(texts)
