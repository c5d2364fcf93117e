"""The Intune, GPO and SCCM scripts: rendered from one core, ASCII without BOM, one
summary line and nothing else on the output streams, no reboots, and only pycert
commands that exist."""

from __future__ import annotations

import importlib.util
import re
import sys
import xml.etree.ElementTree as ET

import pytest

import pycert
from tests.powershell import pwsh
from tests.powershell.test_module_contract import EXPECTED_MISSING, click_tree

PACKAGING = pwsh.ROOT / "packaging"
SCRIPTS = sorted(p for p in PACKAGING.rglob("*.ps1"))
IDS = [p.relative_to(PACKAGING).as_posix() for p in SCRIPTS]
TASK_NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
TASKS = sorted((PACKAGING / "gpo").glob("*.xml"))
# Anything that writes to a stream other than stdout, or to the console around it, would
# replace or spoil the summary line Intune shows (it keeps only the last line).
OTHER_OUTPUT = {
    "write-host", "write-warning", "write-verbose", "write-information", "write-error", "write-debug",
    "write-progress", "out-host", "out-default",
}
REBOOTS = re.compile(r"Restart-Computer|Stop-Computer|shutdown(\.exe)?\s|/forcerestart|REBOOT=Force", re.IGNORECASE)


def render_module():
    spec = importlib.util.spec_from_file_location("pycert_render", PACKAGING / "scripts" / "render.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["pycert_render"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_rendered_scripts_are_up_to_date_and_complete():
    render = render_module()
    assert render.main(["--check"]) == 0
    rendered = {s.path for s in render.scripts()}
    # packaging/scripts: the sources; packaging/ci: the Windows CI job's own steps (not shipped)
    on_disk = {p.relative_to(PACKAGING).as_posix() for p in SCRIPTS if p.parent.name not in ("scripts", "ci")}
    assert rendered == on_disk


def test_the_up_to_date_check_can_fail(tmp_path, monkeypatch):
    render = render_module()
    monkeypatch.setattr(render, "PACKAGING", tmp_path)
    assert render.main(["--check"]) == 1
    assert render.main([]) == 0 and render.main(["--check"]) == 0
    (tmp_path / "intune" / "PyCert-Expiry-Detect.ps1").write_text("# edited by hand\n")
    assert render.main(["--check"]) == 1


@pytest.mark.parametrize("path", SCRIPTS, ids=IDS)
def test_ascii_without_bom(path):
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    data.decode("ascii")  # Windows PowerShell 5.1 reads BOM-less files in the ANSI code page


@pytest.mark.parametrize("path", SCRIPTS, ids=IDS)
def test_no_other_output_streams_and_no_reboots(path):
    source = pwsh.load(path)
    used = {source.text(c.children[0]).lower() for c in pwsh.walk(source.tree.root_node) if c.type == "command"}
    assert not used & OTHER_OUTPUT
    assert not REBOOTS.search(source.data.decode("ascii"))
    assert "[Console]::Error" not in source.data.decode("ascii")


def script_arguments(path) -> tuple[str, ...]:
    text = path.read_text(encoding="ascii")
    match = re.search(r"^\$PyCertArguments = @\((.*)\)$", text, re.MULTILINE)
    return tuple(re.findall(r"'([^']*)'", match.group(1))) if match else ()


RUN_SCRIPTS = [p for p in SCRIPTS if script_arguments(p)]


@pytest.mark.parametrize("path", RUN_SCRIPTS, ids=[p.name for p in RUN_SCRIPTS])
def test_run_scripts_call_real_commands_and_pass_exit_codes_as_documented(path):
    args = script_arguments(path)
    name = path.name
    assert args[0] == ("detect" if name.endswith(("-Detect.ps1", "-Discovery.ps1")) else "remediate")
    assert args[1] in name.lower()
    text = path.read_text(encoding="ascii")
    assert f"$Check = '{args[1]}'" in text
    # SCCM discovery always exits 0 (its rule reads the line); the others pass pycert's code on
    assert ("$PassExitCode = $false" in text) == name.endswith("-Discovery.ps1")
    # SCCM remediates only Equals rules (defect 12): the discovery prints exactly COMPLIANT when compliant
    assert ("$EqualsRule = $true" in text) == name.endswith("-Discovery.ps1")
    assert "if ($EqualsRule -and $line.StartsWith('COMPLIANT ')) { $line = 'COMPLIANT' }" in text
    assert "PyCert not installed" in text
    tree = click_tree()
    if args not in tree:
        assert args in EXPECTED_MISSING, f"{name} calls pycert {' '.join(args)}, which does not exist"
        pytest.xfail(f"pycert {' '.join(args)} comes with {EXPECTED_MISSING[args]}")
    assert args not in EXPECTED_MISSING


@pytest.mark.parametrize("path", RUN_SCRIPTS, ids=[p.name for p in RUN_SCRIPTS])
def test_context_is_stated_per_check(path):
    text = path.read_text(encoding="ascii")
    user = "expiry" in script_arguments(path)
    assert ("logged-on credentials = Yes" in text or "logged on user credentials = Yes" in text) == user
    if path.parent.name == "intune":
        assert "Run script in 64-bit PowerShell = Yes" in text


@pytest.mark.parametrize("path", [*RUN_SCRIPTS, PACKAGING / "gpo" / "PyCert-Startup.ps1"],
                         ids=[*(p.name for p in RUN_SCRIPTS), "PyCert-Startup.ps1"])
def test_every_script_that_runs_a_check_says_where_its_result_file_goes(path):
    """The scripts pass nothing for it (pycert reads [report] result_folder itself), so the
    header is where an admin reading the script learns of it."""
    header = path.read_text(encoding="ascii").split("#>", 1)[0]
    assert "Result file: when the policy sets [report] result_folder, pycert also writes <device>.<check>.json" in header
    assert "--result-file" not in path.read_text(encoding="ascii")


def test_app_detection_wants_this_version():
    for name in ("intune/PyCert-App-Detection.ps1", "sccm/PyCert-DetectionMethod.ps1"):
        text = (PACKAGING / name).read_text(encoding="ascii")
        assert f"$MinimumVersion = [version]'{pycert.__version__}'" in text
        # "not detected" must print nothing at all: the only output is the detected line
        assert text.count("Write-Output") == 1
        assert "Write-Output \"PyCert $found detected at $exe\"" in text


def test_the_exe_is_found_in_the_64_bit_program_files():
    core = (PACKAGING / "scripts" / "core.ps1").read_text(encoding="ascii")
    assert "$env:ProgramW6432" in core and "'PyCert\\pycert.exe'" in core


def test_gpo_startup_registers_the_task_files_that_exist_and_logs_under_programdata():
    text = (PACKAGING / "gpo" / "PyCert-Startup.ps1").read_text(encoding="ascii")
    listed = re.search(r"\$TaskFiles = @\((.*)\)", text).group(1)
    assert sorted(re.findall(r"'([^']*)'", listed)) == [p.name for p in TASKS]
    assert "Join-Path $env:ProgramData 'PyCert\\Logs'" in text
    # defect 15: only rootca inline (600 s for all start-up scripts, logon screen waiting);
    # the MPKI upgrade goes to the machine task, which the script starts
    assert "$Checks = @('rootca')" in text
    assert "Start-ScheduledTask -TaskPath '\\PyCert\\' -TaskName $MachineTask" in text
    assert "$MachineTask = 'PyCert-Remediate-Machine'" in text
    machine = ET.parse(PACKAGING / "gpo" / "PyCert-Remediate-Machine.xml").getroot()
    assert "remediate mpki" in machine.find(".//t:Arguments", TASK_NS).text


def test_user_and_machine_logon_triggers_have_different_delays():
    delays = {p.name: ET.parse(p).getroot().find(".//t:LogonTrigger/t:Delay", TASK_NS).text for p in TASKS}
    assert delays == {"PyCert-Remediate-Machine.xml": "PT5M", "PyCert-Remediate-User.xml": "PT2M"}


@pytest.mark.parametrize("path", TASKS, ids=[p.name for p in TASKS])
def test_scheduled_tasks_run_remediate_daily_and_at_logon_with_a_log(path):
    task = ET.parse(path).getroot()
    triggers = task.find("t:Triggers", TASK_NS)
    assert triggers.find("t:LogonTrigger", TASK_NS) is not None
    assert triggers.find("t:CalendarTrigger/t:ScheduleByDay/t:DaysInterval", TASK_NS).text == "1"
    principal = task.find("t:Principals/t:Principal", TASK_NS)
    machine = "Machine" in path.name
    if machine:
        assert principal.find("t:UserId", TASK_NS).text == "S-1-5-18"
    else:
        assert principal.find("t:GroupId", TASK_NS).text == "S-1-5-32-545"
        assert principal.find("t:RunLevel", TASK_NS).text == "LeastPrivilege"
    command = task.find("t:Actions/t:Exec/t:Command", TASK_NS).text
    arguments = task.find("t:Actions/t:Exec/t:Arguments", TASK_NS).text
    if machine:
        # SYSTEM (session 0, no window anyone sees): its output appended under %ProgramData%
        runs = re.findall(r'"%ProgramFiles%\\PyCert\\pycert\.exe" (remediate \w+) >> "%ProgramData%\\PyCert\\Logs\\[^"]+\.log" 2>&1', arguments)
        assert runs == ["remediate rootca", "remediate mpki"]
    else:
        # the signed-in user's session: the windowless pycertw.exe itself, no cmd.exe console to
        # flash up or be closed (defect 16); pycert's run log keeps the record (%LOCALAPPDATA%)
        assert (command, arguments) == (r"%ProgramFiles%\PyCert\pycertw.exe", "remediate expiry")
    assert task.find("t:Settings/t:ExecutionTimeLimit", TASK_NS).text == "PT1H"
    assert not REBOOTS.search(path.read_text(encoding="ascii"))


def test_the_not_installed_line_is_a_whole_v1_line():
    """ConvertTo-PyCertLineValue writes an ASCII message as a JSON string and cuts it at 96
    characters; the not-installed message must fit whole and parse as a v1 line."""
    import json

    from pycert.common import lineformat

    core = (PACKAGING / "scripts" / "core.ps1").read_text(encoding="ascii")
    message = re.search(r"^\$NotInstalled = '([^']*)'$", core, re.MULTILINE).group(1)
    assert message.startswith("PyCert not installed") and len(message) <= lineformat.MAX_VALUE
    line = lineformat.parse(f"FAILED expiry v1 exit=3 | error message={json.dumps(message)}")
    assert (line.verdict, line.counters, line.items[0].fields) == ("FAILED", {"exit": "3"}, {"message": message})


def test_module_defects_18_status_exit_1_asof_utc_force_help():
    """Pester covers these on Windows (powershell/tests/PyCert.Tests.ps1); this keeps the
    source honest here: `mpki status` exits 1 when an upgrade is needed (a status, not an
    error), -AsOf is sent as UTC ('zzz' printed the local offset whatever the Kind), and
    -Force's help says what `pycert import --force` does."""
    module = pwsh.ROOT / "powershell" / "PyCert"
    status = (module / "Public" / "Get-PyCertMpkiStatus.ps1").read_text(encoding="utf-8")
    assert "-Command 'mpki', 'status' -ConfigPath $ConfigPath -SuccessCode 0, 1" in status
    sources = "".join(p.read_text(encoding="utf-8") for p in module.rglob("*.ps1"))
    assert "zzz" not in sources and "$AsOf.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'" in sources
    force = (module / "Public" / "Import-PyCertPfx.ps1").read_text(encoding="utf-8")
    assert "Import even if no profile matches the certificate or it has expired" in force
