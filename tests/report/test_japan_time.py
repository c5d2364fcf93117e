"""Issue 17: the Japanese report shows Japan time with its zone (header and device times);
the English one keeps UTC with Z. The device's report time is just after a JST midnight,
so a UTC date would be the day before."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from pycert.report import run

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)
LINE = "NONCOMPLIANT expiry v1 certs=1 due=1 | obn cn=0110119153 state=due days=29 expires=2026-12-20 tp=D5482A90"


def embedded(page: str, element: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{element}">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def make(tmp_path, lang: str) -> tuple[str, str]:
    export = tmp_path / "export.csv"
    export.write_text(f'DeviceName,PreRemediationDetectionScriptOutput,ModifiedTime\nPC-1,"{LINE}",2026-11-20T15:30:00Z\n',
                      encoding="utf-8")
    html = tmp_path / f"r-{lang}.html"
    text = run([str(export)], NOW, "table", lang, str(html))
    return text, html.read_text(encoding="utf-8")


def test_japanese_report_in_japan_time(tmp_path):
    text, page = make(tmp_path, "ja")
    assert text.splitlines()[0] == "PyCert 端末レポート  (作成日時 2026-11-21 18:00 JST)"
    assert '<p class="meta">作成日時: 2026-11-21 18:00 JST · ' in page
    [device] = embedded(page, "pycert-device-data")["devices"]
    assert device[8] == "2026-11-21 00:30 JST"
    [row] = embedded(page, "pycert-data")["rows"]
    assert row[10] == "2026-11-21 00:30 JST"  # the certificate table's 最終報告 too


def test_english_report_keeps_utc(tmp_path):
    text, page = make(tmp_path, "en")
    assert text.splitlines()[0] == "PyCert fleet report  (Generated 2026-11-21T09:00:00Z)"
    assert '<p class="meta">Generated: 2026-11-21T09:00:00Z · ' in page
    [device] = embedded(page, "pycert-device-data")["devices"]
    assert device[8] == "2026-11-20T15:30:00Z"
    [row] = embedded(page, "pycert-data")["rows"]
    assert row[10] == "2026-11-20T15:30:00Z"
