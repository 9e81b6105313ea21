"""Category of a complaint, with a calibrated confidence and the top three suggestions.

Answering only (no scikit-learn here; training is `training.py`): a `CompiledModel` (TF-IDF
of the prepared text -> linear SVM -> sigmoid calibration) stored as one .npz file.

`lainnya` (other) is not rewarded: it is down-weighted in training and its probability is
scaled by LAINNYA_PRIOR before the top three are taken, so it wins only when nothing else
fits.

Where the model comes from, first match wins:
1. DATA_DIR/triage/<city>/model.npz: the city's own model (`aduan triage-import`, the
   nightly retrain);
2. DATA_DIR/triage_model.npz: a model saved by `aduan triage-train`;
3. data/seed_model.npz: the shipped artefact trained from the seed files (rebuilt with
   `aduan triage-train --ship`; ignored when the seed files changed);
4. trained from the seed files on first use and cached in DATA_DIR/cache.
Every model is loaded once per process.
"""

import csv
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .compiled import CompiledModel
from .normalize import normalize
from .placeholders import neutralise

SEED_CSV = Path(__file__).resolve().parent / "data" / "seed_complaints.csv"
# Formal (SP4N-LAPOR!-style) and other-city examples, added after the first measurement;
# kept in their own file so the bench can hold out the original split unchanged.
EXTRA_CSV = Path(__file__).resolve().parent / "data" / "seed_complaints_extra.csv"
# National programme and service vocabulary (PKH, BPNT, DTKS/DTSEN, KIS PBI, KIP/PIP, Prakerja,
# PBB, BPHTB, PTSL, PBG, NIB/OSS, job vacancies...) and taxonomy boundaries (cables on trees,
# pruning vs a fallen tree, rubbish in a drain, a flooded road), written from public service
# descriptions.
PROGRAMMES_CSV = Path(__file__).resolve().parent / "data" / "seed_programmes.csv"
# Bumped whenever the text preparation changes, so cached seed models retrain.
FEATURES_VERSION = "5"
MODEL_FILE = "triage_model.npz"
SHIPPED_MODEL = Path(__file__).resolve().parent / "data" / "seed_model.npz"
LAINNYA_PRIOR = 0.6
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


class CategoryModel:
    """A trained model (see compiled.py) over prepared text."""

    def __init__(self, compiled: CompiledModel, source: str = "seed"):
        self.compiled = compiled
        self.source = source
        self.classes = list(compiled.classes)

    def predict_normalised(self, normalised: list[str]) -> list[Prediction]:
        if not normalised:
            return []
        probabilities = self.compiled.predict_proba(normalised)
        if FALLBACK in self.classes:
            probabilities[:, self.classes.index(FALLBACK)] *= LAINNYA_PRIOR
            probabilities /= probabilities.sum(axis=1, keepdims=True)
        probabilities = probabilities.round(4)
        orders = (-probabilities).argsort(axis=1, kind="stable")[:, :3]
        classes = self.classes
        out = []
        for row, order in zip(probabilities.tolist(), orders.tolist(), strict=True):
            top3 = [(classes[i], row[i]) for i in order]
            out.append(Prediction(top3[0][0], top3[0][1], top3))
        return out

    def predict(self, texts: list[str]) -> list[Prediction]:
        return self.predict_normalised([prepare(t) for t in texts])

    def probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        """Every category's probability per text (before the `lainnya` prior)."""
        rows = self.compiled.predict_proba([prepare(t) for t in texts]).tolist()
        return [dict(zip(self.classes, row, strict=True)) for row in rows]


SYNONYMS_JSON = Path(__file__).resolve().parent / "data" / "synonyms.json"


@lru_cache(maxsize=1)
def _synonyms() -> tuple[re.Pattern, dict[str, str]]:
    """Every city's local names (data/synonyms.json) as one whole-word pattern."""
    data = json.loads(SYNONYMS_JSON.read_text(encoding="utf-8"))
    mapping: dict[str, str] = {}
    for key, names in data.items():
        if not key.startswith("_"):
            mapping.update({name.lower(): words for name, words in names.items()})
    alternatives = "|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I), mapping


def local_synonyms(text: str) -> str:
    pattern, mapping = _synonyms()
    return pattern.sub(lambda m: mapping[m.group().lower()], text)


