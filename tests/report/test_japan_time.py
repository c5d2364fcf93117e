"""Issue 17: the Japanese report shows Japan time with its zone (header and device times);
the English one keeps UTC with Z. The device's report time is just after a JST midnight,
so a UTC date would be the day before."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest

from pycert.common import dates
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


@pytest.mark.parametrize("lang, header, meta, device_time", [
    ("ja", "PyCert 端末レポート  (作成日時 2026-11-21 18:00 JST)", "作成日時: 2026-11-21 18:00 JST", "2026-11-21 00:30 JST"),
    ("en", "PyCert fleet report  (Generated 2026-11-21T09:00:00Z)", "Generated: 2026-11-21T09:00:00Z", "2026-11-20T15:30:00Z"),
])
def test_report_times_japan_time_in_japanese_utc_in_english(tmp_path, lang, header, meta, device_time):
    text, page = make(tmp_path, lang)
    assert text.splitlines()[0] == header
    assert f'<p class="meta">{meta} · ' in page
    [device] = embedded(page, "pycert-device-data")["devices"]
    assert device[7] == device_time
    [row] = embedded(page, "pycert-data")["rows"]
    assert row[10] == device_time  # the certificate table's 最終報告 too


@pytest.mark.parametrize("moment, shown", [
    (datetime(2026, 11, 20, 15, 30, tzinfo=timezone.utc), "2026-11-21 00:30 JST"),  # past JST midnight
    (datetime(2026, 1, 1, 8, 59, 59, tzinfo=timezone.utc), "2026-01-01 17:59 JST"),  # seconds are dropped, not rounded
    (datetime.fromisoformat("2026-11-21T18:00:00+09:00"), "2026-11-21 18:00 JST"),
    (datetime(9999, 12, 31, 23, 0, tzinfo=timezone.utc), "9999-12-31 23:00 UTC"),  # year 10000 in Japan: shown in UTC
])
def test_local_time_text(moment, shown):
    assert dates.local_time_text(moment) == shown
