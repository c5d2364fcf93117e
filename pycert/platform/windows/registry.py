"""Installed programs from the Uninstall keys, read in both registry views.

Intune runs scripts in 32-bit PowerShell by default; a 32-bit process that opens
HKLM\\SOFTWARE without a view flag is silently redirected to WOW6432Node and never sees
64-bit products. So every key is opened with KEY_WOW64_64KEY and again with
KEY_WOW64_32KEY, whatever the bitness of this process. HKCU\\Software is shared by both
views; it is read in both anyway and entries are merged by product code.
"""

from __future__ import annotations

from pycert.common.errors import PlatformError
from pycert.mpki.rules import Installed

UNINSTALL = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall"


def _winreg():
    try:
        import winreg
    except ImportError:
        raise PlatformError(
            "Reading installed programs needs the Windows registry; run this command on the Windows terminal."
        ) from None
    return winreg


def views(reg) -> list[tuple[str, int, int]]:
    """(label, hive, access) in the order entries are reported."""
    read = reg.KEY_READ
    return [
        ("HKLM64", reg.HKEY_LOCAL_MACHINE, read | reg.KEY_WOW64_64KEY),
        ("HKLM32", reg.HKEY_LOCAL_MACHINE, read | reg.KEY_WOW64_32KEY),
        ("HKCU64", reg.HKEY_CURRENT_USER, read | reg.KEY_WOW64_64KEY),
        ("HKCU32", reg.HKEY_CURRENT_USER, read | reg.KEY_WOW64_32KEY),
    ]


def find_installed(display_name: str) -> list[Installed]:
    """Every Uninstall entry whose DisplayName equals `display_name` (case-insensitive)."""
    reg = _winreg()
    wanted = display_name.strip().casefold()
    found: dict[tuple[str, str], dict] = {}
    for label, hive, access in views(reg):
        for key_name, values in _entries(reg, hive, access):
            if str(values.get("DisplayName", "")).strip().casefold() != wanted:
                continue
            hive_label = label[:4]
            entry = found.setdefault((hive_label, key_name.upper()), {"key": key_name, "values": values, "sources": []})
            entry["sources"].append(label)
    return [
        Installed(
            display_name=str(e["values"].get("DisplayName", "")),
            display_version=str(e["values"].get("DisplayVersion", "")),
            product_code=e["key"],
            publisher=str(e["values"].get("Publisher", "")),
            install_location=str(e["values"].get("InstallLocation", "")),
            uninstall_string=str(e["values"].get("UninstallString", "")),
            sources=tuple(e["sources"]),
        )
        for e in found.values()
    ]


def _entries(reg, hive, access):
    try:
        root = reg.OpenKey(hive, UNINSTALL, 0, access)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise PlatformError(f"The Uninstall key could not be opened ({exc}); run as an administrator or SYSTEM.") from None
    with root:
        index = 0
        while True:
            try:
                name = reg.EnumKey(root, index)
            except OSError:  # ERROR_NO_MORE_ITEMS
                break
            index += 1
            try:
                with reg.OpenKey(root, name, 0, access) as sub:
                    yield name, _values(reg, sub)
            except OSError:
                continue  # removed while we read, or not readable: not ours to judge


def _values(reg, key) -> dict:
    values = {}
    for name in ("DisplayName", "DisplayVersion", "Publisher", "InstallLocation", "UninstallString"):
        try:
            values[name] = reg.QueryValueEx(key, name)[0]
        except OSError:
            pass
    return values
