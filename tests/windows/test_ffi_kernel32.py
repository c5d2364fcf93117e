"""platform/windows/ffi.py and kernel32.py against the real kernel32.dll: the declared
prototypes accept 64-bit handles (the pseudo-handle of GetCurrentProcess) and failures
come back as WinError with the Win32 code, never as a message."""

from __future__ import annotations

import pytest


def test_pseudo_handle_and_a_coded_failure():
    from pycert.platform.windows import ffi
    from pycert.platform.windows.kernel32 import KERNEL32

    k32 = KERNEL32.load()
    assert k32.GetCurrentProcess() in (-1, 0xFFFFFFFFFFFFFFFF)
    with pytest.raises(ffi.WinError) as failed:
        k32.OpenMutexW(0x00100000, False, "Global\\PyCert-CI-does-not-exist")
    assert failed.value.code == ffi.ERROR_FILE_NOT_FOUND
