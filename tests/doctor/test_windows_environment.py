"""The registry probes against a fake winreg (the registry does not exist here): exact
hives, key paths, value names and the 64-bit view flag."""

import struct
import types

import pytest

from pycert.common.errors import PlatformError
from pycert.platform.windows import environment

KEY_READ, KEY_WOW64_64KEY = 0x20019, 0x0100


class FakeKey:
    def __init__(self, values):
        self.values = values

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def fake_winreg(tree: dict, calls: list):
    def open_key(hive, path, reserved, access):
        calls.append((hive, path, reserved, access))
        if (hive, path) not in tree:
            raise FileNotFoundError(path)
        return FakeKey(tree[(hive, path)])

    def query(key, name):
        if name not in key.values:
            raise FileNotFoundError(name)
        return key.values[name], 1

    return types.SimpleNamespace(
        HKEY_LOCAL_MACHINE="HKLM", HKEY_CURRENT_USER="HKCU", KEY_READ=KEY_READ, KEY_WOW64_64KEY=KEY_WOW64_64KEY,
        OpenKey=open_key, QueryValueEx=query,
    )


@pytest.fixture
def registry(monkeypatch):
    tree, calls = {}, []
    monkeypatch.setattr(environment, "_winreg", lambda: fake_winreg(tree, calls))
    return tree, calls


def test_os_build_reads_current_version_in_the_64_bit_view(registry):
    tree, calls = registry
    tree[("HKLM", environment.CURRENT_VERSION)] = {
        "ProductName": "Windows 10 Pro", "DisplayVersion": "23H2", "CurrentBuildNumber": "22631", "UBR": 4460,
    }
    assert environment.os_build() == environment.OsBuild("Windows 10 Pro", "23H2", 22631, 4460)
    assert calls == [("HKLM", r"SOFTWARE\Microsoft\Windows NT\CurrentVersion", 0, KEY_READ | KEY_WOW64_64KEY)]


def test_old_builds_have_release_id_instead_of_display_version(registry):
    tree, _ = registry
    tree[("HKLM", environment.CURRENT_VERSION)] = {"ProductName": "Windows 10 Pro", "ReleaseId": "1607", "CurrentBuildNumber": "14393"}
    assert environment.os_build() == environment.OsBuild("Windows 10 Pro", "1607", 14393, 0)


def test_a_missing_build_number_is_one_sentence(registry):
    with pytest.raises(PlatformError, match="CurrentBuildNumber"):
        environment.os_build()


def test_dotnet_release_or_none(registry):
    tree, calls = registry
    assert environment.dotnet_release() is None
    tree[("HKLM", environment.NDP_V4_FULL)] = {"Release": 528372}
    assert environment.dotnet_release() == 528372
    assert calls[-1] == ("HKLM", r"SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full", 0, KEY_READ | KEY_WOW64_64KEY)


def test_internet_settings_are_the_users(registry):
    tree, calls = registry
    tree[("HKCU", environment.INTERNET_SETTINGS)] = {
        "ProxyEnable": 1, "ProxyServer": "10.0.0.1:8080", "ProxyOverride": "*.obn.managedpki.ne.jp;<local>",
    }
    assert environment.internet_settings() == environment.InternetSettings(True, "10.0.0.1:8080", "*.obn.managedpki.ne.jp;<local>", "")
    assert calls[-1][:2] == ("HKCU", r"Software\Microsoft\Windows\CurrentVersion\Internet Settings")


def winhttp_blob(flags: int, proxy: str, bypass: str) -> bytes:
    """As `netsh winhttp set proxy` writes it."""
    out = struct.pack("<III", 0x28, 5, flags)
    for text in (proxy, bypass):
        out += struct.pack("<I", len(text)) + text.encode("ascii")
    return out


def test_winhttp_settings_blob(registry):
    tree, _ = registry
    assert environment.winhttp_proxy() == environment.WinHttpProxy("", "")
    tree[("HKLM", environment.WINHTTP_CONNECTIONS)] = {
        "WinHttpSettings": winhttp_blob(3, "10.0.0.1:8080", "*.obn.managedpki.ne.jp;<local>")
    }
    assert environment.winhttp_proxy() == environment.WinHttpProxy("10.0.0.1:8080", "*.obn.managedpki.ne.jp;<local>")


def test_winhttp_direct_access_and_short_blobs():
    assert environment.parse_winhttp_settings(winhttp_blob(1, "", "")) == environment.WinHttpProxy("", "")
    assert environment.parse_winhttp_settings(b"\x18\x00") == environment.WinHttpProxy("", "")
    # length says 40 bytes, only 3 present: take what is there, never raise
    truncated = struct.pack("<IIII", 0x28, 1, 3, 40) + b"10."
    assert environment.parse_winhttp_settings(truncated).proxy_server == "10."


def test_off_windows_the_registry_probe_says_so(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_winreg(name, *args, **kwargs):
        if name == "winreg":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_winreg)
    with pytest.raises(PlatformError, match="Windows registry"):
        environment.dotnet_release()
