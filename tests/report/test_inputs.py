"""pycert report's inputs: generated Intune exports (10 and 100,000 devices), every encoding
and header style we accept, and the broken rows real exports contain."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from pycert.common.output import result_json, summary_line
from pycert.report import build, samples
from pycert.report.inputs import detect_encoding, map_columns

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)
FLEET_VERDICT = {"compliant": "compliant", "noncompliant": "noncompliant", "error": "failed",
                 "failed": "failed", "remediated": "remediated"}


def expected(devices) -> tuple[Counter, Counter]:
    """Verdicts and certificate states straight from the CheckResults, not from any output."""
    verdicts, states = Counter(), Counter()
    for device in devices:
        verdicts[FLEET_VERDICT[device.result.verdict]] += 1
        for profile in device.result.profiles:
            states.update(f.state.value for f in profile.findings)
            states["missing"] += profile.missing
            states["error"] += len(profile.store_errors)
    return verdicts, +states


@pytest.mark.parametrize("style", ["api", "portal", "ja"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932", "utf-16"])
def test_ten_device_export_in_every_style_and_encoding(tmp_path, style, encoding):
    devices = list(samples.fleet(10, NOW, seed=3, pool=10))
    path = tmp_path / "export.csv"
    samples.write_export(path, devices, style=style, encoding=encoding)
    fleet, table, summary = build([str(path)], NOW)
    verdicts, states = expected(devices)
    assert summary["devices"] == 10
    assert summary["unparseable"] == 0
    assert Counter(summary["devices_by_verdict"]) == verdicts
    assert Counter(summary["certificates_by_state"]) == states
    first = devices[0]
    report = fleet.devices[first.name.upper()]
    assert report.user == first.user
    assert report.reported_at == first.reported_at.replace(microsecond=0)


def test_japanese_device_names_survive_shift_jis_and_utf8(tmp_path):
    device = next(samples.fleet(1, NOW, seed=5))
    line = summary_line(device.result)
    for encoding in ("cp932", "utf-8", "utf-8-sig"):
        path = tmp_path / f"{encoding}.csv"
        named = samples.SampleDevice("札幌クリニック-受付PC", "受付@clinic.example.jp", device.reported_at, device.result)
        samples.write_export(path, [named], style="ja", encoding=encoding)
        assert detect_encoding(path) == encoding
        fleet, _, summary = build([str(path)], NOW)
        assert list(fleet.devices.values())[0].device == "札幌クリニック-受付PC", encoding
        assert summary["unparseable"] == 0, line


def test_shift_jis_is_recognised_even_when_the_first_megabyte_is_ascii(tmp_path):
    devices = list(samples.fleet(6000, NOW, seed=2))
    last = samples.SampleDevice("最後の端末", "x@y", NOW - timedelta(hours=1), devices[0].result)
    path = tmp_path / "late-sjis.csv"
    samples.write_export(path, devices + [last], style="api", encoding="cp932")
    assert path.stat().st_size > (1 << 20)
    assert detect_encoding(path) == "cp932"
    fleet, _, _ = build([str(path)], NOW)
    assert "最後の端末" in {r.device for r in fleet.devices.values()}


def test_semicolon_export_from_export_csv_delimiter(tmp_path):
    devices = list(samples.fleet(10, NOW, seed=4))
    path = tmp_path / "semicolon.csv"
    samples.write_export(path, devices, style="portal", delimiter=";")
    _, _, summary = build([str(path)], NOW)
    assert summary["devices"] == 10 and summary["unparseable"] == 0


def test_garbage_truncated_and_duplicate_rows_are_counted_never_fatal(tmp_path):
    devices = list(samples.fleet(10, NOW, seed=7, pool=10))
    noncompliant = next(d for d in devices if d.result.verdict == "noncompliant" and d.result.profiles[0].findings)
    full = summary_line(noncompliant.result)
    cut = full[: full.index(" tp=") + 6]  # cut inside the last item's thumbprint
    older = samples.export_row(
        samples.SampleDevice(devices[1].name, devices[1].user, devices[1].reported_at - timedelta(days=3), noncompliant.result),
        "api", full)
    newer_dup = samples.export_row(
        samples.SampleDevice(devices[2].name.lower(), devices[2].user, devices[2].reported_at + (NOW - devices[2].reported_at) / 2,  # newer, not in the future (suspect)
                             noncompliant.result), "api", full)
    extra = [
        ["x", "GARBAGE-1", "", "", "", "", "hello world", "", "", "", ""],
        ["x", "", "u", "", "", "", full, "", "", "", ""],  # no device name
        ["x", "PC-CUT", "u", "", "", "", cut, "", "", "", NOW.isoformat()],
        ["x", "PC-NOTHING", "u", "", "", "", "", "", "", "", ""],
        ["x", "PC-JSONCUT", "u", "", "", "", '{"check": "expiry", "verd', "", "", "", ""],
        ["only", "two"],
        older,
        newer_dup,
    ]
    path = tmp_path / "messy.csv"
    samples.write_export(path, devices, extra_rows=extra)
    fleet, table, summary = build([str(path)], NOW)
    reasons = {r.source.rsplit(":", 1)[1]: r.reason for r in fleet.rejected}
    assert summary["unparseable"] == 5, reasons
    assert "not a PyCert v1 line" in reasons["12"]
    assert reasons["13"] == "no device name"
    assert "no detection output" in reasons["15"]
    assert "not complete JSON" in reasons["16"]
    assert reasons["17"] == "two: no detection output"  # a short row: missing cells are empty
    # The cut line keeps its head and whole items and says it was cut.
    cut_report = fleet.devices["PC-CUT"]
    assert cut_report.truncated and cut_report.verdict == "noncompliant"
    assert cut_report.state_counts == {k: v for k, v in _counters(full).items()}
    # Duplicates: the older row of devices[1] lost; the newer (lower-case) row of devices[2] won.
    assert summary["duplicates_ignored"] == 2
    assert summary["devices"] == 10 + 1  # + PC-CUT
    assert fleet.devices[devices[1].name.upper()].verdict == FLEET_VERDICT[devices[1].result.verdict]
    assert fleet.devices[devices[2].name.upper()].device == devices[2].name.lower()


def _counters(line: str) -> dict[str, int]:
    head = line.split(" | ")[0].split()[3:]
    return {k: int(v) for k, v in (t.split("=") for t in head) if k != "certs"}


def test_100k_device_export_with_every_kind_of_row(tmp_path):
    devices = list(samples.fleet(100_000, NOW, seed=11))
    garbage = [["g", f"BAD-{i}", "", "", "", "", "Write-Host says hi", "", "", "", ""] for i in range(50)]
    path = tmp_path / "big.csv"
    samples.write_export(path, devices, extra_rows=garbage)
    fleet, table, summary = build([str(path)], NOW)
    verdicts, states = expected(devices)
    assert summary["devices"] == 100_000
    assert summary["rows_read"] == 100_050
    assert summary["unparseable"] == 50
    assert Counter(summary["devices_by_verdict"]) == verdicts
    assert Counter(summary["certificates_by_state"]) == states
    days = [r.days_left for r in table if r.days_left is not None]
    assert days == sorted(days)


def test_empty_file_and_header_only_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = tmp_path / "header.csv"
    samples.write_export(header_only, [])
    fleet, table, summary = build([str(empty), str(header_only)], NOW)
    assert summary["devices"] == 0 and table == []
    assert [r.reason for r in fleet.rejected] == ["empty file"]


def test_a_csv_without_an_output_column_is_one_rejected_entry(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_text("Device name,OS version\nPC-1,10.0.19045\n", encoding="utf-8")
    fleet, _, summary = build([str(path)], NOW)
    assert summary["unparseable"] == 1
    assert "no detection output column" in fleet.rejected[0].reason


def test_result_file_folder_and_json_lines(tmp_path):
    devices = list(samples.fleet(4, NOW, seed=9, pool=4))
    folder = tmp_path / "share"
    folder.mkdir()
    for device in devices[:3]:
        data = {"schema": "pycert.result/1", "hostname": device.name, "user": device.user, **result_json(device.result),
                "written_at": device.reported_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
        (folder / f"{device.name}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    (folder / "notes.txt").write_text("not a report\n", encoding="utf-8")
    (folder / "stray.json").write_text('{"hello": 1}', encoding="utf-8")
    lines = tmp_path / "runs.jsonl"
    with lines.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"DeviceName": devices[3].name, "PreRemediationDetectionScriptOutput": summary_line(devices[3].result),
                                 "ModifiedTime": "2026-11-20T10:00:00Z"}) + "\n")
        handle.write(json.dumps({"managedDevice": {"deviceName": devices[0].name, "userPrincipalName": "x@y"},
                                 "preRemediationDetectionScriptOutput": summary_line(devices[0].result),
                                 "lastStateUpdateDateTime": "2020-01-01T00:00:00Z"}) + "\n")
        handle.write("{not json\n")
    fleet, table, summary = build([str(folder), str(lines)], NOW)
    verdicts, _ = expected(devices)
    assert summary["devices"] == 4
    assert Counter(summary["devices_by_verdict"]) == verdicts
    assert summary["duplicates_ignored"] == 1
    assert fleet.devices[devices[0].name.upper()].source.endswith(f"{devices[0].name}.json")  # newer result file won
    reasons = sorted(r.reason for r in fleet.rejected)
    assert len(reasons) == 3, reasons
    assert any("no detection output column" in r for r in reasons)  # notes.txt, read as CSV
    assert any("neither a PyCert result nor an export row" in r for r in reasons)  # stray.json
    assert any(r.startswith("not JSON") for r in reasons)  # the broken JSON line


def test_header_mapping_variants():
    assert map_columns(["\ufeffDevice name", "UPN", "Pre-remediation detection error",
                        "Pre-remediation detection output", "Last update time"]) == \
        {"device": 0, "user": 1, "pre": 3, "time": 4}
    assert map_columns(["デバイス名", "修復前の検出スクリプトの出力", "修復後 検出 出力"]) == {"device": 0, "pre": 1, "post": 2}
