"""The machine-wide lock and the run log."""

import ctypes
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from pycert.common import logs
from pycert.common.errors import LockBusy
from pycert.platform import lock
from pycert.platform.windows.kernel32 import KERNEL32
from tests.winfakes import fake_library

HOLDER = """
import sys, time
from pycert.platform.lock import machine_lock
with machine_lock(5):
    print("held", flush=True)
    time.sleep(float(sys.argv[1]))
"""


def _hold(seconds: float, env_lock: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(seconds)],
        stdout=subprocess.PIPE, text=True, cwd=str(ROOT),
        env={**__import__("os").environ, "PYCERT_LOCK_FILE": env_lock, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_run_waits_then_gives_up_with_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "pycert.lock"
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(path))
    holder = _hold(30, str(path))
    try:
        started = time.monotonic()
        with pytest.raises(LockBusy) as info:
            with lock.machine_lock(wait_seconds=0.5):
                pytest.fail("the lock was taken twice")
        assert time.monotonic() - started >= 0.5  # it did wait
        assert info.value.exit_code == 3
        assert info.value.message == (
            f"Another PyCert run is in progress (it holds {path}); wait for it to finish and run PyCert again."
        )
    finally:
        holder.kill()
        holder.wait()
    # the holder was killed mid-run: the lock is free again at once (flock dies with the process)
    with lock.machine_lock(wait_seconds=0):
        pass


def test_waiter_gets_the_lock_when_the_holder_finishes(tmp_path, monkeypatch):
    path = tmp_path / "pycert.lock"
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(path))
    holder = _hold(0.5, str(path))
    try:
        with lock.machine_lock(wait_seconds=20):
            assert holder.wait(timeout=20) == 0
    finally:
        holder.kill()


def test_lock_file_symlink_is_not_followed(tmp_path, monkeypatch):
    target = tmp_path / "victim"
    target.write_text("precious")
    link = tmp_path / "pycert.lock"
    link.symlink_to(target)
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(link))
    with pytest.raises(lock.PlatformError, match="cannot be opened"):
        with lock.machine_lock(wait_seconds=0):
            pass
    assert target.read_text() == "precious"


def windows_mutexes(mocker):
    """Both accounts' view of the object manager (tests/winfakes.MutexNamespace)."""
    from pycert.platform.windows import mutex
    from tests.winfakes import MutexNamespace

    space = MutexNamespace()
    k32, k32_os = space.kernel32(mocker, KERNEL32)
    adv, adv_os = space.advapi32(mocker, mutex.ADVAPI32)
    mocker.patch.object(mutex, "kernel32", return_value=k32)
    mocker.patch.object(mutex, "advapi32", return_value=adv)
    mocker.patch.object(mutex, "_sleep")
    return mutex, space, k32_os, adv_os


def test_windows_mutex_is_global_with_a_dacl_every_account_can_wait_on(mocker):
    mutex, space, k32, adv = windows_mutexes(mocker)
    with mutex.named_mutex(lock.MUTEX_NAME, 2.5):
        k32.ReleaseMutex.assert_not_called()
    [(sddl, revision, _out, _size)] = [c.args for c in adv.ConvertStringSecurityDescriptorToSecurityDescriptorW.call_args_list]
    assert (sddl, revision) == ("D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x00100001;;;AU)", 1)
    [(sa, name, flags, access)] = [c.args for c in k32.CreateMutexExW.call_args_list]
    assert (name, flags, access) == ("Global\\PyCert", 0, 0x00100001)  # SYNCHRONIZE | MUTEX_MODIFY_STATE only
    assert sa._obj.nLength == ctypes.sizeof(mutex.SECURITY_ATTRIBUTES) and not sa._obj.bInheritHandle
    k32.WaitForSingleObject.assert_called_once_with(0x100, 2500)
    k32.ReleaseMutex.assert_called_once_with(0x100)
    k32.CloseHandle.assert_called_once_with(0x100)
    k32.LocalFree.assert_called_once()  # the security descriptor
    k32.CreateMutexW.assert_not_called()


def test_a_user_run_waits_behind_a_system_run_instead_of_failing(mocker):
    """Defect 2: SYSTEM (Intune) holds the lock; the user's run must be busy (exit 1 path,
    LockBusy), never ERROR_ACCESS_DENIED as a runtime error (exit 3)."""
    mutex, space, k32, adv = windows_mutexes(mocker)
    space.account = "SYSTEM"
    with mutex.named_mutex(lock.MUTEX_NAME, 1):
        space.account = "user"
        with pytest.raises(LockBusy, match=r"Global\\PyCert"):
            with mutex.named_mutex(lock.MUTEX_NAME, 1):
                pytest.fail("entered while SYSTEM holds the lock")
        space.account = "SYSTEM"
    space.account = "user"
    with mutex.named_mutex(lock.MUTEX_NAME, 1):  # free again: the user's run takes it
        assert space.held == {"Global\\PyCert": "user"}


