"""Facts about this Windows machine for `pycert doctor`: OS build, .NET Framework release,
the process token (account SID, elevation) and the proxy settings in the registry.

Everything goes through `_winreg()`, `_advapi32()` and `_kernel32()` so tests can hand in
fakes and assert the exact keys and calls. Nothing here decides anything; doctor/judges.py
judges.
"""

from __future__ import annotations

from dataclasses import dataclass

import ctypes

from pycert.common.errors import PlatformError
from pycert.platform.windows import ffi
from pycert.platform.windows.ffi import BOOL, DWORD, HANDLE, LPWSTR, PVOID, WinError
from pycert.platform.windows.kernel32 import KERNEL32

CURRENT_VERSION = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion"
NDP_V4_FULL = r"SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full"
INTERNET_SETTINGS = r"Software\Microsoft\Windows\CurrentVersion\Internet Settings"
WINHTTP_CONNECTIONS = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"

PROXY_TYPE_AUTO_DETECT = 0x8
TOKEN_QUERY = 0x0008
TOKEN_USER = 1  # TOKEN_INFORMATION_CLASS values
TOKEN_ELEVATION = 20

ADVAPI32 = ffi.Library("advapi32", {
    "OpenProcessToken": (BOOL, [HANDLE, DWORD, ctypes.POINTER(HANDLE)], ffi.fails_on_zero),
    # TOKEN_INFORMATION_CLASS is a C enum: an int
    "GetTokenInformation": (BOOL, [HANDLE, ctypes.c_int, PVOID, DWORD, ctypes.POINTER(DWORD)], ffi.fails_on_zero),
    "ConvertSidToStringSidW": (BOOL, [PVOID, ctypes.POINTER(LPWSTR)], ffi.fails_on_zero),
})


@dataclass(frozen=True)
class OsBuild:
    product_name: str
    display_version: str  # "23H2"; "" on builds before 20H2 (they have ReleaseId)
    build: int
    ubr: int  # update build revision: the number after the dot in winver


@dataclass(frozen=True)
class TokenInfo:
    sid: str
    elevated: bool


@dataclass(frozen=True)
class InternetSettings:
    """The user's (HKCU) proxy: what browsers and Python's urllib use."""

    proxy_enable: bool
    proxy_server: str
    proxy_override: str
    auto_config_url: str
    auto_detect: bool = False  # "Automatically detect settings" (WPAD)


@dataclass(frozen=True)
class WinHttpProxy:
    """`netsh winhttp show proxy`: what SYSTEM services use; urllib does not read it."""

    proxy_server: str
    bypass_list: str


def _winreg():
    try:
        import winreg
    except ImportError:
        raise PlatformError("This probe reads the Windows registry; run it on the Windows terminal.") from None
    return winreg


def _advapi32():
    return ADVAPI32.load()


def _kernel32():
    return KERNEL32.load()


def _read_values(hive_name: str, path: str, names: tuple[str, ...], wow64_64: bool = True) -> dict:
    """The named values of one key; absent values are left out. KEY_WOW64_64KEY so a
    32-bit process is not redirected to WOW6432Node."""
    reg = _winreg()
    access = reg.KEY_READ | (reg.KEY_WOW64_64KEY if wow64_64 else 0)
    values = {}
    try:
        key = reg.OpenKey(getattr(reg, hive_name), path, 0, access)
    except FileNotFoundError:
        return values
    except OSError as exc:
        raise PlatformError(f"The registry key {path} could not be read ({exc.strerror or exc}).") from None
    with key:
        for name in names:
            try:
                values[name] = reg.QueryValueEx(key, name)[0]
            except OSError:
                pass
    return values


def os_build() -> OsBuild:
    v = _read_values(
        "HKEY_LOCAL_MACHINE", CURRENT_VERSION, ("ProductName", "DisplayVersion", "ReleaseId", "CurrentBuildNumber", "UBR")
    )
    try:
        build = int(v.get("CurrentBuildNumber", ""))
    except ValueError:
        raise PlatformError(f"HKLM\\{CURRENT_VERSION} has no CurrentBuildNumber; the registry looks damaged.") from None
    return OsBuild(
        product_name=str(v.get("ProductName", "Windows")),
        display_version=str(v.get("DisplayVersion") or v.get("ReleaseId") or ""),
        build=build,
        ubr=int(v.get("UBR", 0) or 0),
    )


def dotnet_release() -> int | None:
    """The .NET Framework 4.x `Release` DWORD, or None when 4.5+ is not installed."""
    value = _read_values("HKEY_LOCAL_MACHINE", NDP_V4_FULL, ("Release",)).get("Release")
    return int(value) if value is not None else None


