"""The report's fast paths (issue 17, Speed) give the same bytes as the plain rules:
HTML table data written in blocks, CSV cells escaped only where a formula could start,
day counts cached, and the garbage collector left as it was found."""

from __future__ import annotations

import csv
import gc
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from pycert.report import html, parse, run, text
from pycert.report.views import Row

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)


def row(i: int, **changes) -> Row:
    values = dict(device=f"PC{i:05d}", user=f"u{i}@clinic.example.jp", verdict="noncompliant",
                  reported_at="2026-11-20T01:02:03Z", check="expiry", profile="obn", state="due", cn=f"{i:010d}",
                  days_left=i - 3, expires="2027-01-29", thumbprint="BC87E354", source=f"export.csv:{i + 2}")
    values.update(changes)
    return Row(**values)


def table_data(page: str) -> list[list]:
    start = page.index('id="pycert-data">') + len('id="pycert-data">')
    return json.loads(page[start:page.index("</script>", start)])["rows"]


@pytest.mark.parametrize("count", [0, 1, html.ROWS_PER_WRITE - 1, html.ROWS_PER_WRITE, html.ROWS_PER_WRITE + 1,
                                   2 * html.ROWS_PER_WRITE + 7])
def test_html_holds_every_row_once_in_order_across_write_blocks(count):
    table = [row(i) for i in range(count)]
    out = io.StringIO()
    summary = {"generated_at": "2026-11-21T09:00:00Z", "devices": count, "rows_read": count, "duplicates_ignored": 0,
               "unparseable": 0, "unparseable_rows": [], "devices_by_verdict": {}, "certificates_by_state": {},
               "expiries_per_week": [0] * 26}
    html.write_html(summary, table, NOW, "en", out)
    data = table_data(out.getvalue())
    assert len(data) == count
    if count:
        assert data[0] == ["PC00000", "u0@clinic.example.jp", "noncompliant", "expiry", "obn", "due", -3, "2027-01-29",
                           "0000000000", "BC87E354", "2026-11-20T01:02:03Z", "export.csv:2"]
        assert [r[0] for r in data] == [f"PC{i:05d}" for i in range(count)]


def test_csv_escapes_formula_text_and_leaves_numbers_and_blanks():
    table = [row(1, device="=1+1", user="+81", cn="-x", thumbprint="@SUM(A1)", days_left=-52),
             row(2, device="PC-=", days_left=None, expires="", source="\tTAB")]
    out = io.StringIO()
    text.write_csv(table, out)
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert lines[0] == ["device", "user", "verdict", "check", "profile", "state", "days_left", "expires", "cn",
                        "thumbprint", "reported_at", "source"]
    assert lines[1] == ["'=1+1", "'+81", "noncompliant", "expiry", "obn", "due", "-52", "2027-01-29", "'-x", "'@SUM(A1)",
                        "2026-11-20T01:02:03Z", "export.csv:3"]
    assert lines[2] == ["PC-=", "u2@clinic.example.jp", "noncompliant", "expiry", "obn", "due", "", "", "0000000002",
                        "BC87E354", "2026-11-20T01:02:03Z", "'\tTAB"]
    assert out.getvalue().count("\r\n") == 3


@pytest.mark.parametrize("raw, expected", [("69", 69), (" -3 ", -3), ("1000000", 10**6), ("1000001", None),
                                           ("12345678", None), ("６９", 69), ("6.9", None), ("", None), ("x", None)])
def test_day_counts_from_text_are_the_same_from_the_cache(raw, expected):
    assert parse._int(raw) == expected
    assert parse._int(raw) == expected  # the second time from the cache


def test_days_from_json_values_keep_their_rules():
    assert [parse._int(v) for v in (69, True, 10**7, 1.5, None, [1])] == [69, None, None, None, None, None]


@pytest.mark.parametrize("enabled", [True, False])
def test_building_the_report_leaves_the_garbage_collector_as_it_was(tmp_path, enabled):
    export = tmp_path / "export.csv"
    export.write_text("DeviceName,PreRemediationDetectionScriptOutput\nPC1,COMPLIANT expiry v1 certs=0\n", encoding="utf-8")
    (gc.enable if enabled else gc.disable)()
    try:
        run([str(export)], NOW, "json")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


@pytest.mark.parametrize("text, expected", [
    ("2026-11-16T14:04:00.0000000Z", datetime(2026, 11, 16, 14, 4, tzinfo=timezone.utc)),  # the Export API's form
    ("2026-11-20T01:00:00.1234567+09:00",
     datetime(2026, 11, 20, 1, 0, 0, 123456, tzinfo=timezone(timedelta(hours=9)))),  # 7 digits: cut, not rounded
    ("2026-11-20T01:00:00", datetime(2026, 11, 20, 1, tzinfo=timezone.utc)),  # naive means UTC
    ("11/20/2026 1:00:00 AM", datetime(2026, 11, 20, 1, tzinfo=timezone.utc)),  # the portal's
    ("11/20/2026 1:00:00 PM", datetime(2026, 11, 20, 13, tzinfo=timezone.utc)),
    ("2026/11/20 1:00:00", datetime(2026, 11, 20, 1, tzinfo=timezone.utc)),
    (" 2026/11/20 01:00 ", datetime(2026, 11, 20, 1, tzinfo=timezone.utc)),
    ("garbage", None), ("", None), (None, None), ("2026-13-01T00:00:00Z", None),
])
def test_report_times_from_every_source(text, expected):
    assert parse.parse_time(text) == expected


@pytest.mark.parametrize("moment, shown", [
    (datetime(2026, 11, 20, 1, 2, 3, 999999, tzinfo=timezone.utc), "2026-11-20T01:02:03Z"),  # no fraction, not rounded
    (datetime(999, 1, 2, 3, 4, 5, tzinfo=timezone.utc), "0999-01-02T03:04:05Z"),  # four-digit year
])
def test_the_reported_at_column(moment, shown):
    from pycert.report import views
    from pycert.report.model import DeviceReport, Fleet

    fleet = Fleet(now=NOW)
    fleet.add(DeviceReport(device="PC1", verdict="compliant", reported_at=moment, check="expiry"))
    assert [r.reported_at for r in views.rows(fleet, NOW)] == [shown]


def test_long_day_texts_are_read_without_the_cache_keeping_them():
    parse._int_text.cache_clear()
    padded = " " * 40 + "69" + " " * 40  # whitespace around a number is allowed, however long
    assert parse._int(padded) == 69 and parse._int("9" * 5000) is None
    assert parse._int_text.cache_info().currsize == 0
    assert parse._int("69") == 69 and parse._int_text.cache_info().currsize == 1
