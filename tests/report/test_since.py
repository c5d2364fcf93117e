"""Issue 17: `--since FILE`, what got better and worse since a previous report's JSON, and
a previous file that cannot be used: one sentence, exit 2, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pycert.common.errors import UsageError
from pycert.report import run, since

ROOT = Path(__file__).resolve().parents[2]
OK = "COMPLIANT expiry v1 certs=1 ok=1 | obn cn=0110119153 state=ok days=400 expires=2027-12-26 tp=8B0E7153"
DUE = "NONCOMPLIANT expiry v1 certs=1 due=1 | obn cn=0110119153 state=due days=29 expires=2026-12-20 tp=D5482A90"
FAILED = 'FAILED expiry v1 exit=2 | error message="The policy file /nope.toml does not exist; create it or pass a correct --config path."'
BEFORE = {"PC-A": OK, "PC-B": DUE, "PC-C": FAILED, "PC-D": OK, "PC-GONE": DUE}
AFTER = {"PC-A": DUE, "pc-b": OK, "PC-C": DUE, "PC-D": OK, "PC-NEW": FAILED}


def export(path: Path, lines: dict[str, str]) -> Path:
    rows = ["DeviceName,PreRemediationDetectionScriptOutput"]
    rows += [f'{d},"{line.replace(chr(34), chr(34) * 2)}"' for d, line in lines.items()]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_better_worse_new_and_gone(tmp_path):
    previous = tmp_path / "last-week.json"
    run([str(export(tmp_path / "before.csv", BEFORE))], datetime(2026, 11, 14, 0, 0, tzinfo=timezone.utc),
        json_path=str(previous))
    data = json.loads(run([str(export(tmp_path / "after.csv", AFTER))], datetime(2026, 11, 21, 0, 0, tzinfo=timezone.utc),
                          "json", since_path=str(previous)))
    assert data["changes"] == {
        "since": "2026-11-14T00:00:00Z",
        "worse": [{"device": "PC-A", "clinic": "", "before": "compliant", "after": "noncompliant"}],
        "better": [{"device": "PC-C", "clinic": "", "before": "failed", "after": "noncompliant"},
                   {"device": "pc-b", "clinic": "", "before": "noncompliant", "after": "compliant"}],
        "new": [{"device": "PC-NEW", "clinic": "", "after": "failed"}],
        "gone": [{"device": "PC-GONE", "clinic": "", "before": "noncompliant"}],
    }


def test_changes_in_the_japanese_terminal_summary(tmp_path):
    previous = tmp_path / "last.json"
    run([str(export(tmp_path / "before.csv", BEFORE))], datetime(2026, 11, 14, 0, 0, tzinfo=timezone.utc),
        json_path=str(previous))
    text = run([str(export(tmp_path / "after.csv", AFTER))], datetime(2026, 11, 21, 0, 0, tzinfo=timezone.utc),
               since_path=str(previous))
    block = text[text.index("前回からの変化"):text.index("期限が近い証明書")].strip().splitlines()
    assert block == [
        "前回からの変化 (前回のレポート: 2026-11-14 09:00 JST):",
        "  悪化した端末: 1",
        "    PC-A  準拠 -> 要対応",
        "  改善した端末: 2",
        "    PC-C  失敗 -> 要対応",
        "    pc-b  要対応 -> 準拠",
        "  新しい端末: 1",
        "    PC-NEW  - -> 失敗",
        "  報告がなくなった端末: 1",
        "    PC-GONE  要対応 -> -",
    ]


DEEP = "[" * 100_000 + "]" * 100_000
BAD = [
    ("not JSON", "PyCert 端末レポート\n", "the file is not readable JSON"),
    ("deeply nested", DEEP, "the file is not readable JSON (JSON nested too deeply)"),
    ("huge number", '{"generated_at": "x", "devices_by_verdict": {}, "device_list": [], "n": ' + "9" * 5000 + "}",
     "the file is not readable JSON (a number with 5000 digits)"),
    ("an array", "[]", "the JSON is not a pycert report"),
    ("a result file, not a report", json.dumps({"check": "expiry", "verdict": "compliant"}), "the JSON is not a pycert report"),
    ("older report", json.dumps({"generated_at": "2026-11-14T00:00:00Z", "devices_by_verdict": {}}),
     "the report has no device_list (made by an older PyCert?)"),
    ("entry without a verdict", json.dumps({"generated_at": "2026-11-14T00:00:00Z", "devices_by_verdict": {},
                                            "device_list": [{"device": "A", "verdict": "compliant"}, {"device": "B"}]}),
     "entry 2 of device_list is not a device with a name and a verdict"),
    ("generated_at not a time", json.dumps({"generated_at": "last week", "devices_by_verdict": {}, "device_list": []}),
     "its generated_at is not a time"),
    ("an over-long verdict", json.dumps({"generated_at": "2026-11-14T00:00:00Z", "devices_by_verdict": {},
                                         "device_list": [{"device": "A", "verdict": "x" * 21}]}),
     "entry 1 of device_list is not a device with a name and a verdict"),
    ("lone surrogate", '{"generated_at": "2026-11-14T00:00:00Z", "devices_by_verdict": {}, "device_list": [{"device": "\\udc00", "verdict": "failed"}]}',
     "entry 1 of device_list holds text that is not valid Unicode"),
]


@pytest.mark.parametrize("content, expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_previous_file_is_one_sentence(tmp_path, content, expected):
    path = tmp_path / "previous.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        since.load(str(path))
    message = caught.value.message
    assert message.startswith(f"--since {path}: ") and expected in message
    assert "\n" not in message and message.endswith(".")


def test_bad_previous_file_through_the_cli_exits_2_and_writes_nothing(tmp_path):
    current = export(tmp_path / "now.csv", AFTER)
    html = tmp_path / "r.html"
    proc = subprocess.run([sys.executable, "-m", "pycert", "report", str(current), "--since", str(tmp_path / "none.json"),
                           "--html", str(html)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"error: --since {tmp_path / 'none.json'}: the file does not exist; give the JSON of a previous "
                           "report (pycert report ... --json FILE).\n")
    assert not html.exists()
