"""`aduan report` in three formats and three period shapes, the download on the command
centre, and the Monday send to the mayor through the outbox."""

import csv
import io
from datetime import datetime

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from aduan.channels.models import ChannelAccount, OutboxMessage
from aduan.dashboard import periods, report, stats
from aduan.org.models import Official

from .history import generate

pytestmark = pytest.mark.django_db

NOW = datetime.fromisoformat("2026-12-15T09:00:00+07:00")
PERSONAL = ["081234500000", "Warga Uji"]


@pytest.fixture
def history(city, jpeg):
    generate(24, jpeg=jpeg)


def _run(tmp_path, period, fmt) -> bytes:
    out = tmp_path / f"r.{fmt}"
    call_command("report", "--period", period, "--format", fmt, "--output", str(out))
    return out.read_bytes()


@pytest.mark.parametrize("period", ["2026-W42", "2026-10", "2026-Q4"])
def test_three_formats_agree_with_the_figures(history, tmp_path, period):
    fig = stats.figures(stats.Scope(), periods.parse(period), use_cache=False)
    n = fig.total.n
    assert n > 0
    html = _run(tmp_path, period, "html").decode()
    assert f"<td class=\"n\">{n}</td>" in html and "Terbaik" in html
    rows = list(csv.reader(io.StringIO(_run(tmp_path, period, "csv").decode())))
    summary = {r[0]: r[1] for r in rows if len(r) == 2}
    assert summary["Aduan masuk"] == str(n)
    assert summary["Dijawab ≤ 1×24 jam kerja (%)"] == report.pct(fig.total.answered_share)
    book = load_workbook(io.BytesIO(_run(tmp_path, period, "xlsx")))
    assert {"Ringkasan", "Kanal", "Kategori", "Unit", "Terbaik", "Terburuk"} <= set(
        book.sheetnames)
    values = {r[0]: r[1] for r in book["Ringkasan"].iter_rows(min_row=3, values_only=True)}
    assert values["Aduan masuk"] == n
    channels = {r[0]: r[1] for r in book["Kanal"].iter_rows(min_row=3, values_only=True)}
    assert sum(channels.values()) == n
    for body in (html, "\n".join(",".join(r) for r in rows)):
        for secret in PERSONAL:
            assert secret not in body


def test_units_done_in_progress_overdue_add_up(history):
    r = report.build(periods.parse("2026-Q4"), now=NOW)
    kelurahan = [u for u in r.units if u.kind == "Kantor Kelurahan"]
    assert kelurahan
    for u in r.units:
        assert u.done + u.in_progress <= u.n
    assert r.done + r.in_progress <= r.total.n
    assert r.best and r.worst and (r.best[0].answered or 0) >= (r.worst[0].answered or 0)


def test_stdout_and_bad_period(history, capsysbinary):
    call_command("report", "--period", "2026-11", "--format", "csv")
    assert capsysbinary.readouterr().out.startswith(b"Laporan pengaduan")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("report", "--period", "2026-W99", "--format", "csv")


def test_download_from_the_command_centre(history, client, login):
    login("walikota")
    page = client.get("/petugas/laporan/?periode=2026-Q4&format=xlsx")
    assert page.status_code == 200 and page["Content-Disposition"].endswith('.xlsx"')
    assert load_workbook(io.BytesIO(page.content))["Ringkasan"]["A1"].value.startswith("Laporan")
    login("lurah.kemlayan")
    text = client.get("/petugas/laporan/?periode=2026-Q4&format=csv").content.decode()
    assert "Kemlayan" in text.splitlines()[0] and "Manahan" not in text


def test_monday_report_reaches_the_mayor_once(history, persona):
    mayor = Official.objects.get(user=persona("walikota"), role="mayor")
    mayor.telegram_chat_id = "777001"
    mayor.save()
    mayor.user.email = "walikota@example.test"
    mayor.user.save()
    ChannelAccount.objects.create(kind="telegram", account_id="1", token="123:abc",
                                  secret="s3cret")
    ChannelAccount.objects.create(kind="email", account_id="aduan@example.test",
                                  secret="smtp://127.0.0.1:2525")
    sunday = datetime.fromisoformat("2026-11-29T09:00:00+07:00")
    early = datetime.fromisoformat("2026-11-30T06:00:00+07:00")
    monday = datetime.fromisoformat("2026-11-30T07:05:00+07:00")
    assert report.send_weekly(sunday) == 0 and report.send_weekly(early) == 0
    assert report.send_weekly(monday) == 2
    report.send_weekly(monday)  # a second worker, or the next tick: nothing new
    rows = OutboxMessage.objects.filter(key__startswith="weekly-report:2026-W48")
    assert rows.count() == 2
    assert {r.recipient for r in rows} == {"777001", "walikota@example.test"}
    mail = rows.get(recipient="walikota@example.test").payload
    assert mail["subject"].startswith("Laporan pengaduan") and "Aduan masuk" in mail["text"]
