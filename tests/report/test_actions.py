"""Issue 17: the 対処 column. A table of real result formats (docs/output.md) and the next
action an IT manager should read, written by hand from the rules in pycert/report/actions.py's
docstring and the issue's wording."""

from __future__ import annotations

import json

import pytest

from pycert.report.actions import describe, next_actions
from pycert.report.parse import MAX_REASON, parse_output

DUE = "obn cn=0110119153 state=due days=29 expires=2026-12-20 tp=D5482A90"
ROOT = '"Security Communication RootCA2"'
CODE = "{6A1B2C3D-0000-4000-8000-000000000001}"

CASES = [
    ("ok", "COMPLIANT expiry v1 certs=1 ok=1 | obn cn=0110119153 state=ok days=400 expires=2027-12-26 tp=8B0E7153", ""),
    ("renewed, old one left", "COMPLIANT expiry v1 certs=2 ok=1 superseded=1 | obn cn=0110119153 state=ok days=1180 expires=2030-02-13 tp=8A8E9BB8", ""),
    ("remediated", "REMEDIATED expiry v1 certs=2 ok=1 superseded=1 imported=1 removed=1 | obn cn=0110119153 state=ok days=1180 expires=2030-02-13 tp=8A8E9BB8", ""),
    ("due, no MPKI result", f"NONCOMPLIANT expiry v1 certs=1 due=1 | {DUE}", "更新サイトで更新 (/p/ru)"),
    ("urgent, no MPKI result", "NONCOMPLIANT expiry v1 certs=1 urgent=1 | obn cn=0110119153 state=urgent days=3 expires=2026-11-24 tp=D5482A90", "更新サイトで更新 (/p/ru)"),
    ("due, MPKI current", f"NONCOMPLIANT all v1 expiry=noncompliant mpki=compliant | obn check=expiry cn=0110119153 state=due days=29 expires=2026-12-20 tp=D5482A90 | client check=mpki version=2.1.0 state=current code={CODE}",
     "MPKIクライアントで更新"),
    ("due, MPKI outdated", f"NONCOMPLIANT all v1 expiry=noncompliant mpki=noncompliant | obn check=expiry cn=0110119153 state=due days=29 expires=2026-12-20 tp=D5482A90 | client check=mpki version=1.0.0 state=outdated code={CODE}",
     "MPKIクライアントを更新 / MPKIクライアントで更新"),
    ("due, MPKI not installed", "NONCOMPLIANT all v1 expiry=noncompliant mpki=noncompliant | obn check=expiry cn=0110119153 state=due days=29 expires=2026-12-20 tp=D5482A90 | client check=mpki state=missing",
     "更新サイトで更新 (/p/ru) / MPKIクライアントを導入 (/p/s)"),
    ("expired", "NONCOMPLIANT expiry v1 certs=1 expired=1 | obn cn=0110119153 state=expired days=-4 expires=2026-11-17 tp=D5482A90", "期限切れ: 再発行申請"),
    ("expired and due", f"NONCOMPLIANT expiry v1 certs=2 expired=1 due=1 | obn cn=0110119153 state=expired days=-4 expires=2026-11-17 tp=D5482A90 | {DUE}",
     "期限切れ: 再発行申請 / 更新サイトで更新 (/p/ru)"),
    ("MPKI outdated only", f"NONCOMPLIANT mpki v1 required=2.1.0 installed=1 | client version=1.0.0 state=outdated code={CODE}", "MPKIクライアントを更新"),
    ("MPKI current", f"COMPLIANT mpki v1 required=2.1.0 installed=1 | client version=2.1.0 state=current code={CODE}", ""),
    ("root missing", f"NONCOMPLIANT rootca v1 pins=1 missing=1 | {ROOT} state=missing store=-", "ルート証明書を導入"),
    ("root expiring is only a warning", f"COMPLIANT rootca v1 pins=1 expiring=1 | {ROOT} state=expiring store=LocalMachine\\Root expires=2029-05-29 days=270", ""),
    ("root unknown", f"NONCOMPLIANT rootca v1 pins=1 unknown=1 | {ROOT} state=unknown store=-", "失敗: ルート証明書のストアを読めません"),
    ("no certificate, store unreadable", "NONCOMPLIANT expiry v1 certs=0 | obn state=missing | obn state=error store=CurrentUser\\My",
     "失敗: 証明書ストアを読めません / 証明書を導入 (/p/rcd)"),
    ("JSON: store unreadable", json.dumps({"check": "expiry", "verdict": "error", "profiles": [
        {"name": "obn", "missing": True, "stores": [{"store": "CurrentUser\\My", "status": "error"}]}], "certificates": []}),
     "失敗: 証明書ストアを読めません (CurrentUser\\My) / 証明書を導入 (/p/rcd)"),
    ("JSON: store unreadable, with its message", json.dumps({"check": "expiry", "verdict": "error", "messages": ["CurrentUser\\My: Access is denied."],
        "profiles": [{"name": "obn", "missing": False, "stores": [{"store": "CurrentUser\\My", "status": "error"}]}], "certificates": []}),
     "失敗: CurrentUser\\My: Access is denied."),
    ("no certificate", "NONCOMPLIANT expiry v1 certs=0 | obn state=missing", "証明書を導入 (/p/rcd)"),
    ("FAILED line", 'FAILED expiry v1 exit=2 | error message="The policy file /nope.toml does not exist; create it or pass a correct --config path."',
     "失敗: The policy file /nope.toml does not exist; create it or pass a correct --config path."),
    ("FAILED line without a message", "FAILED expiry v1 exit=3", "失敗: 理由の記録なし"),
    ("one check of all failed", f'NONCOMPLIANT all v1 expiry=noncompliant rootca=error | obn check=expiry cn=0110119153 state=due days=45 expires=2027-01-06 tp=9FA94508 | error check=rootca exit=2 message="--source /nonexistent/root.cer does not exist; give the path of the downloaded root certificate."',
     "失敗: rootca: --source /nonexistent/root.cer does not exist; give the path of the downloaded root certificate. / 更新サイトで更新 (/p/ru)"),
    ("MPKI upgrade failed", f'FAILED mpki v1 required=2.1.0 installed=1 | error message="msiexec returned 1618: another installation is in progress; run again later." | client version=1.0.0 state=outdated code={CODE}',
     "失敗: msiexec returned 1618: another installation is in progress; run again later. / MPKIクライアントを更新"),
    ("JSON FAILED object", json.dumps({"check": "expiry", "verdict": "failed", "exit_code": 2, "error": "The policy file C:\\x.toml is not TOML (line 3)."}),
     "失敗: The policy file C:\\x.toml is not TOML (line 3)."),
    ("JSON rootca missing", json.dumps({"check": "rootca", "verdict": "noncompliant", "roots": [{"name": "Security Communication RootCA2", "state": "missing", "expires": "2029-05-29", "days_left": 919}]}),
     "ルート証明書を導入"),
    ("JSON all: due and MPKI outdated", json.dumps({"check": "all", "verdict": "noncompliant", "checks": [
        {"check": "expiry", "verdict": "noncompliant", "certificates": [{"profile": "obn", "state": "due", "common_name": "0110119153", "days_left": 29, "expires": "2026-12-20"}]},
        {"check": "mpki", "verdict": "noncompliant", "missing": False, "installed": [{"version": "1.0.0", "state": "outdated"}]}]}),
     "MPKIクライアントを更新 / MPKIクライアントで更新"),
    ("JSON all: mpki failed", json.dumps({"check": "all", "verdict": "failed", "checks": [
        {"check": "expiry", "verdict": "compliant", "certificates": [{"profile": "obn", "state": "ok", "days_left": 400, "expires": "2027-12-26"}]},
        {"check": "mpki", "verdict": "failed", "messages": ["The MSI is not signed by the expected publisher."], "installed": []}]}),
     "失敗: mpki: The MSI is not signed by the expected publisher."),
]


