"""The named mutex that serialises PyCert runs on Windows (kernel32 via ctypes)."""

from __future__ import annotations

import contextlib
import ctypes
from typing import Iterator

from pycert.common.errors import LockBusy, PlatformError

WAIT_OBJECT_0 = 0x00000000
WAIT_ABANDONED = 0x00000080
WAIT_TIMEOUT = 0x00000102
WAIT_FAILED = 0xFFFFFFFF


def kernel32():
    return ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]


@contextlib.contextmanager
def named_mutex(name: str, wait_seconds: float) -> Iterator[None]:
    """Hold `name` for the block. An abandoned mutex (a run that was killed) is ours to take."""
    k32 = kernel32()
    k32.CreateMutexW.restype = ctypes.c_void_p
    k32.CreateMutexW.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_wchar_p]
    k32.WaitForSingleObject.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    k32.WaitForSingleObject.restype = ctypes.c_uint32
    k32.ReleaseMutex.argtypes = [ctypes.c_void_p]
    k32.CloseHandle.argtypes = [ctypes.c_void_p]
    handle = k32.CreateMutexW(None, 0, name)
    if not handle:
        raise PlatformError(f"The mutex {name} could not be created (Windows error {ctypes.get_last_error()}).")
    try:
        result = k32.WaitForSingleObject(handle, int(wait_seconds * 1000))
        if result == WAIT_TIMEOUT:
            raise LockBusy(name)
        if result not in (WAIT_OBJECT_0, WAIT_ABANDONED):
            raise PlatformError(f"Waiting for the mutex {name} failed (Windows error {ctypes.get_last_error()}).")
        try:
            yield
        finally:
            k32.ReleaseMutex(handle)
    finally:
        k32.CloseHandle(handle)
