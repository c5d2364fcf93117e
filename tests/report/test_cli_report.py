"""`pycert report` as a real process: outputs, exit codes and one-sentence errors."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from pycert.report import samples

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)


def pycert(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pycert", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"})


def test_table_csv_and_html_outputs(tmp_path):
    export = tmp_path / "export.csv"
    samples.write_export(export, samples.fleet(40, NOW, seed=8, pool=40))
    out_csv, out_html = tmp_path / "fleet.csv", tmp_path / "fleet.html"
    proc = pycert("report", str(export), "--csv", str(out_csv), "--html", str(out_html), "--lang", "en",
                  "--as-of", "2026-11-21T09:00:00+00:00")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith("PyCert fleet report  (Generated 2026-11-21T09:00:00Z)\nRows read: 40  Devices: 40")
    assert "Devices by verdict:" in proc.stdout and "Soonest expiries:" in proc.stdout

    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdevice,user,verdict,check,profile,state,days_left,expires,cn,thumbprint,")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) >= 40
    days = [int(r["days_left"]) for r in rows if r["days_left"]]
    assert days == sorted(days)
    assert all(r["days_left"] == "" for r in rows[len(days):])  # unknown days last

    page = out_html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page


def test_missing_input_is_a_usage_error_in_one_sentence(tmp_path):
    proc = pycert("report", str(tmp_path / "nothing.csv"))
    assert proc.returncode == 2
    assert proc.stderr == (f"error: report input '{tmp_path / 'nothing.csv'}' does not exist; give Intune CSV exports, "
                           "JSON lines files or result-file folders.\n")
    assert proc.stdout == ""


def test_unwritable_html_is_a_runtime_error_and_leaves_nothing(tmp_path):
    export = tmp_path / "export.csv"
    samples.write_export(export, samples.fleet(3, NOW))
    proc = pycert("report", str(export), "--html", str(tmp_path / "no" / "such" / "dir" / "r.html"))
    assert proc.returncode == 3
    assert proc.stderr.startswith("error: could not write ") and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_csv_cells_cannot_become_excel_formulas(tmp_path):
    device = next(d for d in samples.fleet(200, NOW, seed=8)
                  if any(f.state.value == "expired" for p in d.result.profiles for f in p.findings))
    hostile = samples.SampleDevice("=HYPERLINK(\"http://x\",\"y\")", "@evil", device.reported_at, device.result)
    export = tmp_path / "export.csv"
    samples.write_export(export, [hostile])
    out_csv = tmp_path / "fleet.csv"
    assert pycert("report", str(export), "--csv", str(out_csv)).returncode == 0
    [row] = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))[:1]
    assert row["device"] == "'=HYPERLINK(\"http://x\",\"y\")" and row["user"] == "'@evil"
    assert int(row["days_left"]) < 0  # negative numbers stay numbers


def test_the_report_language_follows_the_global_lang_unless_its_own_is_given(tmp_path):
    export = tmp_path / "export.csv"
    samples.write_export(export, samples.fleet(3, NOW, seed=8, pool=3))
    at = ("--as-of", "2026-11-21T09:00:00+00:00")
    default = pycert("report", str(export), *at)
    english = pycert("--lang", "en", "report", str(export), *at)
    own = pycert("--lang", "en", "report", str(export), "--lang", "ja", *at)
    assert default.stdout.startswith("PyCert 端末レポート")  # for a Japanese IT manager by default
    assert english.stdout.startswith("PyCert fleet report  (Generated 2026-11-21T09:00:00Z)")
    assert own.stdout == default.stdout
