"""Issue 17: each check gets its own counts, and actions are not states. Lines are the real
formats of docs/output.md; expected counts are read off those lines by hand."""

from __future__ import annotations

from datetime import datetime, timezone

from pycert.report import build

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)
ROOT = '"Security Communication RootCA2"'
LINES = {
    "PC-IMPORT": "REMEDIATED expiry v1 certs=2 ok=1 superseded=1 imported=1 removed=1 | obn cn=0110119153 state=ok days=1180 expires=2030-02-13 tp=8A8E9BB8",
    "PC-NOTIFY": "NONCOMPLIANT expiry v1 certs=1 due=1 notified=1 | obn cn=0110119153 state=due days=29 expires=2026-12-20 tp=D5482A90",
    "PC-PLAN": "NONCOMPLIANT expiry v1 certs=1 due=1 planned=1 | obn cn=0110119153 state=due days=19 expires=2026-12-10 tp=3628EFCD",
    "PC-ROOT": f"NONCOMPLIANT rootca v1 pins=1 missing=1 | {ROOT} state=missing store=-",
    "PC-ROOT2": f"REMEDIATED rootca v1 pins=1 installed=1 changed=1 | {ROOT} action=installed store=CurrentUser\\Root | {ROOT} state=installed store=CurrentUser\\Root expires=2029-05-29 days=919",
    "PC-MPKI": "NONCOMPLIANT mpki v1 | client state=outdated version=1.0.0",
}


def test_actions_are_not_states_and_each_check_counts_apart(tmp_path):
    export = tmp_path / "export.csv"
    rows = ["DeviceName,PreRemediationDetectionScriptOutput"]
    rows += [f'{device},"{line.replace(chr(34), chr(34) * 2)}"' for device, line in LINES.items()]
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _, _, summary = build([str(export)], NOW)
    assert summary["unparseable"] == 0, summary["unparseable_rows"]
    assert summary["certificates_by_state"] == {"due": 2, "ok": 1, "superseded": 1}
    assert summary["states_by_check"] == {"mpki": {"outdated": 1}, "rootca": {"installed": 1, "missing": 1}}
