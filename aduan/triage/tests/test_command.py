import io
import json

import pytest
from django.core.management import call_command

from aduan.regions.loader import seed_city
from aduan.triage import classifier

NIK = "3372011205900001"


def run_triage(lines: list[str]):
    out, err = io.StringIO(), io.StringIO()
    call_command("triage", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out, stderr=err)
    return [json.loads(x) for x in out.getvalue().splitlines() if x.strip()], err.getvalue()


@pytest.mark.django_db
def test_triage_command_end_to_end():
    seed_city("33.72")
    rows, err = run_triage([
        json.dumps({"id": 1, "text": f"dalane bolong neng kel sondakan rt 3, NIK {NIK}",
                    "channel": "wa"}),
        "",
        "this is not json",
        json.dumps({"id": "b", "text": "kebakaran rumah dekat Pasar Gede, api membesar"}),
        json.dumps({"id": 3}),
        json.dumps({"id": 4, "text": "lampu jalan mati, hub 0812 3456 7890"}),
    ])
    assert [r["id"] for r in rows] == [1, "b", 4]
    first = rows[0]
    assert set(first) == {"id", "category", "confidence", "region_code", "urgency", "pii"}
    assert first["category"] == "jalan"
    assert first["region_code"] == "33.72.01.1008"
    assert first["urgency"] == "normal"
    text = f"dalane bolong neng kel sondakan rt 3, NIK {NIK}"
    [finding] = first["pii"]
    assert finding["type"] == "nik" and text[finding["start"]:finding["end"]] == NIK
    assert rows[1]["category"] == "bencana"
    assert rows[1]["urgency"] == "emergency"
    assert rows[1]["region_code"] == "33.72.04.1003"
    assert rows[2]["region_code"] is None
    assert rows[2]["pii"][0]["type"] == "phone"
    assert "line 3" in err and "line 5" in err


@pytest.mark.django_db
def test_invalid_niks_are_listed_as_invalid():
    rows, _ = run_triage([json.dumps({"id": 1, "text": "NIK 9972011205900001"}),
                          json.dumps({"id": 2, "text": "order 9972011205900001"})])
    assert rows[0]["pii"] == [{"type": "nik", "start": 4, "end": 20, "valid": False}]
    assert rows[1]["pii"] == []


@pytest.mark.django_db
def test_triage_train_saves_a_model_used_afterwards(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    csv_file = tmp_path / "labelled.csv"
    csv_file.write_text("text,category\nkucing tetangga berisik zzqx,lainnya\n"
                        "zzqx zzqx zzqx,lainnya\n", encoding="utf-8")
    out = io.StringIO()
    try:
        call_command("triage_train", csv=str(csv_file), stdout=out)
        assert (tmp_path / classifier.MODEL_FILE).exists()
        assert "saved" in out.getvalue()
        assert classifier.default_model().source == "retrained"
        classifier.reset_default()
        assert classifier.default_model().source == "retrained"  # loaded from the file
    finally:
        classifier.reset_default()


@pytest.mark.django_db
def test_worker_processes_keep_the_input_order():
    seed_city("33.72")
    lines = [json.dumps({"id": i, "text": text}) for i, text in enumerate(
        ["jalan berlubang", "lampu jalan mati", "sampah numpuk", "selokan mampet",
         "KTP hilang", "pohon tumbang menutup jalan", "bukan json"] * 3)]
    lines[6] = "not json"
    out, err = io.StringIO(), io.StringIO()
    call_command("triage", "--jobs", "2", "--batch", "2",
                 stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out, stderr=err)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == [i for i in range(21) if i != 6]
    assert rows[0]["category"] == "jalan" and rows[1]["category"] == "pju"
    assert "line 7" in err.getvalue()
    sequential, _ = run_triage(lines)
    assert sequential == rows
