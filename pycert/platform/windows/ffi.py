"""Declaring Windows API functions for ctypes: each prototype once, with argtypes, restype
and an errcheck that raises WinError carrying the Win32 error or HRESULT.

Why: a function without argtypes converts Python ints to a C `long`, which is 32-bit on
Windows (a pointer-sized handle raises ArgumentError there, while Linux's 64-bit long hides
it); and a failure checked by hand after each call is easy to forget. Callers catch
WinError and decide on `.code`, never on message text (Windows localises it).

The types below are Windows' widths on every platform (ctypes.wintypes maps DWORD to the
host's `unsigned long`, 64-bit on Linux), so tests on Linux check the same ranges.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any, Callable

from pycert.common.errors import PlatformError

# Windows data types (learn.microsoft.com "Windows Data Types"), with Windows' sizes.
BOOL = ctypes.c_int32
DWORD = ctypes.c_uint32
LONG = ctypes.c_int32
HRESULT = ctypes.c_int32  # also SECURITY_STATUS (NCrypt) and LSTATUS
HANDLE = ctypes.c_void_p
PVOID = ctypes.c_void_p
ULONG_PTR = ctypes.c_size_t  # pointer-sized integer (HCRYPTPROV, HCRYPTPROV_OR_NCRYPT_KEY_HANDLE)
LPCWSTR = ctypes.c_wchar_p
LPWSTR = ctypes.c_wchar_p
INVALID_HANDLE_VALUE = ctypes.c_void_p(-1).value
WAIT_FAILED = 0xFFFFFFFF

ERROR_FILE_NOT_FOUND = 2
ERROR_ACCESS_DENIED = 5
ERROR_INVALID_PASSWORD = 86
ERROR_INSUFFICIENT_BUFFER = 122
ERROR_ALREADY_EXISTS = 183


class WinError(PlatformError):
    """A Windows API call failed. `code` is the Win32 error (from GetLastError) or, for
    functions that return one, the HRESULT / status as an unsigned 32-bit value."""

    def __init__(self, function: str, code: int):
        self.function = function
        self.code = code & 0xFFFFFFFF
        super().__init__(f"{function} failed (Windows error 0x{self.code:08X}).")


def last_error() -> int:
    """The thread's last Win32 error as ctypes saved it (the DLLs load with use_last_error)."""
    return ctypes.get_last_error()  # type: ignore[attr-defined]  # Windows only


# -- errcheck: how each kind of function reports failure ---------------------------------

def fails_on_zero(result: Any, func: Any, args: tuple) -> Any:
    """BOOL functions and functions that return a handle or pointer: 0 / NULL is failure,
    and GetLastError says why."""
    if not result:
        raise WinError(func.__name__, last_error())
    return result


def fails_on_invalid_handle(result: Any, func: Any, args: tuple) -> Any:
    """CreateFileW, CreateToolhelp32Snapshot: INVALID_HANDLE_VALUE is failure."""
    if result is None or result == INVALID_HANDLE_VALUE:
        raise WinError(func.__name__, last_error())
    return result


def fails_on_status(result: Any, func: Any, args: tuple) -> Any:
    """HRESULT, SECURITY_STATUS and LSTATUS functions: anything but 0 is the error itself."""
    if result:
        raise WinError(func.__name__, result)
    return result


def fails_on_wait_failed(result: Any, func: Any, args: tuple) -> Any:
    """WaitForSingleObject: WAIT_FAILED (0xFFFFFFFF) is failure; other results are the verdict."""
    if result == WAIT_FAILED:
        raise WinError(func.__name__, last_error())
    return result


def returns_value(result: Any, func: Any, args: tuple) -> Any:
    """The result is a value or a verdict the caller interprets (GetCurrentProcess,
    WaitForSingleObject, WinVerifyTrust, a free function's BOOL nobody can act on)."""
    return result


ERRCHECKS = (fails_on_zero, fails_on_invalid_handle, fails_on_status, fails_on_wait_failed, returns_value)


@dataclass(frozen=True)
class Prototype:
    restype: Any
    argtypes: tuple
    errcheck: Callable[[Any, Any, tuple], Any]


class Library:
    """One DLL's prototypes. `load()` opens the real DLL (Windows) and declares every
    prototype on it; `bind(dll)` declares them on any DLL-like object (tests pass fakes
    that check calls against the declarations)."""

    ALL: list["Library"] = []

    def __init__(self, name: str, prototypes: dict[str, tuple[Any, list, Callable]], *, last_error: bool = True):
        self.name = name
        self.last_error = last_error
        self.prototypes = {fn: Prototype(restype, tuple(argtypes), check) for fn, (restype, argtypes, check) in prototypes.items()}
        self._loaded = None
        Library.ALL.append(self)

    def bind(self, dll: Any) -> Any:
        for name, proto in self.prototypes.items():
            function = getattr(dll, name)
            function.restype = proto.restype
            function.argtypes = list(proto.argtypes)
            function.errcheck = proto.errcheck
        return dll

    def load(self) -> Any:
        if self._loaded is None:
            dll = ctypes.WinDLL(self.name, use_last_error=self.last_error)  # type: ignore[attr-defined]
            self._loaded = self.bind(dll)
        return self._loaded
