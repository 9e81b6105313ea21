"""`aduan triage-import`: a city's history in CSV or XLSX becomes its model and gazetteer."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from aduan.regions.loader import seed_city
from aduan.triage import classifier, gazetteer
from aduan.triage.place import PlaceIndex

pytestmark = pytest.mark.django_db

TLOGOSARI_KULON, SENDANGMULYO = "33.74.06.1004", "33.74.10.1011"
PROBLEMS = {
    "Dinas Jalan": ["aspal mengelupas di {s}", "lubang besar di {s}", "jalan {s} bergelombang",
                    "cor jalan {s} retak", "paving {s} lepas"],
    "Kebersihan Kota": ["sampah menumpuk di {s}", "gerobak sampah tidak lewat {s}",
                        "TPS dekat {s} penuh", "sampah liar dibuang di {s}",
                        "bau sampah di {s}"],
}
STREETS = {"Jl. Cendana Wulung": TLOGOSARI_KULON, "Gg. Kenari Emas": SENDANGMULYO}


def history_rows(labels_as_codes=False):
    rows = []
    codes = {"Dinas Jalan": "jalan", "Kebersihan Kota": "sampah"}
    for label, phrases in PROBLEMS.items():
        for street, kelurahan in STREETS.items():
            for phrase in phrases:
                for tail in ("", " mohon dicek"):
                    rows.append({"text": phrase.format(s=street) + tail,
                                 "category": codes[label] if labels_as_codes else label,
                                 "address": f"{street} No. 7", "kelurahan": kelurahan})
    return rows


@pytest.fixture
def semarang(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    seed_city("33.74")
    classifier.reset_default()
    yield tmp_path
    classifier.reset_default()


def write_csv(path, rows, label_column="category"):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", label_column, "address",
                                                    "kelurahan"])
        writer.writeheader()
        for row in rows:
            writer.writerow({"text": row["text"], label_column: row["category"],
                             "address": row["address"], "kelurahan": row["kelurahan"]})


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("triage_import", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_city_labels_get_a_draft_mapping_then_train_a_model_and_gazetteer(semarang):
    source = semarang / "riwayat.csv"
    write_csv(source, history_rows(), label_column="topik")
    out = run(str(source))
    draft = semarang / "riwayat.csv.mapping.csv"
    assert "draft mapping" in out and draft.exists()
    proposed = {r["label"]: r["category"] for r in csv.DictReader(draft.open())}
    assert proposed == {"Dinas Jalan": "jalan", "Kebersihan Kota": "sampah"}
    assert not classifier.model_path("33.74").exists()  # nothing trained before a review

    out = run(str(source), "--mapping", str(draft))
    assert "40 used" in out and "jalan 20" in out and "sampah 20" in out
    assert "category before" in out and "category after" in out
    assert "kelurahan before" in out
    assert classifier.model_path("33.74").exists()
    assert gazetteer.load("33.74") == {"cendana wulung": TLOGOSARI_KULON,
                                      "kenari emas": SENDANGMULYO}
    assert classifier.default_model().source == "import 33.74"
    places = PlaceIndex.from_db()
    assert places.locate("lampu mati di Gg. Kenari Emas").region_code == SENDANGMULYO
    history = (semarang / "triage" / "33.74" / "history.csv").read_text(encoding="utf-8")
    assert "aspal mengelupas" in history


def test_xlsx_with_our_codes_needs_no_mapping(semarang):
    book = Workbook()
    sheet = book.active
    sheet.append(["Text", "Category", "Alamat", "Kelurahan"])
    for row in history_rows(labels_as_codes=True):
        sheet.append([row["text"], row["category"], row["address"], row["kelurahan"]])
    sheet.append([None, None, None, None])
    source = semarang / "riwayat.xlsx"
    book.save(source)
    out = run(str(source))
    assert "40 rows read, 40 used" in out
    assert classifier.model_path("33.74").exists()
    [prediction] = classifier.default_model("33.74").predict(["gerobak sampah tidak lewat"])
    assert prediction.category == "sampah"


def test_a_reviewed_mapping_may_skip_a_label_or_name_several_codes(semarang):
    source = semarang / "riwayat.csv"
    rows = history_rows() + [{"text": "pertanyaan umum", "category": "Lain", "address": "",
                              "kelurahan": ""}] * 3
    write_csv(source, rows, label_column="agency")
    mapping = semarang / "map.csv"
    mapping.write_text("label,category\nDinas Jalan,jalan|drainase\n"
                       "Kebersihan Kota,sampah\nLain,\n", encoding="utf-8")
    out = run(str(source), "--mapping", str(mapping))
    assert "43 rows read, 40 used (3 skipped" in out


@pytest.mark.parametrize("content,message", [
    ("text,foo\nhalo,bar\n", "label column"),
    ("", "empty file"),
])
def test_bad_files_are_refused_clearly(semarang, content, message):
    source = semarang / "bad.csv"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(str(source))


def test_unknown_codes_in_a_mapping_are_refused(semarang):
    source = semarang / "riwayat.csv"
    write_csv(source, history_rows(), label_column="topik")
    mapping = semarang / "map.csv"
    mapping.write_text("label,category\nDinas Jalan,roads\n", encoding="utf-8")
    with pytest.raises(CommandError, match="unknown category roads"):
        run(str(source), "--mapping", str(mapping))


def test_a_file_that_is_not_a_table_is_refused(semarang):
    source = semarang / "riwayat.pdf"
    source.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="csv or .xlsx"):
        run(str(source))
