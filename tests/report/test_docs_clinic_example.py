"""docs/ja/report.md shows real runs of `pycert report` on sample data; these rerun them
(samples.docs_example, samples.clinic_demo, the same commands) and compare what is printed
with the page, so the page cannot drift from what PyCert prints."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from pycert.report import run, samples

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "ja" / "report.md").read_text(encoding="utf-8").splitlines()
NOV_14, NOV_21 = (datetime(2026, 11, day, tzinfo=timezone.utc) for day in (14, 21))


def printed_after(command: str) -> list[str]:
    """The lines the page shows after `$ <command>`, up to the end of that code block."""
    start = PAGE.index(f"$ {command}") + 1
    return PAGE[start:PAGE.index("```", start)]


def test_the_first_example(tmp_path, monkeypatch):
    samples.docs_example(tmp_path, NOV_21)
    monkeypatch.chdir(tmp_path)
    text = run(["intune-export.csv", "intune-export-ja-sjis.csv"], NOV_21, html_path="fleet.html", csv_path="fleet.csv")
    assert text.splitlines() == printed_after("pycert report intune-export.csv intune-export-ja-sjis.csv --as-of 2026-11-21 "
                                              "--html fleet.html --csv fleet.csv")
    head = (tmp_path / "fleet.csv").read_text(encoding="utf-8-sig").splitlines()[:3]
    assert head == PAGE[PAGE.index(head[0]):][:3]  # the page's CSV head


def test_the_clinic_example(tmp_path, monkeypatch):
    samples.clinic_demo(tmp_path, NOV_21)
    monkeypatch.chdir(tmp_path)
    run(["previous.csv"], NOV_14, json_path="last-week.json")
    text = run(["export.csv"], NOV_21, clinics_path="clinics.csv", since_path="last-week.json", html_path="fleet.html",
               json_path="fleet.json")
    assert text.splitlines() == printed_after("pycert report export.csv --clinics clinics.csv --since last-week.json "
                                              "--as-of 2026-11-21 --html fleet.html --json fleet.json")
    assert (tmp_path / "clinics.csv").read_text(encoding="utf-8").splitlines() == printed_after("cat clinics.csv")[:5]
    device = json.loads((tmp_path / "fleet.json").read_text(encoding="utf-8"))["device_list"][1]
    assert [json.dumps(device, ensure_ascii=False)] == printed_after(
        "python -c \"import json; print(json.dumps(json.load(open('fleet.json'))['device_list'][1], ensure_ascii=False))\"")
    assert device["reason"].startswith("The policy file C:\\ProgramData\\PyCert\\policy.toml is not TOML")
