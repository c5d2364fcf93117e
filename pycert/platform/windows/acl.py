"""A folder only its user (and SYSTEM, Administrators) may open: where a renewed PFX and its
password file are kept after the import (expiry/backup.py).

The folder gets an explicit, protected DACL:

    D:P(A;OICI;FA;;;<the user's SID>)(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)

`P` (SE_DACL_PROTECTED): nothing is inherited from %LOCALAPPDATA% or a redirected profile
folder; `OICI`: files and folders created inside inherit the three ACEs; `FA`:
FILE_ALL_ACCESS. A new folder is created with it (CreateDirectoryW with the descriptor, so
it never exists without it); a folder that already exists gets the same DACL through
SetNamedSecurityInfoW(SE_FILE_OBJECT, DACL_SECURITY_INFORMATION |
PROTECTED_DACL_SECURITY_INFORMATION), which also hands the inheritable ACEs down to files
already inside (SetFileSecurityW, obsolete per Microsoft, did not). The owner is left as
Windows sets it (the creating account). The SDDL becomes a descriptor through
mutex.security_attributes; GetSecurityDescriptorDacl takes its DACL out.
"""

from __future__ import annotations

import ctypes
import re

from pycert.common.errors import PlatformError
from pycert.platform.windows import ffi
from pycert.platform.windows.ffi import BOOL, DWORD, LPCWSTR, LPWSTR, PVOID, WinError
from pycert.platform.windows.mutex import security_attributes

FOLDER_SDDL = "D:P(A;OICI;FA;;;{sid})(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
DACL_SECURITY_INFORMATION = 0x00000004
PROTECTED_DACL_SECURITY_INFORMATION = 0x80000000
SET_FLAGS = DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION
SID = re.compile(r"^S-1-[0-9]+(-[0-9]+)+$")  # a string SID: nothing else may reach the SDDL

SE_FILE_OBJECT = 1  # SE_OBJECT_TYPE (accctrl.h)
ADVAPI32 = ffi.Library("advapi32", {
    # BOOL GetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR, LPBOOL present, PACL *dacl, LPBOOL defaulted)
    "GetSecurityDescriptorDacl": (BOOL, [PVOID, ctypes.POINTER(BOOL), ctypes.POINTER(PVOID), ctypes.POINTER(BOOL)],
                                  ffi.fails_on_zero),
    # DWORD SetNamedSecurityInfoW(LPWSTR name, SE_OBJECT_TYPE, SECURITY_INFORMATION, PSID owner,
    #                             PSID group, PACL dacl, PACL sacl): returns the Win32 error itself
    "SetNamedSecurityInfoW": (DWORD, [LPWSTR, DWORD, DWORD, PVOID, PVOID, PVOID, PVOID], ffi.fails_on_status),
})
FOLDERS = ffi.Library("kernel32", {
    # BOOL CreateDirectoryW(LPCWSTR, LPSECURITY_ATTRIBUTES)
    "CreateDirectoryW": (BOOL, [LPCWSTR, PVOID], ffi.fails_on_zero),
})


def advapi32():
    return ADVAPI32.load()


def folders():
    return FOLDERS.load()


def folder_sddl(sid: str) -> str:
    if not SID.match(sid):
        raise PlatformError(f"'{sid[:80]}' is not a Windows account SID; the private folder was not made.")
    return FOLDER_SDDL.format(sid=sid)


def private_folder(path: str, sid: str) -> None:
    """Create `path` (its parent must exist) readable only by `sid`, SYSTEM and
    Administrators, or give an existing folder that DACL."""
    with security_attributes(folder_sddl(sid), path) as attributes:
        try:
            folders().CreateDirectoryW(path, ctypes.byref(attributes))
            return
        except WinError as exc:
            if exc.code != ffi.ERROR_ALREADY_EXISTS:
                raise PlatformError(f"The folder {path} could not be created (Windows error {exc.code}).") from None
        present, dacl, defaulted = BOOL(0), PVOID(), BOOL(0)
        try:
            advapi32().GetSecurityDescriptorDacl(attributes.lpSecurityDescriptor, ctypes.byref(present),
                                                 ctypes.byref(dacl), ctypes.byref(defaulted))
            advapi32().SetNamedSecurityInfoW(path, SE_FILE_OBJECT, SET_FLAGS, None, None, dacl, None)
        except WinError as exc:
            raise PlatformError(f"The access rights of {path} could not be set (Windows error {exc.code}).") from None