def test_a_mutex_an_older_pycert_made_without_a_dacl_is_busy_for_others_not_an_error(mocker):
    mutex, space, k32, adv = windows_mutexes(mocker)
    space.mutexes["Global\\PyCert"] = {"owner": "SYSTEM", "sddl": None}
    space.account = "user"
    with pytest.raises(LockBusy):
        with mutex.named_mutex(lock.MUTEX_NAME, 3):
            pytest.fail("entered a mutex this account may not open")
    assert [c.args[0] for c in mutex._sleep.call_args_list] == [1.0, 1.0, 1.0]  # looked again until the wait ran out
    k32.OpenMutexW.assert_called_with(0x00100001, False, "Global\\PyCert")


def test_windows_mutex_timeout_is_lock_busy(mocker):
    mutex, space, k32, adv = windows_mutexes(mocker)
    space.held["Global\\PyCert"] = "admin"
    space.mutexes["Global\\PyCert"] = {"owner": "admin", "sddl": mutex.MUTEX_SDDL}
    with pytest.raises(LockBusy, match=r"Global\\PyCert"):
        with mutex.named_mutex(lock.MUTEX_NAME, 1):
            pytest.fail("entered without the mutex")
    k32.ReleaseMutex.assert_not_called()
    k32.CloseHandle.assert_called_once()


def test_log_lines_carry_time_user_command_action_result(tmp_path):
    path = logs.setup("remediate rootca", "info", tmp_path)
    logs.event("install", "ok", store="LocalMachine\\Root", note='multi\nline "quoted"')
    logs.event("detail", "skipped", level=10)  # debug: below the level
    text = path.read_text(encoding="utf-8")
    [line] = text.splitlines()
    assert line.endswith(
        'command="remediate rootca" action=install result=ok store="LocalMachine\\Root" note="multi line \'quoted\'"'
    )
    assert line[:20].endswith("Z") and " INFO pid=" in line and 'user="' in line


def test_log_rotates_at_its_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    path = logs.setup("detect", "info", tmp_path)
    for i in range(200):
        logs.event("detect", "compliant", n=i)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["pycert.log", "pycert.log.1", "pycert.log.2", "pycert.log.3", "pycert.log.4", "pycert.log.5"]
    assert all(p.stat().st_size <= 2200 for p in tmp_path.iterdir())
    assert path.exists()


def test_unwritable_log_does_not_stop_the_run(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert logs.setup("detect", "info", blocker / "logs") is None
    assert "cannot be written" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["remediate", "expiry"],
        ["remediate", "rootca", "--scope", "user"],
        ["remediate", "mpki", "--msi", "nothing.msi"],
        ["remediate"],
        ["import", "{pfx}", "--password-env", "PW"],
        ["cleanup", "--yes"],
    ],
    ids=["remediate-expiry", "remediate-rootca", "remediate-mpki", "remediate-all", "import", "cleanup"],
)
def test_every_changing_command_waits_for_the_lock_then_exits_3_changing_nothing(
    argv, mono_store, tmp_path, monkeypatch, capsys
):
    from pycert.demo import samples
    from pycert.cli import run
    from tests.pfxfiles import obn_pfx

    now = samples.utc_now()
    old = samples.obn_certificate("0110119153", 20, now, key_seed=1)
    mono_store.add(old)
    pfx_path, _ = obn_pfx(tmp_path, "renewed.pfx", 1185, now)
    monkeypatch.setenv("PW", "1234")
    path = tmp_path / "pycert.lock"
    monkeypatch.setenv("PYCERT_LOCK_FILE", str(path))
    before = mono_store.files()
    holder = _hold(30, str(path))
    try:
        code = run(["--lock-timeout", "0.3", *[a.format(pfx=pfx_path) for a in argv]])
    finally:
        holder.kill()
        holder.wait()
    out, err = capsys.readouterr()
    assert code == 3, (out, err)
    assert "Another PyCert run is in progress" in err and "Traceback" not in err
    assert mono_store.files() == before


def test_a_percent_in_the_user_name_is_logged_as_text(tmp_path, monkeypatch, capsys):
    """Issue #18 class 6: `%` is legal in a Windows user name; in the format string it gave
    a '--- Logging error ---' traceback on stderr and no line."""
    monkeypatch.setattr(logs, "current_user", lambda: "CLINIC\\a%sb%(x)d%")
    path = logs.setup("import", "info", tmp_path)
    logs.event("import", "ok", note="100% done")
    [line] = path.read_text(encoding="utf-8").splitlines()
    assert 'user="CLINIC\\a%sb%(x)d%" command="import" action=import result=ok note="100% done"' in line
    assert "Logging error" not in capsys.readouterr().err
