"""The pure judges of `pycert doctor`: each boundary the checks are about."""

from datetime import datetime, timedelta, timezone

import pytest

from pycert.common.proxy import DIRECT, ENVIRONMENT, POLICY, WINHTTP, Route
from pycert.common.tunnel import ProxyAuth
from pycert.common.errors import PlatformError
from pycert.doctor import job, judges
from pycert.common.model import CertificateInfo, KeyPresence, StoreReading, StoreRef
from pycert.common.net import DownloadError, Probe
from pycert.platform.windows.environment import InternetSettings, OsBuild, WinHttpProxy

NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "build, status",
    # Windows 10 version 1709 is build 16299 (Microsoft's Windows 10 release information),
    # the first that imports AES-256/SHA-256 PFX; written here by hand, not taken from the code.
    [(16299, "ok"), (16298, "warn"), (15063, "warn"), (9600, "warn"), (22631, "ok")],
)
def test_os_build_decides_aes_pfx_support(build, status):
    check = judges.judge_os(OsBuild("Windows 10 Pro", "", build, 1), "Windows")
    assert check.status == status
    assert (check.action == "") == (status == "ok")
    if status == "warn":
        assert "AES-256" in check.message and "TripleDES" in check.action


def test_windows_11_is_named_from_the_build_not_the_registry_product_name():
    check = judges.judge_os(OsBuild("Windows 10 Pro", "23H2", 22631, 4460), "Windows")
    assert check.message.startswith("Windows 11 Pro 23H2 (build 22631.4460)")
    assert judges.judge_os(OsBuild("Windows 10 Enterprise", "22H2", 19045, 5131), "Windows").message.startswith(
        "Windows 10 Enterprise 22H2 (build 19045.5131)"
    )


def test_not_windows_is_a_warning_naming_the_system():
    check = judges.judge_os(None, "Linux 6.1")
    assert (check.status, check.details) == ("warn", {"system": "Linux 6.1"})


@pytest.mark.parametrize(
    "release, status, name",
    [(533320, "ok", "4.8.1"), (528040, "ok", "4.8"), (528039, "fail", "4.7.2"), (461808, "fail", "4.7.2"), (378389, "fail", "4.5")],
)
def test_dotnet_needs_release_528040(release, status, name):
    check = judges.judge_dotnet(release, None, windows=True)
    assert (check.status, check.details["version"]) == (status, name)
    assert f"(release {release})" in check.message


def test_dotnet_missing_fails_and_says_what_to_install():
    check = judges.judge_dotnet(None, None, windows=True)
    assert check.status == "fail" and "4.8" in check.action


def test_mono_stands_in_off_windows():
    assert judges.judge_dotnet(None, "/usr/bin/mono", windows=False).status == "ok"
    assert judges.judge_dotnet(None, None, windows=False).status == "fail"


@pytest.mark.parametrize(
    "bits, machine, status", [(64, "AMD64", "ok"), (32, "AMD64", "warn"), (32, "x86", "ok"), (64, "ARM64", "ok")]
)
def test_bitness_warns_for_32_bit_on_64_bit(bits, machine, status):
    check = judges.judge_bitness(bits, machine)
    assert check.status == status
    if status == "warn":
        assert "64-bit PowerShell" in check.action


def test_elevation():
    assert judges.judge_elevation(True, "CLINIC\\admin").status == "ok"
    check = judges.judge_elevation(False, "CLINIC\\taro")
    assert check.status == "warn" and "CLINIC\\taro" in check.message and "elevated" in check.action


def test_system_with_current_user_profiles_is_warned():
    check = judges.judge_account("SYSTEM", True, ["obn", "orca"])
    assert check.status == "warn"
    assert "obn, orca" in check.message and "logged-on credentials" in check.action
    assert judges.judge_account("SYSTEM", True, []).status == "ok"
    assert judges.judge_account("SYSTEM", True, None).status == "ok"  # policy unreadable: said on its own line
    assert judges.judge_account("CLINIC\\taro", False, ["obn"]).status == "ok"
    network = judges.judge_account("NETWORK SERVICE", True, ["obn"])
    assert network.status == "warn" and network.message.startswith("Running as NETWORK SERVICE,")


def test_a_pac_script_that_gave_no_answer_is_a_warning():
    route = Route(None, DIRECT, "the proxy script gave no answer (the script could not be downloaded)")
    check = judges.judge_proxy("cert.obn.managedpki.ne.jp", route, ProxyAuth())
    assert check.status == "warn"
    assert check.message == ("PyCert connects to cert.obn.managedpki.ne.jp directly (no proxy is configured), because "
                             "the proxy script gave no answer (the script could not be downloaded).")
    assert "[network] proxy" in check.action


