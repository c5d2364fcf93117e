"""Where Windows' own programs are. Every program PyCert starts (msiexec, taskkill,
powershell, msg) is named by its full path: a bare name would be searched for in the current
directory first (CreateProcess's search order), where anyone may have put a copy."""

from __future__ import annotations

import ntpath
import os


def system_root() -> str:
    return os.environ.get("SystemRoot") or r"C:\Windows"


def system32(program: str, exists=os.path.exists) -> str:
    """`program` in System32. A 32-bit process on 64-bit Windows (Intune's default PowerShell
    host starts one) is redirected from System32 to SysWOW64, which lacks some programs
    (msg.exe) and has 32-bit copies of others; Sysnative, which exists only for such a
    process, reaches the real System32."""
    sysnative = ntpath.join(system_root(), "Sysnative", program)
    return sysnative if exists(sysnative) else ntpath.join(system_root(), "System32", program)
