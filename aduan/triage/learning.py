"""The category model learns a city: from its imported history (`aduan triage-import`) and,
every night, from the triage team's corrections and settled complaints.

Layer 2: the caller hands in the examples (`aduan.complaints.learning` reads them from the
complaints); nothing here imports complaints.

Nightly rule: the corrections of the last HOLD_BACK_DAYS are held back; a new model is trained
on the seed set, the imported history and every other example; it replaces the serving model
only if its accuracy on the held-back corrections is at least the serving model's. Before
that, the serving model is scored on the corrections that arrived since the last run (it has
never seen them): that is the week-by-week accuracy the command centre shows
(`weekly_accuracy`).
"""

import csv
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from sklearn.metrics import accuracy_score, f1_score

from . import classifier, gazetteer, training
from .history import Row
from .models import TrainingRun, WeeklyAccuracy
from .pii import mask
from .place import PlaceIndex, everyday_words

HISTORY_FILE = "history.csv"
HOLDOUT = 0.2
SPLIT_SEED = 20261130
NIGHT_HOUR = 1          # local time after which the night's run may start
HOLD_BACK_DAYS = 14
MIN_HELD_BACK = 5
WEEKS_SHOWN = 12


@dataclass
class Example:
    text: str
    category: str
    when: datetime | None = None
    corrected: bool = False  # a person confirmed or changed the category


@dataclass
class Scores:
    n: int
    accuracy: float
    macro_f1: float

    def __str__(self) -> str:
        return f"accuracy {self.accuracy:.3f}, macro-F1 {self.macro_f1:.3f} (n={self.n})"


def score(model: classifier.CategoryModel, texts: list[str], labels: list[str]) -> Scores:
    if not texts:
        return Scores(0, 0.0, 0.0)
    predicted = [p.category for p in model.predict(texts)]
    return Scores(len(texts), accuracy_score(labels, predicted),
                  f1_score(labels, predicted, average="macro", zero_division=0))


def current_city() -> str | None:
    """The city code when the database holds exactly one kabupaten/kota."""
    from aduan.regions.models import Region

    codes = list(Region.objects.filter(level=Region.Level.KABUPATEN_KOTA)
                 .values_list("code", flat=True)[:2])
    return codes[0] if len(codes) == 1 else None


# --- imported history ---------------------------------------------------------------------

def history_path(city: str) -> Path:
    return classifier.city_dir(city) / HISTORY_FILE


def read_history(city: str | None) -> tuple[list[str], list[str]]:
    """The imported history of a city (masked text, category), as saved by an import."""
    if not city or not history_path(city).exists():
        return [], []
    return classifier.read_labelled_csv(history_path(city))


def _save_history(city: str, texts: list[str], labels: list[str]) -> None:
    old_texts, old_labels = read_history(city)
    merged = dict(zip(old_texts, old_labels, strict=True))
    merged.update(zip(texts, labels, strict=True))
    path = history_path(city)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        writer.writerows(merged.items())
    tmp.replace(path)


def split(items: list, labels: list[str], holdout: float = HOLDOUT,
          seed: int = SPLIT_SEED) -> tuple[list[int], list[int]]:
    """Indices of a training part and a held-out part, stratified by label (every label
    with at least two rows has at least one row in each part)."""
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    train_idx, test_idx = [], []
    for indices in by_label.values():
        rng.shuffle(indices)
        n_test = int(round(len(indices) * holdout)) if len(indices) > 1 else 0
        n_test = max(n_test, 1) if len(indices) > 1 else 0
        test_idx += indices[:n_test]
        train_idx += indices[n_test:]
    return sorted(train_idx), sorted(test_idx)


@dataclass
class ImportResult:
    city: str
    rows: int
    categories: Counter
    places: dict[str, str]
    before: Scores
    after: Scores
    place_before: Scores | None = None
    place_after: Scores | None = None
    model_path: Path | None = None
    notes: list[str] = field(default_factory=list)


def _place_text(row: Row) -> str:
    return f"{row.text}\n{row.address}" if row.address else row.text


def _place_scores(index: PlaceIndex, rows: list[Row]) -> Scores | None:
    if not rows:
        return None
    hits = sum(index.locate(_place_text(r)).region_code == r.kelurahan for r in rows)
    return Scores(len(rows), hits / len(rows), 0.0)


