"""msiexec, the installer mutex and the tray process: exact argv, flags and call order (mocked)."""

from unittest.mock import MagicMock, call

import pytest

from pycert.platform.windows.kernel32 import KERNEL32
from tests.winfakes import fake_library
from pycert.mpki.rules import Step
from pycert.platform.windows import msiexec

MSIEXEC = r"C:\Windows\System32\msiexec.exe"
A = "{11111111-2222-3333-4444-555555555555}"


@pytest.fixture(autouse=True)
def windows_env(monkeypatch):
    monkeypatch.setenv("SystemRoot", r"C:\Windows")


@pytest.fixture
def os_calls(mocker):
    """_spawn, _sleep, _kernel32 and _processes replaced; one parent mock records the order."""
    parent = MagicMock()
    parent.spawn.return_value = 0
    parent.kernel32.OpenMutexW.return_value = 0  # no installer transaction exists
    parent.processes.return_value = []
    mocker.patch.object(msiexec, "_spawn", parent.spawn)
    mocker.patch.object(msiexec, "_sleep", parent.sleep)
    kernel32 = fake_library(KERNEL32, parent.kernel32)
    kernel32.last_errors["OpenMutexW"] = 2  # ERROR_FILE_NOT_FOUND
    mocker.patch.object(msiexec, "_kernel32", return_value=kernel32)
    mocker.patch.object(msiexec, "_processes", parent.processes)
    return parent


def test_exact_argv():
    assert msiexec.uninstall_argv(A, r"C:\ProgramData\PyCert\Logs\u.log") == [
        MSIEXEC, "/x", A, "/qn", "/norestart", "/L*v", r"C:\ProgramData\PyCert\Logs\u.log"]
    assert msiexec.install_argv(r"C:\cache\new.msi", "i.log") == [
        MSIEXEC, "/i", r"C:\cache\new.msi", "/qn", "/norestart", "/L*v", "i.log"]


def test_mutex_absent_means_free(os_calls):
    assert msiexec.wait_for_mutex(60) is True
    os_calls.kernel32.OpenMutexW.assert_called_once_with(0x00100001, False, "Global\\_MSIExecute")
    os_calls.kernel32.WaitForSingleObject.assert_not_called()


def test_mutex_acquired_is_released_at_once(os_calls):
    os_calls.kernel32.OpenMutexW.return_value = 0x1234
    os_calls.kernel32.WaitForSingleObject.return_value = msiexec.WAIT_OBJECT_0
    assert msiexec.wait_for_mutex(90) is True
    assert os_calls.kernel32.mock_calls[1:] == [
        call.WaitForSingleObject(0x1234, 90000), call.ReleaseMutex(0x1234), call.CloseHandle(0x1234)]


def test_mutex_timeout(os_calls):
    os_calls.kernel32.OpenMutexW.return_value = 0x1234
    os_calls.kernel32.WaitForSingleObject.return_value = msiexec.WAIT_TIMEOUT
    assert msiexec.wait_for_mutex(5) is False
    os_calls.kernel32.ReleaseMutex.assert_not_called()
    os_calls.kernel32.CloseHandle.assert_called_once_with(0x1234)


def test_an_installer_mutex_we_may_not_open_is_busy_not_free(os_calls, mocker):
    """Defect 3: ERROR_ACCESS_DENIED from OpenMutexW is a transaction of another account,
    not "no transaction": look again every 5 s, and report busy at the timeout."""
    kernel32 = msiexec._kernel32()
    kernel32.last_errors["OpenMutexW"] = 5  # ERROR_ACCESS_DENIED
    assert msiexec.wait_for_mutex(12) is False
    assert os_calls.kernel32.OpenMutexW.call_count == 4
    assert [c.args for c in os_calls.sleep.call_args_list] == [(5,), (5,), (2,)]
    os_calls.kernel32.WaitForSingleObject.assert_not_called()


def test_a_denied_mutex_that_becomes_openable_is_waited_for(os_calls):
    kernel32 = msiexec._kernel32()
    kernel32.last_errors["OpenMutexW"] = 5
    os_calls.kernel32.OpenMutexW.side_effect = [0, 0x1234]
    os_calls.kernel32.WaitForSingleObject.return_value = msiexec.WAIT_OBJECT_0
    assert msiexec.wait_for_mutex(60) is True
    os_calls.kernel32.WaitForSingleObject.assert_called_once_with(0x1234, 55000)
    os_calls.kernel32.ReleaseMutex.assert_called_once_with(0x1234)


def test_1618_is_retried_with_backoff(os_calls):
    os_calls.spawn.side_effect = [1618, 1618, 0]
    run = msiexec.run_msiexec(Step("install", "new.msi", "i.log"), busy_retries=3)
    assert run.codes == [1618, 1618, 0] and run.meaning == "ok"
    assert os_calls.mock_calls == [
        call.spawn(msiexec.install_argv("new.msi", "i.log")), call.sleep(30),
        call.spawn(msiexec.install_argv("new.msi", "i.log")), call.sleep(60),
        call.spawn(msiexec.install_argv("new.msi", "i.log"))]


def test_1618_gives_up_after_the_retries(os_calls):
    os_calls.spawn.return_value = 1618
    run = msiexec.run_msiexec(Step("uninstall", A, "u.log"), busy_retries=2)
    assert run.codes == [1618] * 3 and run.meaning == "busy"


