"""Proxy scripts on Windows: WinHttpGetProxyForUrl runs a PAC script (a configured URL, or
the one WPAD finds through DHCP and DNS) exactly as Windows' own services do, including
its cache and the "auto-logon if challenged" for a script behind authentication.

Only the answer is taken from here; the download itself goes through common/net.py.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

from pycert.platform.windows import ffi
from pycert.platform.windows.ffi import BOOL, DWORD, LPCWSTR, PVOID, WinError
from pycert.platform.windows.kernel32 import KERNEL32

WINHTTP_ACCESS_TYPE_NO_PROXY = 1
WINHTTP_ACCESS_TYPE_NAMED_PROXY = 3
WINHTTP_AUTOPROXY_AUTO_DETECT = 0x00000001
WINHTTP_AUTOPROXY_CONFIG_URL = 0x00000002
WINHTTP_AUTO_DETECT_TYPE_DHCP = 0x00000001
WINHTTP_AUTO_DETECT_TYPE_DNS_A = 0x00000002
# WinHTTP's own errors (winhttp.h), for the sentence a person reads
ERROR_WINHTTP_TIMEOUT = 12002
ERROR_WINHTTP_NAME_NOT_RESOLVED = 12007
ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT = 12166
ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT = 12167
ERROR_WINHTTP_AUTODETECTION_FAILED = 12180
REASONS = {
    ERROR_WINHTTP_TIMEOUT: "it did not answer in time",
    ERROR_WINHTTP_NAME_NOT_RESOLVED: "its host name does not resolve",
    ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT: "the script has an error",
    ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT: "the script could not be downloaded",
    ERROR_WINHTTP_AUTODETECTION_FAILED: "WPAD found no script (DHCP option 252 and the wpad host name gave nothing)",
}


class WINHTTP_AUTOPROXY_OPTIONS(ctypes.Structure):
    _fields_ = [
        ("dwFlags", DWORD),
        ("dwAutoDetectFlags", DWORD),
        ("lpszAutoConfigUrl", LPCWSTR),
        ("lpvReserved", PVOID),
        ("dwReserved", DWORD),
        ("fAutoLogonIfChallenged", BOOL),
    ]


class WINHTTP_PROXY_INFO(ctypes.Structure):
    _fields_ = [("dwAccessType", DWORD), ("lpszProxy", PVOID), ("lpszProxyBypass", PVOID)]  # LPWSTRs to GlobalFree


WINHTTP = ffi.Library("winhttp", {
    # HINTERNET WinHttpOpen(LPCWSTR agent, DWORD access, LPCWSTR proxy, LPCWSTR bypass, DWORD flags): NULL on failure
    "WinHttpOpen": (PVOID, [LPCWSTR, DWORD, LPCWSTR, LPCWSTR, DWORD], ffi.fails_on_zero),
    "WinHttpSetTimeouts": (BOOL, [PVOID, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int], ffi.fails_on_zero),
    "WinHttpGetProxyForUrl": (BOOL, [PVOID, LPCWSTR, ctypes.POINTER(WINHTTP_AUTOPROXY_OPTIONS),
                                     ctypes.POINTER(WINHTTP_PROXY_INFO)], ffi.fails_on_zero),
    "WinHttpCloseHandle": (BOOL, [PVOID], ffi.returns_value),
})


@dataclass(frozen=True)
class ScriptAnswer:
    answer: str | None  # in PAC syntax: "PROXY h:p; PROXY h2:p2" or "DIRECT"; None when it failed
    error: str = ""


def _winhttp():
    return WINHTTP.load()


def _kernel32():
    return KERNEL32.load()


def proxy_for_url(url: str, script_url: str | None, autodetect: bool, timeout_ms: int = 10_000) -> ScriptAnswer:
    """Ask WinHTTP which proxy the script (`script_url`, or WPAD's when `autodetect`) names for `url`."""
    dll, kernel = _winhttp(), _kernel32()
    options = WINHTTP_AUTOPROXY_OPTIONS()
    if script_url:
        options.dwFlags, options.lpszAutoConfigUrl = WINHTTP_AUTOPROXY_CONFIG_URL, script_url
    if autodetect:
        options.dwFlags |= WINHTTP_AUTOPROXY_AUTO_DETECT
        options.dwAutoDetectFlags = WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A
    options.fAutoLogonIfChallenged = 1
    info = WINHTTP_PROXY_INFO()
    try:
        session = dll.WinHttpOpen("PyCert", WINHTTP_ACCESS_TYPE_NO_PROXY, None, None, 0)
    except WinError as exc:
        return ScriptAnswer(None, f"WinHttpOpen failed (Windows error {exc.code})")
    try:
        dll.WinHttpSetTimeouts(session, timeout_ms, timeout_ms, timeout_ms, timeout_ms)
        dll.WinHttpGetProxyForUrl(session, url, ctypes.byref(options), ctypes.byref(info))
    except WinError as exc:
        return ScriptAnswer(None, REASONS.get(exc.code, f"WinHTTP error {exc.code}"))
    finally:
        dll.WinHttpCloseHandle(session)
    try:
        proxies = ctypes.wstring_at(info.lpszProxy) if info.lpszProxy else ""
    finally:
        for pointer in (info.lpszProxy, info.lpszProxyBypass):
            if pointer:
                kernel.GlobalFree(pointer)
    return ScriptAnswer(as_pac(info.dwAccessType, proxies))


def as_pac(access_type: int, proxies: str) -> str:
    """WinHTTP's answer (an access type and "h:p;h2:p2") in PAC syntax for common/proxy.py."""
    entries = [p.strip() for p in proxies.replace(" ", ";").split(";") if p.strip()]
    if access_type != WINHTTP_ACCESS_TYPE_NAMED_PROXY or not entries:
        return "DIRECT"
    return "; ".join("DIRECT" if entry.upper() == "DIRECT" else f"PROXY {entry.split('=')[-1]}" for entry in entries)

