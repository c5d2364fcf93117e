"""Issue 17: one rule for "the expiry date" and "days left" (pycert.common.dates, documented in
docs/output.md): the Japan-time calendar date, as 証明書の管理 shows it on a terminal in Japan.
Every output — line, JSON, table, CSV, report (from a line and from JSON), reminder — says the
same about the same certificate, on both sides of a JST midnight.

Expected values are counted by hand on a calendar: notAfter 2026-12-31T15:30Z is
2027-01-01 00:30 JST, so the date people see is 2027-01-01. At 2026-11-21T14:59Z (23:59 JST on
21 Nov) that is 41 days away (10 days to 1 Dec, 31 to 1 Jan); a minute after JST midnight
(22 Nov) it is 40. The old UTC rule said 2026-12-31 and 40 both times."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime, timezone

import pytest

from pycert.common import lineformat
from pycert.common.output import result_json, summary_line
from pycert.expiry import job as expiry
from pycert.expiry import view
from pycert.expiry.reminders import notice_text
from pycert.policy.models import BUILTIN_POLICY, Policy
from pycert.report import build, samples
from pycert.report.parse import parse_output

NOT_AFTER = datetime(2026, 12, 31, 15, 30, tzinfo=timezone.utc)
BEFORE_MIDNIGHT = datetime(2026, 11, 21, 14, 59, tzinfo=timezone.utc)
AFTER_MIDNIGHT = datetime(2026, 11, 21, 15, 1, tzinfo=timezone.utc)


def detect(now):
    cert = samples.certificate("0112345678", NOT_AFTER, random.Random(1))
    return expiry.detect(Policy.model_validate(BUILTIN_POLICY), samples.MemoryStores([cert]), now)


@pytest.mark.parametrize("now, days", [(BEFORE_MIDNIGHT, 41), (AFTER_MIDNIGHT, 40)])
def test_every_output_gives_the_same_date_and_days(tmp_path, now, days):
    result = detect(now)
    finding = result.profiles[0].findings[0]

    line = lineformat.parse(summary_line(result))
    item = next(i for i in line.items if "days" in i.fields)
    assert (item.fields["expires"], int(item.fields["days"])) == ("2027-01-01", days)

    cert = result_json(result)["certificates"][0]
    assert (cert["expires"], cert["days_left"]) == ("2027-01-01", days)
    assert cert["not_after"].startswith("2026-12-31T15:30")  # the exact moment stays UTC

    table = view.render_table([finding])
    assert "2027-01-01" in table and f" {days} " in table and "2026-12-31" not in table

    row = next(csv.DictReader(io.StringIO(view.render_csv([finding]))))
    assert row["expires"] == "2027-01-01" and int(row["days_left"]) == days, row

    for output in (summary_line(result), json.dumps(result_json(result))):
        parsed = parse_output(output).certs[0]
        assert parsed.expires == "2027-01-01"
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "PC1.json").write_text(json.dumps({"hostname": "PC1", **result_json(result)}), encoding="utf-8")
    export = tmp_path / "export.csv"
    samples.write_export(export, [samples.SampleDevice("PC2", "u", now, result)])
    _, table_rows, _ = build([str(folder), str(export)], now)
    assert sorted((r.device, r.expires, r.days_left) for r in table_rows) == [
        ("PC1", "2027-01-01", days), ("PC2", "2027-01-01", days)]

    _, body = notice_text(finding)
    assert "2027年1月1日（金）" in body and f"（あと{days}日）" in body


def test_a_report_built_later_counts_from_its_own_japan_date(tmp_path):
    """A report built a day after the run recomputes days from the expiry date, by the same rule."""
    result = detect(BEFORE_MIDNIGHT)
    export = tmp_path / "export.csv"
    samples.write_export(export, [samples.SampleDevice("PC", "u", BEFORE_MIDNIGHT, result)])
    _, rows, _ = build([str(export)], AFTER_MIDNIGHT)
    assert rows[0].days_left == 40
