"""--result-file: safe names, atomic writes, and real `pycert detect` runs whose files
`pycert report` reads back."""

from __future__ import annotations

import hashlib
import json
import os
import stat

import pytest

from pycert import __version__
from pycert.common import resultfile
from pycert.common.errors import PlatformError, UsageError
from pycert.demo.samples import obn_certificate, utc_now


def _h(name: str) -> str:
    """The hash part by its definition (docs/output.md): SHA-256 of the exact name, 10 hex."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


# Issue 17 changed these: names that are not plain get a hash of the exact name, so that
# 受付PC/診察PC, "PC 01"/"PC_01" and long names equal in 64 characters no longer share a file.
@pytest.mark.parametrize("name, stem", [
    ("TERM-01", "TERM-01"),
    ("../../etc/passwd", "_.._etc_passwd_" + _h("../../etc/passwd")),
    ("..\\..\\Windows\\win.ini", "_.._Windows_win.ini_" + _h("..\\..\\Windows\\win.ini")),
    ("CON", "CON_" + _h("CON")),
    ("nul.txt", "nul.txt_" + _h("nul.txt")),
    ("", "unknown-host_" + _h("")),
    ("...", "unknown-host_" + _h("...")),
    ("受付PC", "__PC_" + _h("受付PC")),
    ("A" * 100, "A" * 48 + "_" + _h("A" * 100)),
])
def test_device_names_become_safe_file_names(name, stem):
    assert resultfile.safe_file_stem(name) == stem


def test_file_names_are_injective():
    names = ["受付PC", "診察PC", "PC 01", "PC_01", "PC-01", "A" * 64 + "1", "A" * 64 + "2", "pc-01", "CON", "_CON"]
    stems = [resultfile.safe_file_stem(n) for n in names]
    assert len(set(stems)) == len(names), stems


def test_folder_target_stays_inside_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPUTERNAME", "..\\..\\evil/../x")
    written = resultfile.write(str(tmp_path) + os.sep, {"check": "expiry", "verdict": "compliant"})
    assert written.parent == tmp_path
    assert written.name == "_.._evil_.._x_" + _h("..\\..\\evil/../x") + ".json"
    data = json.loads(written.read_text(encoding="utf-8"))
    assert data["hostname"] == "..\\..\\evil/../x"  # the real name is kept inside the file
    assert data["schema"] == resultfile.SCHEMA and data["pycert_version"] == __version__
    assert data["written_at"].endswith("Z")


def test_missing_folders_are_usage_errors_and_nothing_is_written(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        resultfile.target_path(str(tmp_path / "nope") + "/", "PC")
    with pytest.raises(UsageError, match="does not exist"):
        resultfile.target_path(str(tmp_path / "nope" / "r.json"), "PC")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")

    def half_then_fail(handle):
        handle.write("new but incomp")
        raise OSError(28, "No space left on device")

    with pytest.raises(PlatformError, match="No space left on device"):
        resultfile.atomic_write(target, half_then_fail)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary file left behind
    resultfile.atomic_write(target, lambda h: h.write("new"))
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_detect_writes_a_result_file_that_report_reads(cli_sandbox, tmp_path):
    now = utc_now()
    cli_sandbox.seed([obn_certificate("0110119153", 30, now)])  # whole days: calendar-day count
    share = tmp_path / "share"
    share.mkdir()
    env = {"COMPUTERNAME": "CLINIC-A-PC01"}
    run = cli_sandbox.run("detect", "expiry", "--as-of", now.isoformat(), "--result-file", str(share), env=env)
    assert run.code == 1, run.stderr
    written = json.loads((share / "CLINIC-A-PC01.json").read_text(encoding="utf-8"))
    assert written["summary"] == run.last_line
    assert written["hostname"] == "CLINIC-A-PC01" and written["verdict"] == "noncompliant"
    assert [c["days_left"] for c in written["certificates"]] == [30]

    # The group form (every enabled check; only expiry by default) writes for another device.
    run = cli_sandbox.run("detect", "--result-file", str(share), env={"COMPUTERNAME": "CLINIC-A-PC02"})
    assert run.code == 1, run.stderr
    assert json.loads((share / "CLINIC-A-PC02.json").read_text(encoding="utf-8"))["summary"] == run.last_line

    # A failing run still leaves a result file saying so.
    bad = cli_sandbox.run("--config", str(tmp_path / "missing.toml"), "detect", "expiry", "--result-file",
                          str(share), env={"COMPUTERNAME": "CLINIC-A-PC03"})
    assert bad.code == 2 and bad.last_line.startswith("FAILED expiry v1 exit=2")
    assert json.loads((share / "CLINIC-A-PC03.json").read_text(encoding="utf-8"))["verdict"] == "failed"

    report = cli_sandbox.run("report", str(share), "--format", "json")
    assert report.code == 0, report.stderr
    summary = json.loads(report.stdout)
    assert summary["devices"] == 3 and summary["unparseable"] == 0
    assert summary["devices_by_verdict"] == {"failed": 1, "noncompliant": 2}
    assert summary["certificates_by_state"] == {"due": 2}
    assert {r["device"] for r in summary["soonest"]} == {"CLINIC-A-PC01", "CLINIC-A-PC02"}


def test_result_file_in_a_missing_folder_fails_with_one_sentence(cli_sandbox, tmp_path):
    run = cli_sandbox.run("detect", "expiry", "--result-file", str(tmp_path / "gone") + "/")
    assert run.code == 2
    assert run.last_line.startswith("FAILED expiry v1 exit=2 | error message=")
    assert run.stderr.strip().splitlines() == [
        f"error: --result-file folder '{tmp_path / 'gone'}/' does not exist; create it or give a file name."]
