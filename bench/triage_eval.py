"""Parts of bench/triage_bench.py (issue 12): out-of-register groups, the learning curve on
a city's history, places, personal data, the command's first answer. Not run on its own."""

import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from aduan.triage import classifier, gazetteer, training
from aduan.triage.history import Row
from aduan.triage.pii import find, is_valid_nik, region_prefixes
from aduan.triage.place import PlaceIndex, everyday_words

BENCH = Path(__file__).resolve().parent
GROUPS = BENCH / "triage_groups"
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def groups() -> dict[str, tuple[list[str], list[str]]]:
    out = {}
    for path in sorted(GROUPS.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        out[path.stem] = ([r["text"] for r in rows], [r["category"] for r in rows])
    return out


def _routing(labels, predictions):
    lines = []
    for threshold in THRESHOLDS:
        chosen = [(t, p) for t, p in zip(labels, predictions, strict=True)
                  if p.confidence >= threshold]
        right = sum(t == p.category for t, p in chosen)
        lines.append((threshold, right / len(chosen) if chosen else 1.0,
                      len(chosen) / len(labels)))
    return lines


def group_held_out(model) -> float:
    """Macro-F1 and routing precision per register group (never trained on). Returns the
    lowest threshold whose precision on all groups together is at least 0.95."""
    print("\n== OUT-OF-REGISTER GROUPS (written apart from the seed, never trained on)")
    all_labels, all_predictions = [], []
    for name, (texts, labels) in groups().items():
        predictions = model.predict(texts)
        predicted = [p.category for p in predictions]
        print(f"  {name:<10} n={len(texts):3d}  macro-F1 {f1_score(labels, predicted, average='macro'):.3f}"  # noqa: E501
              f"  accuracy {accuracy_score(labels, predicted):.3f}"
              f"  lainnya predicted {predicted.count('lainnya')}, true {labels.count('lainnya')}")
        all_labels += labels
        all_predictions += predictions
    predicted = [p.category for p in all_predictions]
    print(f"  ALL        n={len(all_labels)}  macro-F1 "
          f"{f1_score(all_labels, predicted, average='macro'):.3f}  accuracy "
          f"{accuracy_score(all_labels, predicted):.3f}")
    print("  auto-route threshold: precision of routed texts, share routed")
    chosen = None
    for threshold, precision, share in _routing(all_labels, all_predictions):
        print(f"    >= {threshold:.2f}: precision {precision:.3f}, routed {share:6.1%}")
        if chosen is None and precision >= 0.95:
            chosen = threshold
    print(f"  lowest threshold with precision >= 0.95 out of register: {chosen}")
    return chosen


def _corpus():
    sys.path.insert(0, str(BENCH))
    import triage_corpus

    labels = {label: category for label, category, _ in triage_corpus.TOPICS}
    rows = triage_corpus.generate(6000)
    return [(Row(r["text"], r["topik"], r["address"], r["kelurahan"]), labels[r["topik"]])
            for r in rows]


def learning_curve(city_index) -> None:
    """Seed model plus 0/250/1,000/4,000 rows of a generated Semarang history; scored on
    1,000 other rows of that history and on the register groups."""
    print("\n== LEARNING CURVE (generated Semarang history, bench/triage_corpus.py; "
          "its own held-out 1,000 rows, and the register groups)")
    pairs = _corpus()
    rng = random.Random(11)
    rng.shuffle(pairs)
    test, pool = pairs[:1000], pairs[1000:]
    texts = [r.text for r, _ in test]
    labels = [c for _, c in test]
    group_texts, group_labels = [], []
    for t, y in groups().values():
        group_texts += t
        group_labels += y
    region_names = {a.name.lower() for a in city_index.areas.values()}
    everyday = set(everyday_words())
    print(f"  {'rows':>5}  {'history F1':>10}  {'groups F1':>9}  {'kelurahan':>9}  "
          f"{'prec@0.7':>8}  {'routed':>6}  train s")
    for n in (0, 250, 1000, 4000):
        start = time.perf_counter()
        part = pool[:n]
        if n:
            model = training.train_with_history([r.text for r, _ in part],
                                                  [c for _, c in part], "curve")
        else:
            model = classifier.default_model()
        seconds = time.perf_counter() - start
        predictions = model.predict(texts)
        predicted = [p.category for p in predictions]
        group_predicted = [p.category for p in model.predict(group_texts)]
        learned = gazetteer.learn([(f"{r.text}\n{r.address}", r.kelurahan) for r, _ in part],
                                  region_names, everyday) if n else {}
        index = PlaceIndex(list(city_index.areas.values()), {}, {}, learned)
        places = sum(index.locate(f"{r.text}\n{r.address}").region_code == r.kelurahan
                     for r, _ in test) / len(test)
        routed = [(y, p) for y, p in zip(labels, predictions, strict=True)
                  if p.confidence >= 0.7]
        precision = sum(y == p.category for y, p in routed) / max(len(routed), 1)
        print(f"  {n:>5}  {f1_score(labels, predicted, average='macro'):>10.3f}  "
              f"{f1_score(group_labels, group_predicted, average='macro'):>9.3f}  "
              f"{places:>9.3f}  {precision:>8.3f}  {len(routed) / len(test):>6.1%}  "
              f"{seconds:.1f}")


def place_groups(city_index) -> None:
    path = GROUPS / "kota_lain.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["kelurahan"]]
    hits = sum(city_index.locate(f"{r['text']}\n{r['address']}").region_code == r["kelurahan"]
               for r in rows)
    print(f"\n== PLACES, Semarang register group (text + address line, cold): "
          f"{hits / len(rows):.3f} (n={len(rows)})")


def _nik(rng: random.Random) -> str:
    prefixes = sorted(p for p in region_prefixes() if len(p) == 6)
    while True:
        day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
        number = (f"{rng.choice(prefixes)}{day:02d}{rng.randint(1, 12):02d}"
                  f"{rng.randint(0, 99):02d}{rng.randint(1, 9999):04d}")
        if is_valid_nik(number):
            return number


def personal_data() -> None:
    """NIK recall (labelled, spaced, next to a KK label) and numbers that are not NIKs."""
    rng = random.Random(5)
    shapes = ["NIK saya {n}", "No. KTP: {n}", "nik {n} atas nama ibu saya",
              "NIK sesuai KK {n}", "NIK anggota KK: {n}", "KTP {s}", "e-KTP no {d}",
              "mohon cek NIK {n}, KK saya hilang", "data saya NIK: {n} tolong", "{n}"]
    found = total = 0
    for _ in range(300):
        for shape in shapes:
            n = _nik(rng)
            text = shape.format(n=n, s=" ".join(n[i:i + 4] for i in range(0, 16, 4)),
                                d=".".join([n[:6], n[6:12], n[12:]]))
            total += 1
            found += any(f.type == "nik" for f in find(text))
    plain = ["no rekening {r}", "resi {r}", "order id {r}", "tagihan Rp {m}", "harga {m}",
             "id pelanggan PLN {p}", "tahun {y}", "RT 0{a} RW 0{a}", "nomor meter {p}",
             "kode booking {r}"]
    false_positive = plain_total = 0
    for _ in range(300):
        for shape in plain:
            text = shape.format(r="".join(str(rng.randint(0, 9)) for _ in range(16)),
                                m=f"{rng.randint(1, 999)}.{rng.randint(0, 999):03d}.000",
                                p="".join(str(rng.randint(0, 9)) for _ in range(12)),
                                y=rng.randint(1990, 2026), a=rng.randint(1, 9))
            plain_total += 1
            false_positive += any(f.type == "nik" for f in find(text))
    invalid = sum(any(f.type == "nik" and not f.valid for f in find(f"NIK saya {n}"))
                  for n in ("9999999999999999", "3372011305901234"[:15] + "x", "3372993213990001"))
    print(f"\n== PERSONAL DATA: NIK recall {found / total:.4f} ({found}/{total}, shapes incl. "
          f"'NIK sesuai KK'); numbers that are not NIKs reported as nik: {false_positive}/"
          f"{plain_total}; invalid NIK-labelled numbers kept (masked, valid=false): {invalid}/3")


def first_answer() -> None:
    """Seconds until `aduan triage` writes its first line, in a fresh data folder (which
    also creates the database) and again in the same folder."""
    aduan = Path(sys.executable).parent / "aduan"
    line = json.dumps({"id": 1, "text": "jalan berlubang di kel. Sekayu"}) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "ADUAN_DATA_DIR": folder}
        env.pop("DATABASE_URL", None)
        for label in ("fresh data folder: creates the database", "second run"):
            start = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            done = subprocess.run([str(aduan), "triage"], input=line, env=env, text=True,
                                  capture_output=True, timeout=120, check=True)
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            assert done.stdout.strip(), done.stderr
            print(f"  `aduan triage` answer to one line ({label}): {seconds:.2f}s wall, "
                  f"{cpu:.2f}s CPU (load average {os.getloadavg()[0]:.1f})")
