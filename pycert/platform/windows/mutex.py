"""The named mutex that serialises PyCert runs on Windows (kernel32 via ctypes)."""

from __future__ import annotations

import contextlib
from typing import Iterator

from pycert.common.errors import LockBusy, PlatformError
from pycert.platform.windows.ffi import WinError
from pycert.platform.windows.kernel32 import KERNEL32

WAIT_OBJECT_0 = 0x00000000
WAIT_ABANDONED = 0x00000080
WAIT_TIMEOUT = 0x00000102


def kernel32():
    return KERNEL32.load()


@contextlib.contextmanager
def named_mutex(name: str, wait_seconds: float) -> Iterator[None]:
    """Hold `name` for the block. An abandoned mutex (a run that was killed) is ours to take."""
    k32 = kernel32()
    try:
        handle = k32.CreateMutexW(None, 0, name)
    except WinError as exc:
        raise PlatformError(f"The mutex {name} could not be created (Windows error {exc.code}).") from None
    try:
        try:
            result = k32.WaitForSingleObject(handle, int(wait_seconds * 1000))
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