def prepare(text: str) -> str:
    """What the model reads: the normalised text with place mentions neutralised and local
    names (apps, offices, utilities) replaced by everyday words."""
    return normalize(local_synonyms(neutralise(text)))


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
    for path in (EXTRA_CSV, PROGRAMMES_CSV):
        if path.exists():
            more_texts, more_labels = read_labelled_csv(path)
            texts, labels = texts + more_texts, labels + more_labels
    return texts, labels


def data_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR)


def model_path(city: str | None = None) -> Path:
    """Where a retrained model lives: per city when a city is named, else the legacy file."""
    if city:
        return city_dir(city) / "model.npz"
    return data_dir() / MODEL_FILE


def city_dir(city: str) -> Path:
    """DATA_DIR/triage/<city code>: the city's model, gazetteer and learning history."""
    if not city.replace(".", "").isdigit():
        raise ValueError(f"not a city code: {city!r}")
    return data_dir() / "triage" / city


def city_models() -> dict[str, Path]:
    root = data_dir() / "triage"
    if not root.is_dir():
        return {}
    return {p.parent.name: p for p in sorted(root.glob("*/model.npz"))}


def install(model: CategoryModel, city: str | None = None) -> Path:
    """Save a model as the city's (or the data folder's) model and use it from now on."""
    path = save(model, model_path(city))
    with _lock:
        _loaded.clear()
    return path


def save(model: CategoryModel, path: Path | None = None) -> Path:
    path = Path(path) if path else model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    model.compiled.meta.update({"source": model.source, "seed_digest": seed_digest()})
    tmp = path.with_suffix(".tmp")
    model.compiled.save(tmp)
    tmp.replace(path)
    return path


def load(path: Path | None = None) -> CategoryModel:
    compiled = CompiledModel.load(Path(path) if path else model_path())
    return CategoryModel(compiled, compiled.meta.get("source", "saved"))


_lock = threading.Lock()
_loaded: dict[str, CategoryModel] = {}
_checked: dict[str, tuple[float, tuple]] = {}
RECHECK_SECONDS = 60.0


def _saved_state() -> tuple:
    """Which saved models exist and when they were written (a few stat calls)."""
    paths = [*city_models().values(), model_path()]
    return tuple((str(p), p.stat().st_mtime_ns) for p in paths if p.exists())


def default_model(city: str | None = None) -> CategoryModel:
    """The model for `city` (see the module docstring for the order), loaded once per
    process; a model saved since by another process (an import, the nightly retrain in the
    worker) is picked up within RECHECK_SECONDS."""
    key = city or "*"
    with _lock:
        model = _loaded.get(key)
        now = time.monotonic()
        if model is not None:
            checked_at, state = _checked.get(key, (now, ()))
            if now - checked_at < RECHECK_SECONDS:
                return model
            if _saved_state() == state:
                _checked[key] = (now, state)
                return model
        state = _saved_state()
        model = _loaded[key] = _find_model(city)
        _checked[key] = (now, state)
        return model


def _find_model(city: str | None) -> CategoryModel:
    per_city = city_models()
    if city in per_city:
        return load(per_city[city])
    if city is None and len(per_city) == 1:
        return load(next(iter(per_city.values())))
    legacy = model_path()
    if legacy.exists():
        return load(legacy)
    return _seed_model()


def seed_digest() -> str:
    """Changes whenever the seed files, the text preparation or scikit-learn change."""
    hasher = hashlib.sha256(FEATURES_VERSION.encode())
    for path in (SEED_CSV, EXTRA_CSV, PROGRAMMES_CSV):
        if path.exists():
            hasher.update(path.read_bytes())
    return hasher.hexdigest()[:16]


def _seed_model() -> CategoryModel:
    """The shipped artefact when it matches the seed files, else a cache in the data folder,
    else train from the seed files (a few seconds; needs scikit-learn) and cache."""
    digest = seed_digest()
    for path in (SHIPPED_MODEL, data_dir() / "cache" / f"triage_seed_{digest}.npz"):
        if path.exists():
            try:
                model = load(path)
            except (OSError, ValueError, KeyError):  # damaged: train again
                continue
            if model.compiled.meta.get("seed_digest") == digest:
                model.source = "seed"
                return model
    from .training import build_seed_model  # only when the shipped model is stale

    model = build_seed_model()
    try:
        save(model, data_dir() / "cache" / f"triage_seed_{digest}.npz")
    except OSError:
        pass  # a read-only data folder only costs a retrain next time
    return model


def reset_default() -> None:
    with _lock:
        _loaded.clear()
        _checked.clear()


def predict(texts: list[str], city: str | None = None) -> list[Prediction]:
    return default_model(city).predict(texts)
