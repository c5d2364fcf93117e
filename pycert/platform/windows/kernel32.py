"""kernel32's functions as PyCert calls them (mutexes, the held MSI file, the process list,
the process token): each declared once, with its failure convention (ffi.py)."""

from __future__ import annotations

import ctypes

from pycert.platform.windows import ffi
from pycert.platform.windows.ffi import BOOL, DWORD, HANDLE, LPCWSTR, LPWSTR, PVOID

KERNEL32 = ffi.Library("kernel32", {
    "CreateMutexW": (HANDLE, [PVOID, BOOL, LPCWSTR], ffi.fails_on_zero),
    "OpenMutexW": (HANDLE, [DWORD, BOOL, LPCWSTR], ffi.fails_on_zero),
    # HANDLE CreateMutexExW(LPSECURITY_ATTRIBUTES, LPCWSTR name, DWORD flags, DWORD desiredAccess):
    # unlike CreateMutexW (MUTEX_ALL_ACCESS), it asks only for the access given
    "CreateMutexExW": (HANDLE, [PVOID, LPCWSTR, DWORD, DWORD], ffi.fails_on_zero),
    "WaitForSingleObject": (DWORD, [HANDLE, DWORD], ffi.fails_on_wait_failed),
    # Both run in cleanup paths, where a failure cannot be acted on.
    "ReleaseMutex": (BOOL, [HANDLE], ffi.returns_value),
    "CloseHandle": (BOOL, [HANDLE], ffi.returns_value),
    "CreateFileW": (HANDLE, [LPCWSTR, DWORD, DWORD, PVOID, DWORD, DWORD, HANDLE], ffi.fails_on_invalid_handle),
    "CreateToolhelp32Snapshot": (HANDLE, [DWORD, DWORD], ffi.fails_on_invalid_handle),
    # FALSE with ERROR_NO_MORE_FILES ends the walk: the loop reads the result.
    "Process32FirstW": (BOOL, [HANDLE, PVOID], ffi.returns_value),
    "Process32NextW": (BOOL, [HANDLE, PVOID], ffi.returns_value),
    # NULL for processes this account may not open (services, other users): skipped.
    "OpenProcess": (HANDLE, [DWORD, BOOL, DWORD], ffi.returns_value),
    "QueryFullProcessImageNameW": (BOOL, [HANDLE, DWORD, LPWSTR, ctypes.POINTER(DWORD)], ffi.returns_value),
    "GetCurrentProcess": (HANDLE, [], ffi.returns_value),  # the pseudo-handle (HANDLE)-1
    # LANGID (a WORD) of the user's display language; cannot fail
    "GetUserDefaultUILanguage": (ctypes.c_uint16, [], ffi.returns_value),
    "LocalFree": (PVOID, [PVOID], ffi.returns_value),
    "GlobalFree": (PVOID, [PVOID], ffi.returns_value),  # strings WinHttpGetProxyForUrl allocated
})