def internet_settings() -> InternetSettings:
    v = _read_values(
        "HKEY_CURRENT_USER", INTERNET_SETTINGS, ("ProxyEnable", "ProxyServer", "ProxyOverride", "AutoConfigURL")
    )
    return InternetSettings(
        proxy_enable=bool(v.get("ProxyEnable", 0)),
        proxy_server=str(v.get("ProxyServer", "")),
        proxy_override=str(v.get("ProxyOverride", "")),
        auto_config_url=str(v.get("AutoConfigURL", "")),
        auto_detect=connection_flags(
            _read_values("HKEY_CURRENT_USER", INTERNET_SETTINGS + r"\Connections", ("DefaultConnectionSettings",))
            .get("DefaultConnectionSettings")
        ) & PROXY_TYPE_AUTO_DETECT != 0,
    )


def connection_flags(blob) -> int:
    """The flags DWORD of a DefaultConnectionSettings / WinHttpSettings REG_BINARY (bytes 8-11):
    1 direct, 2 fixed proxy, 4 proxy script URL, 8 automatic detection."""
    data = bytes(blob) if blob else b""
    return int.from_bytes(data[8:12], "little") if len(data) >= 12 else 0


def winhttp_proxy() -> WinHttpProxy:
    blob = _read_values("HKEY_LOCAL_MACHINE", WINHTTP_CONNECTIONS, ("WinHttpSettings",)).get("WinHttpSettings")
    return parse_winhttp_settings(bytes(blob) if blob else b"")


def parse_winhttp_settings(blob: bytes) -> WinHttpProxy:
    """Decode the WinHttpSettings REG_BINARY: DWORD version, DWORD counter, DWORD flags,
    then two length-prefixed ASCII strings (proxy server, bypass list). Flags 1 = direct."""
    if len(blob) < 16:
        return WinHttpProxy("", "")
    flags = connection_flags(blob)
    strings, pos = [], 12
    for _ in range(2):
        if pos + 4 > len(blob):
            strings.append("")
            continue
        size = int.from_bytes(blob[pos : pos + 4], "little")
        strings.append(blob[pos + 4 : pos + 4 + size].decode("ascii", "replace"))
        pos += 4 + size
    if not flags & 0x2:  # PROXY_TYPE_PROXY not set: direct access
        return WinHttpProxy("", "")
    return WinHttpProxy(strings[0], strings[1])


LANG_JAPANESE = 0x11  # PRIMARYLANGID of ja-JP (LANGID 0x0411)


def ui_language() -> str:
    """"ja" when the user's Windows display language is Japanese, else "en"
    (GetUserDefaultUILanguage; PRIMARYLANGID is the low 10 bits)."""
    langid = _kernel32().GetUserDefaultUILanguage()
    return "ja" if langid & 0x3FF == LANG_JAPANESE else "en"


def token_info() -> TokenInfo:
    """The SID of the account this process runs as, and whether its token is elevated."""
    advapi, kernel = _advapi32(), _kernel32()
    token = HANDLE()
    try:
        advapi.OpenProcessToken(kernel.GetCurrentProcess(), TOKEN_QUERY, ctypes.byref(token))
    except WinError as exc:
        raise PlatformError(f"OpenProcessToken failed (Windows error {exc.code}).") from None
    try:
        size = DWORD(0)
        try:  # asks for the size: fails with ERROR_INSUFFICIENT_BUFFER by design
            advapi.GetTokenInformation(token, TOKEN_USER, None, 0, ctypes.byref(size))
        except WinError as exc:
            if exc.code != ffi.ERROR_INSUFFICIENT_BUFFER:
                raise PlatformError(f"GetTokenInformation(TokenUser) failed (Windows error {exc.code}).") from None
        buffer = ctypes.create_string_buffer(size.value)
        text = LPWSTR()
        try:
            advapi.GetTokenInformation(token, TOKEN_USER, buffer, size, ctypes.byref(size))
            sid_pointer = ctypes.cast(buffer, ctypes.POINTER(PVOID))[0]  # TOKEN_USER.User.Sid
            advapi.ConvertSidToStringSidW(sid_pointer, ctypes.byref(text))
        except WinError as exc:
            raise PlatformError(f"{exc.function} failed (Windows error {exc.code}).") from None
        sid = text.value or ""
        kernel.LocalFree(ctypes.cast(text, PVOID))
        elevation = DWORD(0)  # TOKEN_ELEVATION.TokenIsElevated
        try:
            advapi.GetTokenInformation(token, TOKEN_ELEVATION, ctypes.byref(elevation), ctypes.sizeof(elevation),
                                       ctypes.byref(size))
        except WinError as exc:
            raise PlatformError(f"GetTokenInformation(TokenElevation) failed (Windows error {exc.code}).") from None
        return TokenInfo(sid=sid, elevated=bool(elevation.value))
    finally:
        kernel.CloseHandle(token)