def import_history(pairs: list[tuple[Row, str]], city: str, holdout: float = HOLDOUT,
                   step=lambda name: None) -> ImportResult:
    """Train the city's model and gazetteer from its labelled history; report before/after on
    a held-out part, then keep the model trained on all of it."""
    texts = [row.text for row, _ in pairs]
    labels = [category for _, category in pairs]
    train_idx, test_idx = split(texts, labels, holdout)
    test_texts = [texts[i] for i in test_idx]
    test_labels = [labels[i] for i in test_idx]
    step("scoring the current model")
    before = score(classifier.default_model(city), test_texts, test_labels)
    step("training on part of the history")
    trial = training.train_with_history([texts[i] for i in train_idx],
                                          [labels[i] for i in train_idx], source="trial")
    after = score(trial, test_texts, test_labels)

    step("learning place names")
    areas = PlaceIndex.from_db([city])
    known = {r.kelurahan for r in [p[0] for p in pairs]} & set(areas.areas)
    placed = [(i, pairs[i][0]) for i in range(len(pairs)) if pairs[i][0].kelurahan in known]
    test_set = set(test_idx)
    place_rows_test = [row for i, row in placed if i in test_set]
    place_before = _place_scores(areas, place_rows_test)
    region_names = {a.name.lower() for a in areas.areas.values()}
    everyday = set(everyday_words())
    learned_train = gazetteer.learn([(_place_text(r), r.kelurahan) for i, r in placed
                                     if i not in test_set], region_names, everyday)
    trial_index = PlaceIndex.from_db([city], learned=learned_train)
    place_after = _place_scores(trial_index, place_rows_test)

    step("training the final model")
    model = training.train_with_history(texts, labels, source=f"import {city}")
    path = classifier.install(model, city)
    learned = gazetteer.learn([(_place_text(r), r.kelurahan) for _, r in placed], region_names,
                              everyday)
    merged = {**gazetteer.load(city), **learned}
    gazetteer.save(city, merged)
    _save_history(city, [mask(t) for t in texts], labels)
    return ImportResult(city, len(pairs), Counter(labels), learned, before, after,
                        place_before, place_after, path)


# --- nightly ------------------------------------------------------------------------------

def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def due(now: datetime | None = None, city: str | None = None) -> bool:
    """True when tonight's run has not been claimed yet (cheap: one indexed query)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < NIGHT_HOUR:
        return False
    return not TrainingRun.objects.filter(city=city or "", day=local.date()).exists()


def nightly(examples: list[Example], city: str | None = None,
            now: datetime | None = None) -> TrainingRun | None:
    """Tonight's retrain (once per city and night, however many workers call it)."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    previous = TrainingRun.objects.filter(city=city or "").order_by("-day").first()
    try:
        with transaction.atomic():
            run = TrainingRun.objects.create(city=city or "", day=day, started_at=now)
    except IntegrityError:
        return None  # another worker has tonight's run
    serving = classifier.default_model(city)
    corrections = [e for e in examples if e.corrected and e.when is not None]
    since = previous.started_at if previous else now - timedelta(days=7)
    _record_weeks(serving, [e for e in corrections if since < e.when <= now], city, now)

    cutoff = now - timedelta(days=HOLD_BACK_DAYS)
    held = [e for e in corrections if e.when >= cutoff]
    rest = [e for e in examples if not (e.corrected and e.when is not None
                                        and e.when >= cutoff)]
    run.examples, run.held_back = len(rest), len(held)
    if len(held) < MIN_HELD_BACK:
        run.note = f"too few recent corrections to judge a new model ({len(held)})"
    else:
        history_texts, history_labels = read_history(city)
        new = training.train_with_history(history_texts + [e.text for e in rest],
                                            history_labels + [e.category for e in rest],
                                            source="nightly")
        texts, labels = [e.text for e in held], [e.category for e in held]
        run.score_before = score(serving, texts, labels).accuracy
        run.score_after = score(new, texts, labels).accuracy
        run.kept = run.score_after >= run.score_before
        if run.kept:
            classifier.install(new, city)
        run.note = "kept" if run.kept else "discarded: worse on recent corrections"
    run.finished_at = timezone.now()
    run.save()
    return run


def _record_weeks(model: classifier.CategoryModel, fresh: list[Example], city: str | None,
                  now: datetime) -> None:
    if not fresh:
        return
    predicted = [p.category for p in model.predict([e.text for e in fresh])]
    tally: dict[date, list[int]] = {}
    for example, guess in zip(fresh, predicted, strict=True):
        counts = tally.setdefault(week_of(timezone.localtime(example.when).date()), [0, 0])
        counts[0] += 1
        counts[1] += guess == example.category
    for week, (n, correct) in tally.items():
        row, _ = WeeklyAccuracy.objects.get_or_create(
            city=city or "", week=week, defaults={"updated_at": now})
        row.corrections += n
        row.correct += correct
        row.updated_at = now
        row.save()


def weekly_accuracy(city: str | None = None, weeks: int = WEEKS_SHOWN) -> list[dict]:
    """For the command centre: [{"week": Monday, "corrections": n, "correct": k,
    "accuracy": k / n}] for the last `weeks` weeks with corrections, oldest first: how often
    the serving model already had the category the triage team settled on."""
    rows = WeeklyAccuracy.objects.filter(city=city if city is not None else (current_city()
                                                                             or ""))
    latest = list(rows.order_by("-week")[:weeks])
    return [{"week": r.week, "corrections": r.corrections, "correct": r.correct,
             "accuracy": r.accuracy} for r in reversed(latest)]