def test_tray_processes_under_the_install_folder_or_named_are_closed(os_calls):
    os_calls.processes.return_value = [
        (10, r"C:\Program Files\Cybertrust\MPKI Client\MPKIClientTray.exe"),
        (11, r"C:\Program Files\Cybertrust\MPKI Client Other\x.exe"),
        (12, r"C:\Windows\explorer.exe"),
        (13, r"C:\Tools\MpkiHelper.EXE"),
    ]
    closed = msiexec.close_processes("C:\\Program Files\\Cybertrust\\MPKI Client\\", ["mpkihelper.exe"])
    assert os_calls.spawn.call_args_list == [
        call([r"C:\Windows\System32\taskkill.exe", "/PID", "10", "/T", "/F"]),
        call([r"C:\Windows\System32\taskkill.exe", "/PID", "13", "/T", "/F"])]
    assert closed == ["mpkiclienttray.exe (pid 10)", "mpkihelper.exe (pid 13)"]


PLAN = [Step("wait-mutex"), Step("close-tray", r"C:\MPKI"), Step("uninstall", A, "u.log"),
        Step("install", "new.msi", "i.log"), Step("confirm", "2.1.0")]


def run_plan():
    return msiexec.execute(PLAN, mutex_wait_seconds=60, busy_retries=1, tray_processes=[])


def test_execute_in_order_with_reboot_flag(os_calls):
    os_calls.spawn.side_effect = [0, 3010]
    done = run_plan()
    assert not done.stopped and done.reboot and done.install_ok
    assert [c for c in os_calls.mock_calls if c[0] in ("spawn", "processes", "kernel32.OpenMutexW")] == [
        call.kernel32.OpenMutexW(0x00100001, False, "Global\\_MSIExecute"),
        call.processes(),
        call.spawn(msiexec.uninstall_argv(A, "u.log")),
        call.spawn(msiexec.install_argv("new.msi", "i.log"))]


def test_install_failure_after_uninstall_is_retried_once_then_reported(os_calls):
    os_calls.spawn.side_effect = [0, 1603, 1603]
    done = run_plan()
    assert [r.log for r in done.runs] == ["u.log", "i.log", "i-retry.log"]
    assert done.removed_any and not done.install_ok
    assert done.stopped == "installing new.msi ended with msiexec exit code 1603"
    assert os_calls.spawn.call_count == 3


def test_install_retry_can_succeed(os_calls):
    os_calls.spawn.side_effect = [0, 1603, 0]
    done = run_plan()
    assert not done.stopped and done.install_ok


def test_uninstall_failure_stops_before_install(os_calls):
    os_calls.spawn.side_effect = [1603]
    done = run_plan()
    assert done.stopped.startswith("uninstalling " + A) and not done.removed_any
    os_calls.spawn.assert_called_once_with(msiexec.uninstall_argv(A, "u.log"))


def test_busy_mutex_changes_nothing(os_calls):
    os_calls.kernel32.OpenMutexW.return_value = 7
    os_calls.kernel32.WaitForSingleObject.return_value = msiexec.WAIT_TIMEOUT
    done = run_plan()
    assert "Global\\_MSIExecute" in done.stopped
    os_calls.spawn.assert_not_called()
    os_calls.processes.assert_not_called()


def test_1605_on_uninstall_counts_as_already_gone(os_calls):
    os_calls.spawn.side_effect = [1605, 0]
    done = run_plan()
    assert not done.stopped and not done.removed_any


def test_held_file_refuses_when_it_cannot_lock(os_calls):
    from pycert.common.errors import PlatformError

    os_calls.kernel32.CreateFileW.return_value = 0xFFFFFFFFFFFFFFFF
    with pytest.raises(PlatformError, match="could not be opened exclusively"):
        with msiexec.HeldFile(r"C:\cache\x.msi"):
            pass
    os_calls.kernel32.CreateFileW.assert_called_once_with(r"C:\cache\x.msi", 0x80000000, 0x1, None, 3, 0, None)
    os_calls.kernel32.CloseHandle.assert_not_called()


def test_kernel32_prototypes_keep_handles_pointer_sized():
    """Without restype/argtypes, ctypes truncates 64-bit handles to a 32-bit int (a Windows-only
    crash). The types are written here from the Windows Data Types page, not taken from ffi."""
    import ctypes

    from pycert.platform.windows import wintrust

    handle, dword = ctypes.c_void_p, ctypes.c_uint32
    k32 = KERNEL32.prototypes
    for name in ("OpenMutexW", "CreateMutexW", "CreateFileW", "CreateToolhelp32Snapshot", "OpenProcess", "GetCurrentProcess"):
        assert k32[name].restype is handle, name
    assert k32["WaitForSingleObject"].argtypes == (handle, dword)
    assert k32["CloseHandle"].argtypes == (handle,)
    trust = wintrust.WINTRUST.prototypes
    assert trust["WinVerifyTrust"].restype is ctypes.c_int32 and trust["WinVerifyTrust"].argtypes[0] is handle
    assert trust["WTHelperGetProvCertFromChain"].restype._type_ is wintrust.CRYPT_PROVIDER_CERT
