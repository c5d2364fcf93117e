"""Running Windows Installer: the Global\\_MSIExecute mutex, msiexec with back-off on 1618,
and closing the client's tray process. Every OS call goes through `_spawn`, `_kernel32`,
`_processes` or `_sleep`, which the tests replace."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field

from pycert.mpki.rules import ALREADY_RUNNING, Step, exit_meaning
from pycert.platform.windows.ffi import ERROR_FILE_NOT_FOUND, WinError
from pycert.platform.windows.kernel32 import KERNEL32
from pycert.platform.windows.paths import system32

MUTEX_NAME = "Global\\_MSIExecute"
SYNCHRONIZE = 0x00100000
MUTEX_MODIFY_STATE = 0x0001
WAIT_OBJECT_0 = 0x0
WAIT_ABANDONED = 0x80
WAIT_TIMEOUT = 0x102
MUTEX_POLL_SECONDS = 5  # how often an installer mutex we may not open is looked at again
BUSY_BACKOFF_SECONDS = 30


def msiexec_path() -> str:
    return system32("msiexec.exe")


def uninstall_argv(product_code: str, log: str) -> list[str]:
    return [msiexec_path(), "/x", product_code, "/qn", "/norestart", "/L*v", log]


def install_argv(msi: str, log: str) -> list[str]:
    return [msiexec_path(), "/i", msi, "/qn", "/norestart", "/L*v", log]


# -- the OS, behind one door each ---------------------------------------------------------

def _spawn(argv: list[str]) -> int:
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    return subprocess.run(argv, creationflags=flags, check=False).returncode


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _kernel32():
    """kernel32 with every prototype declared (platform/windows/kernel32.py)."""
    return KERNEL32.load()


def _processes() -> list[tuple[int, str]]:
    """(pid, full image path) of every process this account may query."""
    import ctypes

    from pycert.platform.windows.ffi import DWORD, LONG

    class PROCESSENTRY32W(ctypes.Structure):
        _fields_ = [
            ("dwSize", DWORD), ("cntUsage", DWORD), ("th32ProcessID", DWORD),
            ("th32DefaultHeapID", ctypes.c_void_p), ("th32ModuleID", DWORD), ("cntThreads", DWORD),
            ("th32ParentProcessID", DWORD), ("pcPriClassBase", LONG), ("dwFlags", DWORD),
            ("szExeFile", ctypes.c_wchar * 260),
        ]

    k32 = _kernel32()
    try:
        snapshot = k32.CreateToolhelp32Snapshot(0x2, 0)  # TH32CS_SNAPPROCESS
    except WinError:
        return []  # closing the tray is best effort: msiexec closes what it must itself
    found = []
    entry = PROCESSENTRY32W()
    entry.dwSize = ctypes.sizeof(entry)
    try:
        ok = k32.Process32FirstW(snapshot, ctypes.byref(entry))
        while ok:
            handle = k32.OpenProcess(0x1000, False, entry.th32ProcessID)  # QUERY_LIMITED_INFORMATION
            if handle:
                buf = ctypes.create_unicode_buffer(1024)
                size = DWORD(len(buf))
                if k32.QueryFullProcessImageNameW(handle, 0, buf, ctypes.byref(size)):
                    found.append((entry.th32ProcessID, buf.value))
                k32.CloseHandle(handle)
            ok = k32.Process32NextW(snapshot, ctypes.byref(entry))
    finally:
        k32.CloseHandle(snapshot)
    return found


# -- what the job calls ------------------------------------------------------------------

GENERIC_READ = 0x80000000
FILE_SHARE_READ = 0x1
OPEN_EXISTING = 3


class HeldFile:
    """The verified MSI opened with share mode READ only, from verification until msiexec is
    done: nobody (e.g. a user who can write to the cache folder) can replace or rename it
    in between. Readers, msiexec included, still can open it."""

    def __init__(self, path: str):
        self.path = path
        self.handle = None

    def __enter__(self) -> "HeldFile":
        k32 = _kernel32()
        try:
            self.handle = k32.CreateFileW(self.path, GENERIC_READ, FILE_SHARE_READ, None, OPEN_EXISTING, 0, None)
        except WinError:
            from pycert.common.errors import PlatformError

            raise PlatformError(f"{self.path} could not be opened exclusively; another program is writing it, try again.") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            _kernel32().CloseHandle(self.handle)
            self.handle = None

def wait_for_mutex(timeout_seconds: int) -> bool:
    """True when no Windows Installer transaction runs (now or within the timeout).

    The mutex is taken and released at once: holding it would block our own msiexec.
    Only ERROR_FILE_NOT_FOUND means "no transaction". ERROR_ACCESS_DENIED is a transaction
    whose mutex this account may not open (the installer service's DACL): busy, and so is
    any other failure; it is looked at again every MUTEX_POLL_SECONDS until the timeout.
    """
    k32 = _kernel32()
    waited = 0.0
    while True:
        try:
            handle = k32.OpenMutexW(SYNCHRONIZE | MUTEX_MODIFY_STATE, False, MUTEX_NAME)
            break
        except WinError as exc:
            if exc.code == ERROR_FILE_NOT_FOUND:
                return True
            if waited >= timeout_seconds:
                return False
            step = min(MUTEX_POLL_SECONDS, timeout_seconds - waited)
            _sleep(step)
            waited += step
    try:
        result = k32.WaitForSingleObject(handle, int((timeout_seconds - waited) * 1000))
        if result in (WAIT_OBJECT_0, WAIT_ABANDONED):
            k32.ReleaseMutex(handle)
            return True
        return False
    finally:
        k32.CloseHandle(handle)


def close_processes(install_location: str, extra_names: list[str]) -> list[str]:
    """Force-close processes started from `install_location` or named in `extra_names`."""
    folder = install_location.rstrip("\\/").casefold() + "\\" if install_location else None
    names = {n.casefold() for n in extra_names}
    closed = []
    for pid, image in _processes():
        base = image.replace("/", "\\").rsplit("\\", 1)[-1].casefold()
        if (folder and image.casefold().startswith(folder)) or base in names:
            if _spawn([system32("taskkill.exe"), "/PID", str(pid), "/T", "/F"]) == 0:
                closed.append(f"{base} (pid {pid})")
    return closed


@dataclass
class Run:
    action: str
    target: str
    log: str
    codes: list[int] = field(default_factory=list)

    @property
    def code(self) -> int:
        return self.codes[-1] if self.codes else -1

    @property
    def meaning(self) -> str:
        return exit_meaning(self.code) if self.codes else "not-run"


def run_msiexec(step: Step, busy_retries: int) -> Run:
    """One msiexec run; 1618 (another installation in progress) is retried with back-off."""
    argv = uninstall_argv(step.target, step.log) if step.action == "uninstall" else install_argv(step.target, step.log)
    run = Run(step.action, step.target, step.log)
    for attempt in range(busy_retries + 1):
        run.codes.append(_spawn(argv))
        if run.code != ALREADY_RUNNING or attempt == busy_retries:
            break
        _sleep(BUSY_BACKOFF_SECONDS * (2**attempt))
    return run


@dataclass
class Execution:
    runs: list[Run] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    stopped: str = ""  # why execution stopped early; "" when every step ran
    removed_any: bool = False

    @property
    def reboot(self) -> bool:
        return any(r.meaning == "reboot" for r in self.runs)

    @property
    def install_ok(self) -> bool:
        installs = [r for r in self.runs if r.action == "install"]
        return bool(installs) and installs[-1].meaning in ("ok", "reboot")


def execute(steps: list[Step], *, mutex_wait_seconds: int, busy_retries: int, tray_processes: list[str]) -> Execution:
    """Run a plan from mpkirules.upgrade_plan in order. Stops at the first uninstall failure
    (the install would collide with the old product); an install that fails after something
    was removed is retried once, because the terminal now has no client."""
    done = Execution()
    for step in steps:
        if step.action == "wait-mutex":
            if not wait_for_mutex(mutex_wait_seconds):
                done.stopped = f"another installation held Global\\_MSIExecute for {mutex_wait_seconds} s"
                return done
        elif step.action == "close-tray":
            done.closed += close_processes(step.target, tray_processes)
        elif step.action == "uninstall":
            run = run_msiexec(step, busy_retries)
            done.runs.append(run)
            if run.meaning in ("ok", "reboot", "absent"):
                done.removed_any = done.removed_any or run.meaning != "absent"
                continue
            done.stopped = f"uninstalling {step.target} ended with msiexec exit code {run.code}"
            return done
        elif step.action == "install":
            run = run_msiexec(step, busy_retries)
            done.runs.append(run)
            if run.meaning not in ("ok", "reboot") and done.removed_any:
                retry_log = step.log.replace(".log", "-retry.log")
                wait_for_mutex(mutex_wait_seconds)
                run = run_msiexec(Step("install", step.target, retry_log), busy_retries)
                done.runs.append(run)
            if run.meaning not in ("ok", "reboot"):
                done.stopped = f"installing {step.target} ended with msiexec exit code {run.code}"
                return done
    return done
