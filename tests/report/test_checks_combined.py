"""One device, several checks (issue 17): expiry runs as the user, rootca and mpki as
SYSTEM, each into its own result file or Intune export. The report shows the device once
with all its checks; the newest report wins per check, not per device (a newer rootca
result must not hide a due certificate)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from pycert.report import run
from pycert.report.model import CertRow, DeviceReport, Fleet

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)


def at(hour: int) -> datetime:
    return datetime(2026, 11, 20, hour, 0, tzinfo=timezone.utc)


def report(check: str, verdict: str, hour: int, *certs: CertRow, device: str = "PC01", suspect: str = "") -> DeviceReport:
    r = DeviceReport(device=device, verdict=verdict, reported_at=at(hour), check=check, source=f"{check}-{hour}",
                     certs=list(certs), suspect=suspect)
    for c in certs:
        if c.check == "expiry":
            r.state_counts[c.state] = r.state_counts.get(c.state, 0) + 1
        else:
            r.check_states.setdefault(c.check, {})[c.state] = r.check_states.get(c.check, {}).get(c.state, 0) + 1
    return r


DUE = CertRow("expiry", "obn", "due", "0110119153", 20, "2026-12-11", "91DBDBD0")
OK = CertRow("expiry", "obn", "ok", "0110119153", 400, "2027-12-26", "1CD490FC")
ROOT_MISSING = CertRow("rootca", "Security Communication RootCA2", "missing")
ROOT_INSTALLED = CertRow("rootca", "Security Communication RootCA2", "installed")


def test_a_newer_report_of_another_check_does_not_hide_the_first():
    fleet = Fleet(now=NOW)
    fleet.add(report("expiry", "noncompliant", 1, DUE))
    fleet.add(report("rootca", "compliant", 5, ROOT_INSTALLED))
    (device,) = fleet.devices.values()
    assert device.verdict == "noncompliant" and device.check == "expiry+rootca"
    assert device.certs == [DUE, ROOT_INSTALLED]
    assert device.state_counts == {"due": 1} and device.check_states == {"rootca": {"installed": 1}}
    assert device.reported_at == at(5) and device.source == "expiry-1; rootca-5"
    assert (fleet.rows, fleet.duplicates) == (2, 0)


def test_per_check_the_newest_wins_and_counts_as_a_duplicate():
    fleet = Fleet(now=NOW)
    fleet.add(report("rootca", "noncompliant", 2, ROOT_MISSING))
    fleet.add(report("expiry", "noncompliant", 3, DUE))
    fleet.add(report("expiry", "compliant", 6, OK))  # renewed since
    fleet.add(report("rootca", "compliant", 1, ROOT_INSTALLED))  # older than the missing one: loses
    (device,) = fleet.devices.values()
    assert device.certs == [OK, ROOT_MISSING]
    assert device.verdict == "noncompliant" and device.state_counts == {"ok": 1}
    assert device.check_states == {"rootca": {"missing": 1}}
    assert fleet.duplicates == 2


def test_worst_verdict_wins_and_failed_is_worst():
    fleet = Fleet(now=NOW)
    fleet.add(report("expiry", "compliant", 1, OK))
    fleet.add(report("rootca", "remediated", 2, ROOT_INSTALLED))
    assert fleet.devices["PC01"].verdict == "remediated"
    fleet.add(report("mpki", "failed", 3))
    assert fleet.devices["PC01"].verdict == "failed" and fleet.devices["PC01"].check == "expiry+mpki+rootca"


def test_a_report_of_every_check_replaces_the_separate_ones_only_when_newer():
    fleet = Fleet(now=NOW)
    fleet.add(report("expiry", "noncompliant", 3, DUE))
    fleet.add(report("rootca", "compliant", 4, ROOT_INSTALLED))
    fleet.add(report("all", "compliant", 2, OK))  # older than both: loses
    assert fleet.devices["PC01"].check == "expiry+rootca"
    fleet.add(report("all", "compliant", 7, OK))
    assert fleet.devices["PC01"].check == "all" and fleet.devices["PC01"].certs == [OK]
    fleet.add(report("expiry", "noncompliant", 8, DUE))  # one check after a whole-device report: newest wins
    assert fleet.devices["PC01"].check == "expiry" and fleet.duplicates == 3  # all@2, all@7, expiry@8


def test_a_suspect_report_of_a_check_never_beats_a_sound_one():
    fleet = Fleet(now=NOW)
    fleet.add(report("expiry", "noncompliant", 1, DUE))
    fleet.add(report("rootca", "compliant", 2, ROOT_INSTALLED))
    fleet.add(report("expiry", "compliant", 9, OK, suspect="the file name does not match the host it claims (PC01)"))
    assert fleet.devices["PC01"].certs == [DUE, ROOT_INSTALLED] and fleet.suspect_count == 1


def result_file(folder, name: str, check: str, verdict: str, written_at: str, **body) -> None:
    data = {"schema": "pycert.result/1", "hostname": "UKETSUKE-PC1", "user": "CLINIC\\uketsuke", "check": check,
            "verdict": verdict, "exit_code": 0 if verdict == "compliant" else 1, "written_at": written_at, **body}
    (folder / name).write_text(json.dumps(data), encoding="utf-8")


def test_the_policy_folders_files_of_one_device_make_one_row_per_check(tmp_path):
    """The share as `[report] result_folder` leaves it: <stem>.<check>.json per check."""
    result_file(tmp_path, "UKETSUKE-PC1.expiry.json", "expiry", "noncompliant", "2026-11-20T03:00:00Z",
                certificates=[{"profile": "obn", "state": "due", "common_name": "0110119153", "days_left": 20,
                               "expires": "2026-12-11", "thumbprint": "91DBDBD0" + "0" * 32}])
    result_file(tmp_path, "UKETSUKE-PC1.rootca.json", "rootca", "compliant", "2026-11-20T08:00:00Z")
    summary = json.loads(run([str(tmp_path)], NOW, "json"))
    assert summary["devices"] == 1 and summary["duplicates_ignored"] == 0 and summary["suspect"] == 0
    assert summary["devices_by_verdict"] == {"noncompliant": 1}
    assert summary["certificates_by_state"] == {"due": 1}
    assert [(r["device"], r["days_left"], r["check"]) for r in summary["soonest"]] == [("UKETSUKE-PC1", 20, "expiry")]


def test_two_intune_exports_of_one_fleet_combine_per_device(tmp_path):
    header = "DeviceName,PreRemediationDetectionScriptOutput,ModifiedTime\n"
    (tmp_path / "expiry.csv").write_text(
        header + "PC01,NONCOMPLIANT expiry v1 certs=1 due=1 | obn cn=0110119153 state=due days=20 expires=2026-12-11 "
                 "tp=91DBDBD0,2026-11-20T01:00:00Z\n", encoding="utf-8")
    (tmp_path / "rootca.csv").write_text(
        header + 'PC01,NONCOMPLIANT rootca v1 pins=1 missing=1 | "Security Communication RootCA2" state=missing,'
                 "2026-11-20T06:00:00Z\n", encoding="utf-8")
    summary = json.loads(run([str(tmp_path / "expiry.csv"), str(tmp_path / "rootca.csv")], NOW, "json"))
    assert summary["devices"] == 1 and summary["rows_read"] == 2
    assert summary["certificates_by_state"] == {"due": 1}
    assert summary["states_by_check"] == {"rootca": {"missing": 1}}


def test_a_failed_checks_reason_survives_a_newer_sound_report_of_another_check():
    """The 対処 column says 失敗: <reason>; the reason must be the failed run's, not the
    (empty) reason of the newer rootca run the device's view is built around."""
    fleet = Fleet(now=NOW)
    failed = report("expiry", "failed", 1)
    failed.reason = "The policy file C:\\ProgramData\\PyCert\\pycert.toml is not TOML (line 3: expected '=')"
    fleet.add(failed)
    fleet.add(report("rootca", "compliant", 5, ROOT_INSTALLED))
    (device,) = fleet.devices.values()
    assert device.verdict == "failed"
    assert device.reason == "The policy file C:\\ProgramData\\PyCert\\pycert.toml is not TOML (line 3: expected '=')"
