"""A city's past complaints as training data: read a CSV or XLSX, map the city's own labels
(a topic, an agency, a category) onto our category codes.

Columns (header names, case-insensitive): `text`; the label in `category` or the city's own
`topic`/`topik`/`kategori`/`agency`/`instansi`/`opd`/`dinas`/`label`; optional `address`
(`alamat`) and `kelurahan` (a Kemendagri code). Labels that already are our codes need no
mapping. Otherwise a draft mapping is proposed for a person to review: a CSV with one line
per label (`label,category,rows,why`), where `category` is a code, several codes joined by
"|" (an agency owning several categories: each row goes to the best of them by the model),
or empty (the label's rows are skipped).
"""

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from openpyxl import load_workbook

from .classifier import CATEGORIES, CategoryModel

DATA = Path(__file__).resolve().parent / "data"
LABEL_COLUMNS = ("category", "kategori", "topic", "topik", "agency", "instansi", "opd",
                 "dinas", "label", "unit")
ADDRESS_COLUMNS = ("address", "alamat", "lokasi")
KELURAHAN_COLUMNS = ("kelurahan", "kelurahan_code", "kode_kelurahan", "region_code")


@dataclass
class Row:
    text: str
    label: str
    address: str = ""
    kelurahan: str = ""


class HistoryError(ValueError):
    pass


def _rows_from_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        keys = [h.strip().lower() for h in header]
        for values in reader:
            yield dict(zip(keys, (v.strip() for v in values), strict=False))


def _rows_from_xlsx(path: Path) -> Iterator[dict[str, str]]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        keys = [str(h or "").strip().lower() for h in header]
        for values in rows:
            yield {k: ("" if v is None else str(v).strip()) for k, v in zip(keys, values,
                                                                              strict=False)}
    finally:
        workbook.close()


