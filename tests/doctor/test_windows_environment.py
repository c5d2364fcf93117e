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
    assert [c[:2] for c in calls][-2:] == [("HKCU", r"Software\Microsoft\Windows\CurrentVersion\Internet Settings"),
                                          ("HKCU", r"Software\Microsoft\Windows\CurrentVersion\Internet Settings\Connections")]


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


# -- the proxy a run takes, from the registry as Windows writes it ---------------------------

def connection_blob(flags: int, proxy: str = "", bypass: str = "", script: str = "") -> bytes:
    """DefaultConnectionSettings as Internet Options writes it: version, counter, flags, then
    length-prefixed proxy, bypass list and script URL (and more we do not read)."""
    out = struct.pack("<III", 0x46, 3, flags)
    for text in (proxy, bypass, script):
        out += struct.pack("<I", len(text)) + text.encode("ascii")
    return out + b"\x00" * 32


def test_automatic_detection_is_read_from_the_connection_settings(registry):
    tree, _ = registry
    tree[("HKCU", environment.INTERNET_SETTINGS)] = {"ProxyEnable": 0}
    tree[("HKCU", environment.INTERNET_SETTINGS + "\\Connections")] = {"DefaultConnectionSettings": connection_blob(1 | 8)}
    assert environment.internet_settings().auto_detect is True
    tree[("HKCU", environment.INTERNET_SETTINGS + "\\Connections")] = {"DefaultConnectionSettings": connection_blob(1)}
    assert environment.internet_settings().auto_detect is False


@pytest.fixture
def windows_run(registry, monkeypatch):
    """proxies.resolve's Windows branch over the fake registry; `account` picks the token."""
    from pycert.platform import proxies

    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    tree, _ = registry
    state = {"sid": "S-1-5-21-1-2-3-1001"}
    monkeypatch.setattr(environment, "token_info", lambda: environment.TokenInfo(state["sid"], False))

    def resolve(url, **network):
        from pycert.policy.models import Network

        state["sid"] = network.pop("sid", state["sid"])
        return proxies.resolve(url, Network(**network), windows=True)[0]

    return tree, resolve


def test_a_user_run_takes_the_users_per_scheme_proxy_and_exceptions(windows_run):
    tree, resolve = windows_run
    tree[("HKCU", environment.INTERNET_SETTINGS)] = {
        "ProxyEnable": 1, "ProxyServer": "http=10.0.0.1:8080;https=10.0.0.2:8443", "ProxyOverride": "*.cybertrust.ne.jp;<local>",
    }
    tree[("HKLM", environment.WINHTTP_CONNECTIONS)] = {"WinHttpSettings": winhttp_blob(3, "10.9.9.9:3128", "")}
    route = resolve("https://cert.obn.managedpki.ne.jp/p/s")
    assert (route.proxy, route.source) == ("http://10.0.0.2:8443", "wininet-user")
    assert resolve("https://www.cybertrust.ne.jp/").proxy is None  # in ProxyOverride
    # ProxyEnable = 0: the server value stays in the registry but is not used
    tree[("HKCU", environment.INTERNET_SETTINGS)]["ProxyEnable"] = 0
    assert resolve("https://cert.obn.managedpki.ne.jp/p/s").source == "direct"


def test_system_takes_the_machines_winhttp_proxy(windows_run):
    tree, resolve = windows_run
    tree[("HKCU", environment.INTERNET_SETTINGS)] = {"ProxyEnable": 1, "ProxyServer": "10.0.0.1:8080"}
    tree[("HKLM", environment.WINHTTP_CONNECTIONS)] = {
        "WinHttpSettings": winhttp_blob(3, "10.9.9.9:3128", "*.secomtrust.net;<local>"),
    }
    route = resolve("https://cert.obn.managedpki.ne.jp/p/s", sid="S-1-5-18")
    assert (route.proxy, route.source) == ("http://10.9.9.9:3128", "winhttp-machine")
    assert resolve("http://repository.secomtrust.net/", sid="S-1-5-18").proxy is None
    tree[("HKLM", environment.WINHTTP_CONNECTIONS)] = {"WinHttpSettings": winhttp_blob(1, "", "")}  # netsh winhttp reset proxy
    assert resolve("https://cert.obn.managedpki.ne.jp/p/s", sid="S-1-5-18").source == "direct"


def test_the_users_proxy_script_and_wpad_go_to_winhttp(windows_run, monkeypatch):
    from pycert.platform.windows import winhttp

    tree, resolve = windows_run
    asked = []

    def script(url, script_url, autodetect, timeout_ms=10_000):
        asked.append((url, script_url, autodetect))
        return winhttp.ScriptAnswer("PROXY 10.0.0.7:3128; DIRECT")

    monkeypatch.setattr(winhttp, "proxy_for_url", script)
    tree[("HKCU", environment.INTERNET_SETTINGS)] = {"ProxyEnable": 0, "AutoConfigURL": "http://wpad.clinic.local/proxy.pac"}
    route = resolve("https://cert.obn.managedpki.ne.jp/p/s")
    assert (route.proxy, route.source) == ("http://10.0.0.7:3128", "pac")
    assert asked == [("https://cert.obn.managedpki.ne.jp/p/s", "http://wpad.clinic.local/proxy.pac", False)]
    tree[("HKCU", environment.INTERNET_SETTINGS)] = {"ProxyEnable": 0}
    tree[("HKCU", environment.INTERNET_SETTINGS + "\\Connections")] = {"DefaultConnectionSettings": connection_blob(1 | 8)}
    assert resolve("https://cert.obn.managedpki.ne.jp/p/s").source == "wpad" and asked[-1][1:] == (None, True)
    # SYSTEM has no Internet Options of its own: only the policy turns WPAD on
    asked.clear()
    assert resolve("https://cert.obn.managedpki.ne.jp/p/s", sid="S-1-5-18").source == "direct" and asked == []
    assert resolve("https://cert.obn.managedpki.ne.jp/p/s", sid="S-1-5-18", wpad=True).source == "wpad"
