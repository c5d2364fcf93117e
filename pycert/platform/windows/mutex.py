"""The named mutex that serialises PyCert runs on Windows (kernel32 via ctypes).

`Global\\PyCert` is shared by SYSTEM runs (Intune, GPO machine task) and user runs, so it
is created with an explicit DACL: SYSTEM and Administrators full control, Authenticated
Users SYNCHRONIZE | MUTEX_MODIFY_STATE (wait and release, nothing else). Without one its
DACL is the creator's default, and another account's CreateMutexW (which asks for
MUTEX_ALL_ACCESS) gets ERROR_ACCESS_DENIED. Every run asks only for the access it needs
(CreateMutexExW); a mutex it still may not open (one an older PyCert made without a DACL)
is busy, never an error.
"""

from __future__ import annotations

import contextlib
import ctypes
import time
from typing import Iterator

from pycert.common.errors import LockBusy, PlatformError
from pycert.platform.windows import ffi
from pycert.platform.windows.ffi import BOOL, DWORD, LPCWSTR, PVOID, WinError
from pycert.platform.windows.kernel32 import KERNEL32

WAIT_OBJECT_0 = 0x00000000
WAIT_ABANDONED = 0x00000080
WAIT_TIMEOUT = 0x00000102
SYNCHRONIZE = 0x00100000
MUTEX_MODIFY_STATE = 0x0001
ACCESS = SYNCHRONIZE | MUTEX_MODIFY_STATE
SDDL_REVISION_1 = 1
# SY, BA: GENERIC_ALL; AU: SYNCHRONIZE | MUTEX_MODIFY_STATE. Protected (P): no inherited ACEs.
MUTEX_SDDL = "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x00100001;;;AU)"


class SECURITY_ATTRIBUTES(ctypes.Structure):
    _fields_ = [("nLength", DWORD), ("lpSecurityDescriptor", PVOID), ("bInheritHandle", BOOL)]


ADVAPI32 = ffi.Library("advapi32", {
    # BOOL ConvertStringSecurityDescriptorToSecurityDescriptorW(LPCWSTR, DWORD revision,
    #   PSECURITY_DESCRIPTOR *out (LocalFree it), PULONG size)
    "ConvertStringSecurityDescriptorToSecurityDescriptorW": (
        BOOL, [LPCWSTR, DWORD, ctypes.POINTER(PVOID), ctypes.POINTER(ctypes.c_ulong)], ffi.fails_on_zero),
})


def kernel32():
    return KERNEL32.load()


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def advapi32():
    return ADVAPI32.load()


@contextlib.contextmanager
def security_attributes(sddl: str, what: str) -> Iterator[SECURITY_ATTRIBUTES]:
    """SECURITY_ATTRIBUTES holding the descriptor `sddl` describes (not inheritable), freed
    after the block. `what` names the object in the error sentence. Also used for the
    private backup folder (acl.py)."""
    descriptor = PVOID()
    try:
        advapi32().ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1,
                                                                        ctypes.byref(descriptor), None)
    except WinError as exc:
        raise PlatformError(f"The security descriptor for {what} could not be built (Windows error {exc.code}).") from None
    try:
        yield SECURITY_ATTRIBUTES(ctypes.sizeof(SECURITY_ATTRIBUTES), descriptor, False)
    finally:
        kernel32().LocalFree(descriptor)


def open_shared(name: str) -> int:
    """A handle with SYNCHRONIZE | MUTEX_MODIFY_STATE to `name`, creating it with the shared
    DACL when it does not exist. Raises LockBusy when this account may not open it."""
    k32 = kernel32()
    with security_attributes(MUTEX_SDDL, name) as attributes:
        try:
            return k32.CreateMutexExW(ctypes.byref(attributes), name, 0, ACCESS)
        except WinError as exc:
            if exc.code != ffi.ERROR_ACCESS_DENIED:
                raise PlatformError(f"The mutex {name} could not be created (Windows error {exc.code}).") from None
    try:
        return k32.OpenMutexW(ACCESS, False, name)
    except WinError as exc:
        if exc.code == ffi.ERROR_ACCESS_DENIED:
            raise LockBusy(name) from None  # held by an account whose mutex we may not open
        raise PlatformError(f"The mutex {name} could not be opened (Windows error {exc.code}).") from None


@contextlib.contextmanager
def named_mutex(name: str, wait_seconds: float) -> Iterator[None]:
    """Hold `name` for the block. An abandoned mutex (a run that was killed) is ours to take."""
    k32 = kernel32()
    waited = 0.0
    while True:
        try:
            handle = open_shared(name)
            break
        except LockBusy:
            if waited >= wait_seconds:  # never opened: it stayed another account's
                raise
            step = min(1.0, wait_seconds - waited)
            _sleep(step)
            waited += step
    try:
        try:
            result = k32.WaitForSingleObject(handle, int((wait_seconds - waited) * 1000))
        except WinError as exc:
            raise PlatformError(f"Waiting for the mutex {name} failed (Windows error {exc.code}).") from None
        if result == WAIT_TIMEOUT:
            raise LockBusy(name)
        try:
            yield
        finally:
            k32.ReleaseMutex(handle)
    finally:
        k32.CloseHandle(handle)