def read_table(path: Path) -> list[Row]:
    """Rows of a CSV or XLSX file; rows without text or label are skipped."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        source = _rows_from_xlsx(path)
    elif suffix in (".csv", ".txt"):
        source = _rows_from_csv(path)
    else:
        raise HistoryError(f"{path.name}: expected a .csv or .xlsx file")
    try:
        first = next(source, None)
    except (UnicodeDecodeError, csv.Error) as error:
        raise HistoryError(f"{path.name}: cannot read ({error})") from error
    except Exception as error:  # openpyxl raises several kinds for a damaged workbook
        raise HistoryError(f"{path.name}: not a readable spreadsheet ({error})") from error
    if first is None:
        raise HistoryError(f"{path.name}: empty file")
    columns = set(first)
    label_column = next((c for c in LABEL_COLUMNS if c in columns), None)
    if "text" not in columns or label_column is None:
        raise HistoryError(f"{path.name}: needs a 'text' column and a label column "
                           f"({', '.join(LABEL_COLUMNS)}); found: {', '.join(sorted(columns))}")
    address_column = next((c for c in ADDRESS_COLUMNS if c in columns), None)
    kelurahan_column = next((c for c in KELURAHAN_COLUMNS if c in columns), None)
    out = []
    for raw in _chain(first, source):
        text, label = raw.get("text", ""), raw.get(label_column, "")
        if text and label:
            out.append(Row(text, label,
                           raw.get(address_column, "") if address_column else "",
                           raw.get(kelurahan_column, "") if kelurahan_column else ""))
    return out


def _chain(first, rest):
    yield first
    yield from rest


@lru_cache(maxsize=1)
def category_labels() -> tuple[dict[str, str], dict[str, list[str]]]:
    """{label word: category} and {agency name: [categories]} from data/category_labels.json."""
    data = json.loads((DATA / "category_labels.json").read_text(encoding="utf-8"))
    words = {}
    for code, names in data.items():
        if code in CATEGORIES:
            for name in names:
                words[name.lower()] = code
    agencies = {k.lower(): v for k, v in data.get("_agencies", {}).items()}
    return words, agencies


def _clean(label: str) -> str:
    return " ".join(label.lower().replace("_", " ").replace("&", " dan ").split())


def draft_mapping(rows: list[Row], model: CategoryModel) -> list[tuple[str, str, int, str]]:
    """One line per label: (label, proposed category spec, rows, why). Our own codes map to
    themselves; a label naming an agency maps to the categories it owns; a label whose name
    is a known word maps to that category; otherwise the label's own texts vote with the
    current model (a majority of at least 40 %, else left empty for the reviewer)."""
    words, agencies = category_labels()
    texts_by_label: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        texts_by_label[row.label].append(row.text)
    lines = []
    for label, texts in sorted(texts_by_label.items(), key=lambda kv: -len(kv[1])):
        clean = _clean(label)
        if label in CATEGORIES:
            lines.append((label, label, len(texts), "already a category code"))
            continue
        if clean in agencies:
            spec = "|".join(agencies[clean])
            lines.append((label, spec, len(texts), "agency in the routing table"))
            continue
        if clean in words:
            lines.append((label, words[clean], len(texts), "label name"))
            continue
        sample = texts[:200]
        votes = Counter(p.category for p in model.predict(sample))
        best, count = votes.most_common(1)[0]
        share = count / len(sample)
        hits = [code for word, code in words.items() if f" {word} " in f" {clean} "]
        if hits and Counter(hits).most_common(1)[0][0] == best:
            lines.append((label, best, len(texts), f"label name and {share:.0%} of its texts"))
        elif share >= 0.4:
            lines.append((label, best, len(texts), f"{share:.0%} of its texts look like {best}"))
        else:
            lines.append((label, "", len(texts), f"unclear (texts: {_votes(votes)})"))
    return lines


def _votes(votes: Counter) -> str:
    total = sum(votes.values())
    return ", ".join(f"{c} {n / total:.0%}" for c, n in votes.most_common(3))


def write_mapping(lines: list[tuple[str, str, int, str]], path: Path) -> Path:
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "category", "rows", "why"])
        writer.writerows(lines)
    return path


def read_mapping(path: Path) -> dict[str, list[str]]:
    """{label: [codes]} ([] = skip the label's rows). Unknown codes are an error."""
    mapping: dict[str, list[str]] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"label", "category"} <= set(reader.fieldnames):
            raise HistoryError(f"{path}: a mapping needs columns label,category")
        for line in reader:
            codes = [c.strip() for c in (line["category"] or "").split("|") if c.strip()]
            unknown = [c for c in codes if c not in CATEGORIES]
            if unknown:
                raise HistoryError(f"{path}: unknown category {', '.join(unknown)} "
                                   f"for label {line['label']!r}")
            mapping[(line["label"] or "").strip()] = codes
    return mapping


def unmapped_labels(rows: list[Row], mapping: dict[str, list[str]] | None) -> list[str]:
    labels = {r.label for r in rows}
    return sorted(label for label in labels
                  if label not in CATEGORIES and label not in (mapping or {}))


def apply_mapping(rows: list[Row], mapping: dict[str, list[str]] | None,
                  model: CategoryModel) -> list[tuple[Row, str]]:
    """(row, category) for every row whose label maps to something; a label mapped to
    several codes takes, per row, the one the model ranks highest among them."""
    mapping = mapping or {}
    out: list[tuple[Row, str]] = []
    pending: list[tuple[Row, list[str]]] = []
    for row in rows:
        codes = mapping.get(row.label, [row.label] if row.label in CATEGORIES else [])
        if len(codes) == 1:
            out.append((row, codes[0]))
        elif codes:
            pending.append((row, codes))
    if pending:
        scores = model.probabilities([r.text for r, _ in pending])
        for (row, codes), row_scores in zip(pending, scores, strict=True):
            out.append((row, max(codes, key=lambda c: row_scores.get(c, 0.0))))
    return out
