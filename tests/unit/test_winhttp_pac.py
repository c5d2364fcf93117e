"""WinHttpGetProxyForUrl through the strict fake DLL: the exact options passed, the strings
freed, WinHTTP's answer in PAC syntax, and its error codes as sentences."""

import ctypes
from unittest import mock

from pycert.platform.windows import ffi, winhttp
from pycert.platform.windows.kernel32 import KERNEL32
from tests.winfakes import fake_library

URL = "https://cert.obn.managedpki.ne.jp/p/s"


def fakes(monkeypatch, answer=None, fail_code=None):
    os_winhttp, os_kernel = mock.Mock(), mock.Mock()
    os_winhttp.WinHttpOpen.return_value = 0x5E55
    os_winhttp.WinHttpSetTimeouts.return_value = 1
    kept = []

    def get_proxy(session, url, options, info):
        opts = ctypes.cast(options, ctypes.POINTER(winhttp.WINHTTP_AUTOPROXY_OPTIONS)).contents
        os_winhttp.seen = (opts.dwFlags, opts.dwAutoDetectFlags, opts.lpszAutoConfigUrl, opts.fAutoLogonIfChallenged)
        if fail_code:
            return 0
        out = ctypes.cast(info, ctypes.POINTER(winhttp.WINHTTP_PROXY_INFO)).contents
        text = ctypes.create_unicode_buffer(answer)
        kept.append(text)
        out.dwAccessType, out.lpszProxy = winhttp.WINHTTP_ACCESS_TYPE_NAMED_PROXY, ctypes.addressof(text)
        return 1

    os_winhttp.WinHttpGetProxyForUrl.side_effect = get_proxy
    dll = fake_library(winhttp.WINHTTP, os_winhttp)
    if fail_code:
        dll.last_errors["WinHttpGetProxyForUrl"] = fail_code
    monkeypatch.setattr(winhttp, "_winhttp", lambda: dll)
    monkeypatch.setattr(winhttp, "_kernel32", lambda: fake_library(KERNEL32, os_kernel))
    return os_winhttp, os_kernel


def test_a_script_url_with_auto_logon(monkeypatch):
    os_winhttp, os_kernel = fakes(monkeypatch, answer="10.0.0.7:3128;10.0.0.8:3128")
    result = winhttp.proxy_for_url(URL, "http://wpad.clinic.local/proxy.pac", autodetect=False)
    assert result == winhttp.ScriptAnswer("PROXY 10.0.0.7:3128; PROXY 10.0.0.8:3128")
    # WINHTTP_AUTOPROXY_CONFIG_URL (2), no detection flags, the URL, fAutoLogonIfChallenged TRUE
    assert os_winhttp.seen == (2, 0, "http://wpad.clinic.local/proxy.pac", 1)
    os_winhttp.WinHttpOpen.assert_called_once_with("PyCert", 1, None, None, 0)  # WINHTTP_ACCESS_TYPE_NO_PROXY
    os_winhttp.WinHttpCloseHandle.assert_called_once_with(0x5E55)
    os_kernel.GlobalFree.assert_called_once()  # the proxy string WinHTTP allocated


def test_wpad_asks_dhcp_and_dns(monkeypatch):
    os_winhttp, _ = fakes(monkeypatch, answer="10.0.0.7:3128")
    winhttp.proxy_for_url(URL, None, autodetect=True)
    # WINHTTP_AUTOPROXY_AUTO_DETECT (1), DHCP (1) | DNS_A (2)
    assert os_winhttp.seen == (1, 3, None, 1)


def test_failures_are_sentences_from_the_code(monkeypatch):
    os_winhttp, os_kernel = fakes(monkeypatch, fail_code=12180)  # ERROR_WINHTTP_AUTODETECTION_FAILED
    result = winhttp.proxy_for_url(URL, None, autodetect=True)
    assert result.answer is None and result.error.startswith("WPAD found no script")
    os_winhttp.WinHttpCloseHandle.assert_called_once_with(0x5E55)
    os_kernel.GlobalFree.assert_not_called()


def test_direct_answers():
    assert winhttp.as_pac(winhttp.WINHTTP_ACCESS_TYPE_NO_PROXY, "") == "DIRECT"
    assert winhttp.as_pac(winhttp.WINHTTP_ACCESS_TYPE_NAMED_PROXY, "") == "DIRECT"
    assert winhttp.as_pac(winhttp.WINHTTP_ACCESS_TYPE_NAMED_PROXY, "https=10.0.0.2:443") == "PROXY 10.0.0.2:443"
    assert winhttp.as_pac(winhttp.WINHTTP_ACCESS_TYPE_NAMED_PROXY, "10.9.8.7:3128;DIRECT") == "PROXY 10.9.8.7:3128; DIRECT"


def test_struct_layouts_as_winhttp_h_declares_them():
    # x64: DWORD, DWORD, LPCWSTR@8, LPVOID@16, DWORD@24, BOOL@28 = 32 bytes; PROXY_INFO: DWORD, pad, 2 pointers = 24
    if ctypes.sizeof(ctypes.c_void_p) == 8:
        assert ctypes.sizeof(winhttp.WINHTTP_AUTOPROXY_OPTIONS) == 32
        assert winhttp.WINHTTP_AUTOPROXY_OPTIONS.fAutoLogonIfChallenged.offset == 28
        assert ctypes.sizeof(winhttp.WINHTTP_PROXY_INFO) == 24 and winhttp.WINHTTP_PROXY_INFO.lpszProxy.offset == 8
    assert ffi.Library.ALL and "winhttp" in {lib.name for lib in ffi.Library.ALL}
