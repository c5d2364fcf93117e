"""docs/ja/report.md shows a real run of the per-clinic example; this reruns it
(samples.clinic_demo, the same commands) and compares the printed blocks with the page,
so the page cannot drift from what PyCert prints."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from pycert.report import run, samples

ROOT = Path(__file__).resolve().parents[2]


def documented_block(first: str, last: str) -> list[str]:
    page = (ROOT / "docs" / "ja" / "report.md").read_text(encoding="utf-8").splitlines()
    start = page.index(first)
    return page[start:page.index(last, start) + 1]


def test_the_documented_run(tmp_path, monkeypatch):
    samples.clinic_demo(tmp_path, datetime(2026, 11, 21, tzinfo=timezone.utc))
    monkeypatch.chdir(tmp_path)
    run(["previous.csv"], datetime(2026, 11, 14, tzinfo=timezone.utc), json_path="last-week.json")
    text = run(["export.csv"], datetime(2026, 11, 21, tzinfo=timezone.utc), clinics_path="clinics.csv",
               since_path="last-week.json", html_path="fleet.html", json_path="fleet.json").splitlines()
    expected = documented_block("PyCert 端末レポート  (作成日時 2026-11-21 09:00 JST)", "```")[:-1]
    assert text == expected
    assert (tmp_path / "clinics.csv").read_text(encoding="utf-8").splitlines() == documented_block(
        "医療機関コード,端末名,医療機関名,担当者", ",HIKARI-*,ひかり眼科,鈴木")
    device = json.loads((tmp_path / "fleet.json").read_text(encoding="utf-8"))["device_list"][1]
    page = (ROOT / "docs" / "ja" / "report.md").read_text(encoding="utf-8").splitlines()
    assert json.dumps(device, ensure_ascii=False) in page  # the page's line, as printed
    assert device["reason"].startswith("The policy file C:\\ProgramData\\PyCert\\policy.toml is not TOML")