@pytest.mark.parametrize("output, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_next_action_from_the_parsed_result(output, expected):
    assert describe(next_actions(parse_output(output))) == expected


def test_english_words():
    report = parse_output(f"NONCOMPLIANT mpki v1 required=2.1.0 installed=1 | client version=1.0.0 state=outdated code={CODE}")
    assert describe(next_actions(report), "en") == "Upgrade the MPKI client"


def test_failure_reason_is_one_bounded_line_of_printable_text():
    hostile = "<script>alert(1)</script>\x1b[31mred\r\nnext\u202e" + "x" * 1000
    report = parse_output(json.dumps({"check": "expiry", "verdict": "failed", "exit_code": 3, "error": hostile}))
    assert report.reason.startswith("<script>alert(1)</script> [31mred next x")  # escaped where rendered
    assert len(report.reason) == MAX_REASON and report.reason.endswith("...")
    assert all(c.isprintable() for c in report.reason)


def test_a_reason_with_a_lone_surrogate_still_gives_a_report(tmp_path):
    from datetime import datetime, timezone

    from pycert.report import run

    source = tmp_path / "results.jsonl"
    source.write_text('{"hostname": "PC-1", "check": "expiry", "verdict": "failed", "exit_code": 3, '
                      '"error": "store \\udc00 unreadable"}\n', encoding="utf-8")
    out = tmp_path / "r.json"
    run([str(source)], datetime(2026, 11, 21, tzinfo=timezone.utc), "table", "ja", str(tmp_path / "r.html"),
        json_path=str(out))
    [device] = json.loads(out.read_text(encoding="utf-8"))["device_list"]
    assert device["reason"] == "store unreadable" and device["actions"] == ["failed"]


def test_failed_devices_on_the_terminal_with_their_reason_and_no_escape_sequence(tmp_path):
    from datetime import datetime, timezone

    from pycert.report import run

    export = tmp_path / "export.csv"
    line = 'FAILED expiry v1 exit=2 | error message="The policy file /nope.toml does not exist."'
    export.write_text('DeviceName,PreRemediationDetectionScriptOutput\n'
                      f'"PC\x1b]0;owned\x07",{json.dumps(line)}\n'.replace('\\"', '""'), encoding="utf-8")
    text = run([str(export)], datetime(2026, 11, 21, tzinfo=timezone.utc)).splitlines()
    block = text[text.index("失敗した端末 (1/1):"):][:2]
    assert block == ["失敗した端末 (1/1):", "  PC\\x1b]0;owned\\x07: 失敗: The policy file /nope.toml does not exist."]


def test_actions_come_in_the_documented_order():
    # Every action at once (a hand-built result): the order is actions.ORDER, failures first.
    from pycert.report.actions import ORDER
    from pycert.report.model import CertRow, DeviceReport

    report = DeviceReport("PC", "noncompliant", None, certs=[
        CertRow("rootca", "root", "missing"), CertRow("mpki", "client", "missing"), CertRow("expiry", "obn", "due"),
        CertRow("mpki", "client", "outdated"), CertRow("expiry", "obn", "expired"), CertRow("expiry", "orca", "missing")])
    report.state_counts = {"due": 1, "expired": 1}
    assert [a.code for a in next_actions(report)] == [
        "reissue", "upgrade-mpki", "renew-mpki", "install-mpki", "install-root", "install-cert"]
    assert ORDER == ("failed", "reissue", "upgrade-mpki", "renew-mpki", "renew-site", "install-mpki", "install-root",
                     "install-cert")