def test_the_route_names_its_source_and_who_answers_the_proxy():
    route = Route("http://10.0.0.1:8080", WINHTTP)
    system = judges.judge_proxy("h", route, ProxyAuth(), windows=True)
    assert (system.status, system.message) == ("ok", "PyCert connects to h through proxy http://10.0.0.1:8080 (from the "
                                               "machine's WinHTTP proxy (netsh winhttp)); if the proxy asks for a login, "
                                               "PyCert answers with this Windows logon (Negotiate/NTLM).")
    assert system.details == {"host": "h", "proxy": "http://10.0.0.1:8080", "source": "winhttp-machine", "note": None,
                              "auth": "auto", "user": None}
    named = judges.judge_proxy("h", route, ProxyAuth("ntlm", "CLINIC\\svc", "pw"))
    assert named.message.endswith("PyCert answers as CLINIC\\svc.") and "pw" not in str(named.details)
    direct = judges.judge_proxy("h", Route(None, POLICY), ProxyAuth())
    assert direct.message == 'PyCert connects to h directly (as the policy ([network] proxy) says).'


def test_credentials_in_a_proxy_url_are_never_shown():
    check = judges.judge_proxy("h", Route("http://alice:S3cret@10.0.0.1:8080", ENVIRONMENT), ProxyAuth())
    assert "S3cret" not in check.message + str(check.details) and "http://alice:***@10.0.0.1:8080" in check.message


def test_a_policy_problem_stops_the_proxy_check():
    check = judges.judge_proxy("h", Route(None, DIRECT), ProxyAuth(), error="[network] proxy_user is set but ...")
    assert check.status == "fail" and check.message.startswith("[network] proxy_user")


def _probe(status=None, kind=None):
    error = DownloadError("https://x/p/s did not answer in time; check.", kind) if kind else None
    return Probe("https://x/p/s", status, error, 0.25)


@pytest.mark.parametrize(
    "probe, any_status, status",
    [(_probe(200), False, "ok"), (_probe(302), False, "ok"), (_probe(404), False, "warn"), (_probe(404), True, "ok"),
     (_probe(503), False, "warn"), (_probe(kind="timeout"), False, "fail"), (_probe(kind="network"), True, "fail"),
     (_probe(kind="tls"), False, "fail")],
)
def test_reachability(probe, any_status, status):
    check = judges.judge_reach("reach-installer", probe, any_status)
    assert check.status == status
    if probe.error is not None:
        assert ("remediate rootca" in check.action) == (probe.error.kind == "tls")
        assert ("IP-VPN" in check.action) == (probe.error.kind != "tls")


def _root(store: str, not_after: datetime, thumbprint=judges.ROOT_THUMBPRINT) -> CertificateInfo:
    return CertificateInfo(
        StoreRef.parse(store), "OU=Security Communication RootCA2", "OU=Security Communication RootCA2",
        thumbprint, "00", not_after - timedelta(days=7300), not_after, KeyPresence.NO,
    )


def _reading(store, *certs, status="ok", error=""):
    return StoreReading(StoreRef.parse(store), status, tuple(certs), error)


def test_root_in_machine_store_is_ok_then_warns_in_its_last_year():
    far = _reading("LocalMachine\\Root", _root("LocalMachine\\Root", NOW + timedelta(days=400)))
    assert judges.judge_root([far, _reading("CurrentUser\\Root")], NOW).status == "ok"
    near = _reading("LocalMachine\\AuthRoot", _root("LocalMachine\\AuthRoot", NOW + timedelta(days=200)))
    check = judges.judge_root([_reading("LocalMachine\\Root"), near], NOW)
    assert check.status == "warn" and "expires in 200 days" in check.message


def test_root_only_for_this_user_is_a_warning():
    user = _reading("CurrentUser\\Root", _root("CurrentUser\\Root", NOW + timedelta(days=900)))
    check = judges.judge_root([_reading("LocalMachine\\Root"), user], NOW)
    assert check.status == "warn" and "--scope machine" in check.action


def test_root_missing_fails_and_a_store_error_only_warns():
    other = _reading("LocalMachine\\Root", _root("LocalMachine\\Root", NOW + timedelta(days=900), "AB" * 20))
    assert judges.judge_root([other, _reading("CurrentUser\\Root")], NOW).status == "fail"
    broken = _reading("LocalMachine\\Root", status="error", error="access denied")
    check = judges.judge_root([broken], NOW)
    assert check.status == "warn" and "access denied" in check.message


def test_report_verdict_and_exit_code():
    checks = [judges.Check("a", "ok", ""), judges.Check("b", "warn", "")]
    assert (judges.Report(NOW, checks).verdict, judges.Report(NOW, checks).exit_code) == ("warn", 0)
    checks.append(judges.Check("c", "fail", ""))
    assert (judges.Report(NOW, checks).verdict, judges.Report(NOW, checks).exit_code) == ("fail", 1)


def test_a_probe_that_breaks_becomes_a_warning_not_a_crash():
    def boom():
        raise PlatformError("The registry key X could not be read (access denied).")

    check = job._guarded("os", boom)
    assert (check.name, check.status) == ("os", "warn")
    assert "access denied" in check.message
