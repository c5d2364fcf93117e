"""Issue 17: `--clinics`. Which clinic a device belongs to (by the 医療機関コード its
certificate carries, or by its name), clinics worst first, and a bad mapping file stopping
the report with one sentence naming file and line, exit 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pycert.common.errors import UsageError
from pycert.report import build, clinics, devices

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)
HEADER = "医療機関コード,端末名,医療機関名,担当者\n"

# Real v1 lines (docs/output.md). CNs are 医療機関コード of OBN certificates.
LINES = {
    "UKETSUKE-1": "COMPLIANT expiry v1 certs=1 ok=1 | obn cn=0110119153 state=ok days=400 expires=2027-12-26 tp=8B0E7153",
    "SHINSATSU-1": "NONCOMPLIANT expiry v1 certs=1 due=1 | obn cn=0110119153 state=due days=29 expires=2026-12-20 tp=D5482A90",
    "MINATO-PC01": "NONCOMPLIANT expiry v1 certs=0 | obn state=missing",
    "MINATO-PC02": "NONCOMPLIANT expiry v1 certs=1 expired=1 | obn cn=2710000001 state=expired days=-4 expires=2026-11-17 tp=11111111",
    "HIKARI-PC01": "COMPLIANT expiry v1 certs=1 ok=1 | obn cn=1310000002 state=ok days=500 expires=2028-04-04 tp=22222222",
    "LOST-PC": 'FAILED expiry v1 exit=2 | error message="The policy file C:\\\\x.toml does not exist; create it or pass a correct --config path."',
    "LONELY-PC": "COMPLIANT expiry v1 certs=1 ok=1 | obn cn=4710000003 state=ok days=900 expires=2029-05-10 tp=33333333",
}
MAPPING = (HEADER + "0110119153,,さくら内科クリニック,山田\n"
           ",MINATO-*,みなと歯科,佐藤\n"
           "1310000002,,ひかり眼科,\n"
           ",HIKARI-PC0?,どこか別の医院,\n"  # never reached: HIKARI-PC01's code names ひかり眼科 first
           ",lost-pc,ロスト診療所,鈴木\n")


def export(tmp_path: Path, lines: dict[str, str] = LINES) -> Path:
    path = tmp_path / "export.csv"
    rows = ["DeviceName,PreRemediationDetectionScriptOutput,ModifiedTime"]
    rows += [f'{d},"{line.replace(chr(34), chr(34) * 2)}",2026-11-20T01:00:00Z' for d, line in lines.items()]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write(tmp_path: Path, text: str | bytes, name: str = "clinics.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_devices_grouped_by_code_then_name_then_pattern(tmp_path):
    mapping = clinics.load(str(write(tmp_path, MAPPING)))
    fleet, _, _ = build([str(export(tmp_path))], NOW)
    rows = devices.device_rows(fleet, NOW, mapping)
    where = {r.device: (r.clinic, r.maintainer, r.code) for r in rows}
    assert where == {
        "UKETSUKE-1": ("さくら内科クリニック", "山田", "0110119153"),
        "SHINSATSU-1": ("さくら内科クリニック", "山田", "0110119153"),
        "MINATO-PC01": ("みなと歯科", "佐藤", ""),  # no certificate: found by its name
        "MINATO-PC02": ("みなと歯科", "佐藤", "2710000001"),  # a code nobody mapped: the pattern decides
        "HIKARI-PC01": ("ひかり眼科", "", "1310000002"),
        "LOST-PC": ("ロスト診療所", "鈴木", ""),  # exact name, case ignored
        "LONELY-PC": ("", "", "4710000003"),
    }
    # Clinics worst first: the failed run, then the expired certificate, then due, then
    # the compliant clinic and the unmapped one (an unmapped clinic sorts like any other).
    groups = devices.groups(rows)
    assert [(g.name, len(g.devices), g.verdicts) for g in groups] == [
        ("ロスト診療所", 1, {"failed": 1}),
        ("みなと歯科", 2, {"noncompliant": 2}),
        ("さくら内科クリニック", 2, {"noncompliant": 1, "compliant": 1}),
        ("ひかり眼科", 1, {"compliant": 1}),
        ("", 1, {"compliant": 1}),
    ]
    # Within a clinic, worst device first: expired before missing.
    assert [r.device for r in groups[1].devices] == ["MINATO-PC02", "MINATO-PC01"]
    assert [r.device for r in groups[2].devices] == ["SHINSATSU-1", "UKETSUKE-1"]


def test_patterns_in_file_order_and_wildcards(tmp_path):
    mapping = clinics.load(str(write(tmp_path, HEADER + ",CL01-*,一番目,\n,CL0?-*,二番目,\n,[AB]X-*,三番目,\n")))
    assert mapping.clinic_of("cl01-pc03").name == "一番目"
    assert mapping.clinic_of("CL02-PC03").name == "二番目"
    assert mapping.clinic_of("BX-1").name == "三番目"
    assert mapping.clinic_of("CX-1") is None
    assert mapping.clinic_of("CL012") is None  # `*` must follow a '-'


def test_an_earlier_row_wins_whatever_its_fixed_part(tmp_path):
    mapping = clinics.load(str(write(tmp_path, HEADER + ",CLINIC0001-PC0?,二番目,\n,C*,一番目,\n,CLINIC0001-*,三番目,\n"
                                                  ",*-KENSA,四番目,\n")))
    assert mapping.clinic_of("CLINIC0001-PC01").name == "二番目"  # line 2, before the broader C* on line 3
    assert mapping.clinic_of("CLINIC0001-PC10").name == "一番目"  # line 3 beats the longer fixed part on line 4
    assert mapping.clinic_of("AOBA-KENSA").name == "四番目"
    assert mapping.clinic_of("C").name == "一番目"
    assert mapping.clinic_of("AOBA-PC01") is None


def test_patterns_starting_with_a_wildcard_are_limited(tmp_path):
    rows = "".join(f",*-PC{i:03d},A{i},\n" for i in range(clinics.MAX_OPEN_PATTERNS + 1))
    with pytest.raises(UsageError, match=rf"line {clinics.MAX_OPEN_PATTERNS + 2}: more than 50 端末名 patterns start "
                                         "with a wildcard"):
        clinics.load(str(write(tmp_path, HEADER + rows)))


def test_english_headers_semicolons_and_shift_jis(tmp_path):
    text = "clinic;code;maintainer\n# a comment line\nさくら内科;0110119153;山田\n"
    mapping = clinics.load(str(write(tmp_path, text.encode("cp932"))))
    assert mapping.clinic_of("X", ["0110119153"]) == clinics.Clinic("さくら内科", "山田")


BAD = [
    ("empty", b"", "the file is empty"),
    ("header only", HEADER, "the file has a header but no clinic rows"),
    ("no clinic column", "医療機関コード,端末名,担当者\n0110119153,,山田\n", "line 1: the header needs a 医療機関名 column"),
    ("two code columns", "医療機関コード,code,医療機関名\n", "line 1: two columns mean 医療機関コード"),
    ("neither code nor name", HEADER + "0110119153,,A,\n,,B,\n", "line 3: the row has neither a 医療機関コード nor a 端末名"),
    ("leading zero lost", HEADER + "110119153,,A,\n", "line 2: the 医療機関コード '110119153' is not 10 digits (Excel drops a leading 0"),
    ("letters in a code", HEADER + "01101191AB,,A,\n", "line 2: the 医療機関コード '01101191AB' is not 10 digits."),
    ("full-width digits", HEADER + "０１１０１１９１５３,,A,\n", "is not 10 digits"),
    ("a code twice", HEADER + "0110119153,,A,\n,PC-*,B,\n0110119153,,C,\n", "line 4: the 医療機関コード 0110119153 is already on line 2"),
    ("a pattern twice", HEADER + ",pc-*,A,\n,PC-*,B,\n", "line 3: the 端末名 PC-* is already on line 2"),
    ("empty clinic name", HEADER + "0110119153,,,山田\n", "line 2: the 医療機関名 is empty"),
    ("unbalanced quote", HEADER + '0110119153,,"A,\n0110119154,,B,\n', "line 2: "),
    ("escape sequence", HEADER + "0110119153,,\x1b[2J消える,\n", "line 2: the 医療機関名 holds a control character"),
    ("bidi override", HEADER + ",PC-\u202e*,A,\n", "line 2: the 端末名 holds a control character"),
    ("line separator", HEADER + "0110119153,,A\u2028B,\n0110119154,,C,\n", "line 2: the 医療機関名 holds a control character"),
    ("CR line ends", (HEADER + "0110119153,,A,\n1,,B,\n").replace("\n", "\r"), "line 3: the 医療機関コード '1' is not 10 digits."),
    ("over-long pattern", HEADER + "," + "P" * 101 + ",A,\n", "line 2: the 端末名 is longer than 100 characters"),
    ("not text", HEADER.encode("utf-8") + b"\x80\x80,,\xff\n", "the file is neither UTF-8 nor Shift_JIS text"),
]


@pytest.mark.parametrize("content, expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_mapping_is_one_sentence_naming_file_and_line(tmp_path, content, expected):
    path = write(tmp_path, content)
    with pytest.raises(UsageError) as caught:
        clinics.load(str(path))
    message = caught.value.message
    assert message.startswith(f"--clinics {path}") and expected in message
    assert message.count("\n") == 0 and message.endswith(".")


def test_too_many_patterns(tmp_path):
    rows = "".join(f",PC{i:05d}-*,A{i},\n" for i in range(clinics.MAX_PATTERNS + 1))
    with pytest.raises(UsageError, match=rf"line {clinics.MAX_PATTERNS + 2}: more than 2000 端末名 patterns"):
        clinics.load(str(write(tmp_path, HEADER + rows)))


def test_bad_mapping_through_the_cli_exits_2_and_writes_nothing(tmp_path):
    mapping = write(tmp_path, HEADER + "0110119153,,A,\n12345,,B,\n")
    outputs = [tmp_path / "r.html", tmp_path / "r.csv", tmp_path / "r.json"]
    proc = subprocess.run(
        [sys.executable, "-m", "pycert", "report", str(export(tmp_path)), "--clinics", str(mapping),
         "--html", str(outputs[0]), "--csv", str(outputs[1]), "--json", str(outputs[2])],
        capture_output=True, text=True, cwd=ROOT, timeout=120, env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2
    assert proc.stderr == f"error: --clinics {mapping} line 3: the 医療機関コード '12345' is not 10 digits.\n"
    assert not any(p.exists() for p in outputs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinics.csv", "export.csv"]


def test_missing_mapping_file(tmp_path):
    with pytest.raises(UsageError) as caught:
        clinics.load(str(tmp_path / "nope.csv"))
    assert caught.value.message == (f"--clinics {tmp_path / 'nope.csv'}: the file does not exist; give a CSV with the "
                                    "columns 医療機関コード, 端末名, 医療機関名, 担当者.")


def test_without_a_mapping_all_devices_are_one_group(tmp_path):
    import json
    import re

    from pycert.report import run

    html = tmp_path / "r.html"
    run([str(export(tmp_path))], NOW, "table", "ja", str(html))
    page = html.read_text(encoding="utf-8")
    assert '<h2 id="pycert-device-view">端末ごとの対処（状態の悪い順）</h2>' in page
    data = json.loads(re.search(r'id="pycert-device-data">(.*?)</script>', page, re.S).group(1))
    assert data["clinics"] == ["全端末 · 7 台 (失敗 1, 要対応 3, 準拠 3)"]
