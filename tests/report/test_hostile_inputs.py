"""Issue 17: one hostile row never sinks the report. Each becomes an unreadable row with its
source and a reason of ours (never the input's text), the others are still counted, and the
`pycert report` command still writes its HTML and exits 0."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from pycert.cli.main import cli
from pycert.common.output import result_json
from pycert.report import build, samples

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)
SECRET = "TOP-SECRET-CONTENT-7f3a"


def result_file(device) -> dict:
    return {"schema": "pycert.result/1", "hostname": device.name, "user": device.user, **result_json(device.result),
            "written_at": device.reported_at.strftime("%Y-%m-%dT%H:%M:%SZ")}


def good_and(tmp_path, hostile_text: str):
    """A JSON-lines file: two good result files, the hostile line, one more good one."""
    devices = list(samples.fleet(3, NOW, seed=17, pool=3))
    path = tmp_path / "runs.jsonl"
    lines = [json.dumps(result_file(devices[0])), json.dumps(result_file(devices[1])), hostile_text,
             json.dumps(result_file(devices[2]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def base(tmp_path) -> dict:
    return result_file(next(samples.fleet(1, NOW, seed=99, pool=1)))


HOSTILE = {
    "huge int": lambda b: json.dumps(b)[:-1] + ', "n": ' + "9" * 5000 + "}",
    "deep nesting": lambda b: '{"check":"expiry","verdict":"compliant","hostname":"X","a":' + "[" * 100_000 + "]" * 100_000 + "}",
    "profiles [1]": lambda b: json.dumps({**b, "profiles": [1]}),
    "certificates [1]": lambda b: json.dumps({**b, "certificates": [1]}),
    "days Infinity": lambda b: json.dumps(b).replace('"days_left": ', '"days_left": Infinity, "x": ', 1),
    "days 1e400": lambda b: json.dumps(b).replace('"days_left": ', '"days_left": 1e400, "x": ', 1),
    "lone surrogate host": lambda b: json.dumps({**b, "hostname": "PC\ud800" + SECRET}),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_row_is_reported_with_its_line_and_never_quoted(tmp_path, kind):
    text = HOSTILE[kind](base(tmp_path))
    path = good_and(tmp_path, text)
    fleet, table, summary = build([str(path)], NOW)
    assert summary["unparseable"] == 1, (kind, summary["unparseable_rows"])
    assert summary["unparseable_rows"][0]["source"] == f"{path}:3"
    assert summary["devices"] == 3
    assert SECRET not in json.dumps(summary, ensure_ascii=False)


def test_report_command_writes_html_and_exits_0_on_hostile_rows(tmp_path):
    folder = tmp_path / "share"
    folder.mkdir()
    devices = list(samples.fleet(2, NOW, seed=4, pool=2))
    for device in devices:
        (folder / f"{device.name}.json").write_text(json.dumps(result_file(device)), encoding="utf-8")
    b = base(tmp_path)
    for kind, make in HOSTILE.items():
        (folder / f"hostile-{kind.replace(' ', '-')}.json").write_text(make(b), encoding="utf-8")
    html = tmp_path / "fleet.html"
    result = CliRunner().invoke(cli, ["report", str(folder), "--html", str(html)])
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert SECRET not in page
    assert page.count("hostile-") == len(HOSTILE)  # each listed once as unreadable, by file name


def test_links_out_of_the_input_folder_are_not_followed_or_quoted(tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.csv").write_text(f"DeviceName,PreRemediationDetectionScriptOutput\n{SECRET},x\n", encoding="utf-8")
    device = next(samples.fleet(1, NOW, seed=8, pool=1))
    (outside / "other.json").write_text(json.dumps(result_file(device)), encoding="utf-8")
    folder = tmp_path / "share"
    folder.mkdir()
    os.symlink(outside / "secret.csv", folder / "link.csv")
    os.symlink(outside / "other.json", folder / "link.json")
    os.symlink(outside, folder / "dirlink.json")
    inside = next(samples.fleet(1, NOW, seed=9, pool=1))
    (folder / "real.json").write_text(json.dumps(result_file(inside)), encoding="utf-8")
    os.symlink(folder / "real.json", folder / "alias.json")  # a link that stays inside is fine
    fleet, table, summary = build([str(folder)], NOW)
    assert summary["devices"] == 1
    reasons = {os.path.basename(r["source"]): r["reason"] for r in summary["unparseable_rows"]}
    assert set(reasons) == {"link.csv", "link.json", "dirlink.json"}
    assert all("outside the input folder" in r for r in reasons.values())
    assert SECRET not in json.dumps(summary, ensure_ascii=False)


def test_a_file_claiming_another_host_or_a_future_time_is_flagged_and_never_wins(tmp_path):
    from datetime import timedelta

    expired = next(d for d in samples.fleet(60, NOW, seed=5, pool=60) if d.result.verdict == "noncompliant")
    healthy = next(d for d in samples.fleet(60, NOW, seed=5, pool=60) if d.result.verdict == "compliant")
    folder = tmp_path / "share"
    folder.mkdir()
    real = {**result_file(expired), "hostname": "PC-A", "written_at": "2026-11-20T09:00:00Z"}
    (folder / "PC-A.json").write_text(json.dumps(real), encoding="utf-8")
    # Another file in the share claims PC-A, written later and "compliant".
    forged = {**result_file(healthy), "hostname": "PC-A", "written_at": "2026-11-21T08:00:00Z"}
    (folder / "PC-B.json").write_text(json.dumps(forged), encoding="utf-8")
    # PC-A's own file name, but from the far future (in a second folder, read after).
    later = tmp_path / "later"
    later.mkdir()
    future = {**result_file(healthy), "hostname": "PC-A", "written_at": (NOW + timedelta(days=3650)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    (later / "PC-A.json").write_text(json.dumps(future), encoding="utf-8")
    fleet, table, summary = build([str(folder), str(later)], NOW)
    assert summary["devices"] == 1
    assert fleet.devices["PC-A"].source == f"{folder / 'PC-A.json'}:1"  # a one-line file is read as JSON lines
    assert summary["devices_by_verdict"] == {"noncompliant": 1}
    reasons = {os.path.relpath(r["source"], tmp_path): r["reason"] for r in summary["suspect_rows"]}
    assert reasons == {
        os.path.join("share", "PC-B.json:1"): "the file name does not match the host it claims (PC-A)",
        os.path.join("later", "PC-A.json:1"): "written_at 2036-11-18T09:00:00Z is in the future",
    }
    html = tmp_path / "r.html"
    assert CliRunner().invoke(cli, ["report", str(folder), str(later), "--html", str(html)]).exit_code == 0
    assert "PC-B.json" in html.read_text(encoding="utf-8")


def test_an_unbalanced_quote_in_an_intune_csv_is_counted_and_located(tmp_path):
    devices = list(samples.fleet(6, NOW, seed=21, pool=6))
    path = tmp_path / "export.csv"
    samples.write_export(path, devices, encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    assert len(rows) == 6
    # Line 2 of the file (the first device): its output cell opens a quote that never closes.
    cells = rows[0].split(",")
    cells[6] = '"' + cells[6]
    # Line 5 quotes its output properly; the open quote swallows it too.
    fifth = rows[3].split(",")
    fifth[6] = '"' + fifth[6] + '"'
    broken = [",".join(cells), rows[1], rows[2], ",".join(fifth), rows[4], rows[5]]
    path.write_text("\n".join([header, *broken]) + "\n", encoding="utf-8")
    fleet, table, summary = build([str(path)], NOW)
    read = summary["devices"]
    lost = {r["source"]: r["reason"] for r in summary["unparseable_rows"]}
    assert read + summary["unparseable"] == 6, (read, lost)  # every device is either read or counted
    assert "unbalanced quote" in lost[f"{path}:2"]
    assert all(f"{path}:{n}" in lost for n in range(2, 2 + summary["unparseable"]))
