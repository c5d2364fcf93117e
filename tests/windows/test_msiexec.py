"""platform/windows/msiexec.py on a real Windows: the installer mutex when no installation
runs, the System32 paths it starts, and the process list it closes tray programs from."""

from __future__ import annotations

import os
import sys


def test_the_installer_mutex_is_free_on_an_idle_runner():
    from pycert.platform.windows import msiexec

    assert msiexec.wait_for_mutex(30) is True


def test_programs_are_started_from_system32():
    from pycert.platform.windows import msiexec

    for program in ("msiexec.exe", "taskkill.exe"):
        assert os.path.isfile(msiexec.system32(program)), program


def test_the_process_list_has_this_process_and_closes_nothing_unrelated():
    from pycert.platform.windows import msiexec

    processes = dict(msiexec._processes())
    assert os.getpid() in processes and processes[os.getpid()].lower().endswith(os.path.basename(sys.executable).lower())
    assert msiexec.close_processes(r"C:\Program Files\PyCert CI No Such Folder", []) == []


# Another process holds Global\_MSIExecute, as a running installation does. Created here with
# plain ctypes (not pycert's code) so the test does not use the code it checks; the handle
# dies with the process, which Windows reports to waiters as WAIT_ABANDONED.
HOLDER = r'''
import ctypes, sys, time
from ctypes import wintypes
kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
class SECURITY_ATTRIBUTES(ctypes.Structure):
    _fields_ = [("nLength", wintypes.DWORD), ("lpSecurityDescriptor", ctypes.c_void_p), ("bInheritHandle", wintypes.BOOL)]
convert = advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW
convert.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(wintypes.ULONG)]
convert.restype = wintypes.BOOL
kernel32.CreateMutexW.argtypes = [ctypes.POINTER(SECURITY_ATTRIBUTES), wintypes.BOOL, wintypes.LPCWSTR]
kernel32.CreateMutexW.restype = wintypes.HANDLE
sddl, flag, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
attributes = None
if sddl:
    descriptor = ctypes.c_void_p()
    if not convert(sddl, 1, ctypes.byref(descriptor), None):
        sys.exit(f"SDDL: error {ctypes.get_last_error()}")
    attributes = SECURITY_ATTRIBUTES(ctypes.sizeof(SECURITY_ATTRIBUTES), descriptor, False)
handle = kernel32.CreateMutexW(ctypes.byref(attributes) if attributes else None, True, "Global\\_MSIExecute")
if not handle or ctypes.get_last_error() == 183:  # ERROR_ALREADY_EXISTS: a real installation runs
    sys.exit(f"could not take Global\\_MSIExecute: error {ctypes.get_last_error()}")
open(flag, "w").write("held")
time.sleep(seconds)
'''


def _hold_installer_mutex(tmp_path, seconds: float, sddl: str = ""):
    import subprocess
    import time

    flag = tmp_path / f"held-{time.monotonic_ns()}"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, sddl, str(flag), str(seconds)])
    deadline = time.monotonic() + 30
    while not flag.exists():
        assert holder.poll() is None, f"the holder process exited with {holder.returncode}"
        assert time.monotonic() < deadline, "the holder process did not take the mutex in 30 s"
        time.sleep(0.1)
    return holder


def test_a_held_installer_mutex_is_waited_for_then_taken(tmp_path):
    import time

    from pycert.platform.windows import msiexec

    holder = _hold_installer_mutex(tmp_path, 6)
    started = time.monotonic()
    assert msiexec.wait_for_mutex(60) is True  # WaitForSingleObject returns when the holder ends
    assert time.monotonic() - started > 3
    assert holder.wait(30) == 0


def test_a_held_installer_mutex_stops_the_plan_at_the_timeout(tmp_path):
    import time

    from pycert.mpki.rules import Step
    from pycert.platform.windows import msiexec

    holder = _hold_installer_mutex(tmp_path, 30)
    try:
        started = time.monotonic()
        done = msiexec.execute([Step("wait-mutex"), Step("uninstall", "{00000000-0000-0000-0000-000000000000}", "x.log")],
                               mutex_wait_seconds=2, busy_retries=0, tray_processes=[])
        assert 1.5 < time.monotonic() - started < 20
        assert done.stopped == "another installation held Global\\_MSIExecute for 2 s"
        assert done.runs == []  # msiexec was never started
    finally:
        holder.kill()
        holder.wait(30)


def test_an_installer_mutex_this_account_may_not_open_is_busy_until_it_is_gone(tmp_path):
    """The installer service's mutex has a DACL the user may not open (ERROR_ACCESS_DENIED):
    busy, looked at again every MUTEX_POLL_SECONDS; free once it no longer exists."""
    import time

    from pycert.platform.windows import msiexec

    holder = _hold_installer_mutex(tmp_path, 7, sddl="D:P(A;;GA;;;SY)")  # SYSTEM only: this account is denied
    started = time.monotonic()
    assert msiexec.wait_for_mutex(60) is True
    waited = time.monotonic() - started
    assert 5 <= waited < 30  # at least one 5 s poll, then ERROR_FILE_NOT_FOUND
    assert holder.wait(30) == 0
