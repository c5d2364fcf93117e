"""The machine-wide lock and the run log."""

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


def test_windows_mutex_is_global_and_abandoned_counts_as_acquired(mocker):
    from pycert.platform.windows import mutex

    k32 = mocker.MagicMock()
    k32.CreateMutexW.return_value = 1234
    k32.WaitForSingleObject.return_value = mutex.WAIT_ABANDONED
    mocker.patch.object(mutex, "kernel32", return_value=fake_library(KERNEL32, k32))
    with mutex.named_mutex(lock.MUTEX_NAME, 2.5):
        k32.ReleaseMutex.assert_not_called()
    k32.CreateMutexW.assert_called_once_with(None, 0, "Global\\PyCert")
    k32.WaitForSingleObject.assert_called_once_with(1234, 2500)
    k32.ReleaseMutex.assert_called_once_with(1234)
    k32.CloseHandle.assert_called_once_with(1234)


def test_windows_mutex_timeout_is_lock_busy(mocker):
    from pycert.platform.windows import mutex

    k32 = mocker.MagicMock()
    k32.CreateMutexW.return_value = 99
    k32.WaitForSingleObject.return_value = mutex.WAIT_TIMEOUT
    mocker.patch.object(mutex, "kernel32", return_value=fake_library(KERNEL32, k32))
    with pytest.raises(LockBusy, match=r"Global\\PyCert"):
        with mutex.named_mutex(lock.MUTEX_NAME, 1):
            pytest.fail("entered without the mutex")
    k32.ReleaseMutex.assert_not_called()
    k32.CloseHandle.assert_called_once_with(99)


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
