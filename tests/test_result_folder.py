"""`[report] result_folder` (issue 17): every detect/remediate run leaves its JSON in the
policy's folder as `<device stem>.<check>.json`, best effort — a folder that cannot be
written changes neither the line nor the exit code, and is logged."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest

from pycert.common import resultfile
from pycert.demo.samples import obn_certificate, utc_now
from pycert.policy.models import BUILTIN_POLICY, MAX_RESULT_FOLDER, Policy


def policy(folder: str) -> Policy:
    return Policy.model_validate({**BUILTIN_POLICY, "report": {"result_folder": folder}})


@pytest.mark.parametrize("folder", ["", "\\\\fs01\\pycert-results", "\\\\fs01.clinic.local\\share\\PyCert\\",
                                    "\\\\192.168.1.10\\results$", "D:\\PyCert\\Results", "C:\\", "/srv/pycert-results",
                                    "\\\\fs01\\s\\" + "x" * (MAX_RESULT_FOLDER - 9)])
def test_folders_the_policy_accepts(folder):
    assert policy(folder).report.result_folder == folder


@pytest.mark.parametrize("folder, reason", [
    ("results", "is neither a UNC path (\\\\server\\share\\folder) nor a local folder (C:\\folder)"),
    ("C:relative", "is neither a UNC path"),
    ("\\\\fs01", "is neither a UNC path"),
    ("\\\\.\\pipe\\x", "is neither a UNC path"),
    ("//fs01/share", "is neither a UNC path"),
    ("C:/PyCert", "is neither a UNC path"),
    ("\\\\?\\C:\\x", "holds a control character or one of \" * ? < > |"),
    ("D:\\a\"b", "holds a control character or one of"),
    ("D:\\a\nb", "holds a control character or one of"),
    ("\\\\fs01\\share\\..\\other", "has a `.` or `..` part"),
    ("\\\\fs01\\share\\dir.", "has a `.` or `..` part or a part ending in a space or a dot"),
    ("\\\\fs01\\s\\" + "x" * (MAX_RESULT_FOLDER - 8), f"is {MAX_RESULT_FOLDER + 1} characters long; at most 180"),
])
def test_folders_the_policy_refuses_with_the_reason(folder, reason):
    with pytest.raises(ValueError) as caught:
        policy(folder)
    assert reason in str(caught.value)


def test_the_builtin_default_writes_nowhere():
    from pycert.policy.models import builtin_policy

    assert builtin_policy().report.result_folder == "" == Policy.model_validate(BUILTIN_POLICY).report.result_folder


def _h(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


@pytest.mark.parametrize("device, check, name", [
    ("CLINIC-A-PC01", "expiry", "CLINIC-A-PC01.expiry.json"),
    ("CLINIC-A-PC01", "rootca", "CLINIC-A-PC01.rootca.json"),
    ("受付PC", "mpki", f"__PC_{_h('受付PC')}.mpki.json"),
    ("PC01.expiry", "expiry", "PC01.expiry.expiry.json"),  # a plain name may hold '.': the check is always last
    ("PC01", "all", "PC01.all.json"),
    ("PC01", "../x", "PC01.all.json"),  # not a check name: never a path
])
def test_policy_file_names(device, check, name):
    assert resultfile.policy_file_name(device, check) == name


def test_policy_file_names_are_injective_over_devices_and_checks():
    devices = ["PC01", "pc01", "PC01.expiry", "PC 01", "PC_01", "受付PC", "診察PC", "A" * 64, "A" * 65, "A" * 100 + "x"]
    names = [resultfile.policy_file_name(d, c) for d in devices for c in ("expiry", "rootca", "mpki", "all")]
    assert len(set(names)) == len(names)


def test_a_share_that_does_not_answer_is_given_up_after_the_timeout(monkeypatch, tmp_path):
    """No real share can be made to hang here, so the write is held on an event: the run
    goes on after `timeout` and the log says why."""
    release = threading.Event()
    monkeypatch.setattr(resultfile, "atomic_write", lambda *_args, **_kw: release.wait(10))
    events = []
    monkeypatch.setattr("pycert.common.logs.event", lambda *args, **kw: events.append((args, kw)))
    try:
        assert resultfile.write_to_policy_folder(str(tmp_path), {"check": "expiry", "verdict": "compliant"}, 0.2) is None
    finally:
        release.set()
    (action, result, level), details = events[0]
    assert (action, result, level) == ("result-file", "failed", 30)
    assert details["reason"] == f"no answer from '{tmp_path}' within 0.2 s; the run goes on without it"


def test_detect_writes_into_the_policy_folder_and_report_reads_it(cli_sandbox, tmp_path):
    now = utc_now()
    cli_sandbox.seed([obn_certificate("0110119153", 30, now)])
    share = tmp_path / "share"
    share.mkdir()
    cli_sandbox.write_policy(f'[report]\nresult_folder = "{share}"\n')
    run = cli_sandbox.run("detect", "expiry", "--as-of", now.isoformat(), env={"COMPUTERNAME": "CLINIC-A-PC01"})
    assert run.code == 1 and run.stderr == ""
    written = json.loads((share / "CLINIC-A-PC01.expiry.json").read_text(encoding="utf-8"))
    assert written["summary"] == run.last_line and written["hostname"] == "CLINIC-A-PC01"
    assert [c["days_left"] for c in written["certificates"]] == [30]

    run = cli_sandbox.run("detect", "expiry", env={"COMPUTERNAME": "受付PC"})
    assert run.code == 1 and (share / f"__PC_{_h('受付PC')}.expiry.json").is_file()

    # --result-file given on the command line wins over the policy's folder.
    other = tmp_path / "other"
    other.mkdir()
    run = cli_sandbox.run("detect", "expiry", "--result-file", str(other), env={"COMPUTERNAME": "CLINIC-A-PC02"})
    assert run.code == 1 and (other / "CLINIC-A-PC02.json").is_file()
    assert not (share / "CLINIC-A-PC02.expiry.json").exists()

    report = cli_sandbox.run("report", str(share), "--format", "json")
    summary = json.loads(report.stdout)
    assert report.code == 0 and summary["devices"] == 2
    assert summary["suspect"] == 0 and summary["unparseable"] == 0  # the <stem>.<check> names match their hosts


def test_an_unwritable_policy_folder_changes_neither_line_nor_exit_code(cli_sandbox, tmp_path):
    now = utc_now()
    cli_sandbox.seed([obn_certificate("0110119153", 30, now)])
    args = ("detect", "expiry", "--as-of", now.isoformat())
    env = {"COMPUTERNAME": "CLINIC-A-PC01", "PYCERT_LOG_DIR": str(tmp_path / "logs")}
    without = cli_sandbox.run(*args, env=env)
    cli_sandbox.write_policy(f'[report]\nresult_folder = "{tmp_path / "unreachable"}"\n')
    run = cli_sandbox.run(*args, env=env)
    assert (run.code, run.stdout, run.stderr) == (without.code, without.stdout, "") == (1, without.stdout, "")
    log = (tmp_path / "logs" / "pycert.log").read_text(encoding="utf-8").splitlines()
    assert ('WARNING' in log[-1] and 'action=result-file result=failed path="'
            f'{tmp_path / "unreachable" / "CLINIC-A-PC01.expiry.json"}" reason="could not write' in log[-1])


def test_a_policy_that_does_not_load_writes_nowhere_and_the_run_says_why(cli_sandbox, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    cli_sandbox.write_policy(f'checks = ["expiry"]\n[report]\nresult_folder = "{share}"\n[profiles.obn]\nurgent_days = 99\n')
    run = cli_sandbox.run("detect", "expiry", env={"COMPUTERNAME": "CLINIC-A-PC03"})
    assert run.code == 2 and run.last_line.startswith("FAILED expiry v1 exit=2")
    # The policy itself is wrong (urgent_days above renewal_window_days), so there is no folder to trust.
    assert list(share.iterdir()) == []


def test_a_run_that_fails_after_the_policy_loaded_leaves_its_failure_there(cli_sandbox, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    cli_sandbox.write_policy(f'[report]\nresult_folder = "{share}"\n')
    run = cli_sandbox.run("detect", "expiry", "--profile", "nosuch", env={"COMPUTERNAME": "CLINIC-A-PC04"})
    message = "There is no profile 'nosuch' in the policy; known profiles: obn."
    assert run.code == 2 and run.last_line == f'FAILED expiry v1 exit=2 | error message="{message}"'
    written = json.loads((share / "CLINIC-A-PC04.expiry.json").read_text(encoding="utf-8"))
    assert (written["verdict"], written["exit_code"], written["error"]) == ("failed", 2, message)
