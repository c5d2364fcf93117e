"""`pycert doctor` as a real process against real HTTP(S) servers on 127.0.0.1 (never the
real OBN hosts: every test points PYCERT_DOCTOR_* at a local server)."""

import json
import os
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from pycert.common.proxy import DIRECT, Route
from pycert.common import net
from pycert.doctor import job as doctor
from pycert.common.model import StoreRef
from pycert.platform.windows.environment import InternetSettings, OsBuild, TokenInfo, WinHttpProxy

from tests.conftest import ROOT

from .servers import Server, Silent, closed_port_url, make_tls_files

NO_PROXY_ENV = {name: "" for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy")}


@pytest.fixture
def servers(tmp_path):
    ca, cert, key = make_tls_files(tmp_path)
    obn = Server({"/p/s": 200, "/p/cert": 404}, tls=(cert, key))
    crl = Server({})  # every path 404: the host answered, which is all the CRL check asks
    yield {"obn": obn, "crl": crl, "ca": ca}
    obn.close()
    crl.close()


def env_for(servers, **extra):
    env = dict(NO_PROXY_ENV, PYCERT_DOCTOR_OBN_URL=servers["obn"].url, PYCERT_DOCTOR_CRL_URL=servers["crl"].url + "/")
    env.update(extra)
    return env


def by_name(data):
    return {c["name"]: c for c in data["checks"]}


def test_json_reports_every_check_and_reachability_against_local_servers(cli_sandbox, servers):
    # RootCA2 in the sandbox's CurrentUser\Root: the rootca check is "ok" whatever this
    # machine's LocalMachine\Root (outside the sandbox) holds, so every status is known.
    rootca2 = (ROOT / "pycert" / "data" / "Security_Communication_RootCA2.der").read_bytes()
    cli_sandbox.seed([SimpleNamespace(der=rootca2)], "CurrentUser\\Root", with_ca=False)
    run = cli_sandbox.run("doctor", "--format", "json", env=env_for(servers, SSL_CERT_FILE=str(servers["ca"])))
    data = json.loads(run.stdout)
    checks = by_name(data)
    assert list(checks) == [
        "os", "dotnet", "bitness", "elevation", "policy", "account", "proxy", "rootca",
        "reach-installer", "reach-rootcert", "reach-crl",
    ]
    assert checks["reach-installer"]["status"] == "ok"
    assert checks["reach-installer"]["details"]["status"] == 200
    assert checks["reach-rootcert"]["status"] == "warn"  # reachable, but 404
    assert checks["reach-rootcert"]["details"]["url"] == servers["obn"].url + "/p/cert"
    assert checks["reach-crl"]["status"] == "ok" and checks["reach-crl"]["details"]["status"] == 404
    assert checks["policy"]["status"] == "ok" and checks["policy"]["message"].startswith("built-in defaults")
    assert checks["proxy"]["message"] == "PyCert connects to 127.0.0.1 directly (no proxy is configured)."
    # Every status written by hand for a Linux test machine (Mono, 64-bit); only elevation
    # follows who runs the suite. The worst is "warn" (not Windows; /p/cert answers 404): exit 0.
    elevated = "ok" if os.geteuid() == 0 else "warn"
    assert {name: c["status"] for name, c in checks.items()} == {
        "os": "warn", "dotnet": "ok", "bitness": "ok", "elevation": elevated, "policy": "ok", "account": "ok",
        "proxy": "ok", "rootca": "ok", "reach-installer": "ok", "reach-rootcert": "warn", "reach-crl": "ok",
    }
    assert (data["verdict"], data["exit_code"], run.code) == ("warn", 0, 0)
    assert run.stderr == ""


def test_untrusted_tls_fails_with_the_root_ca_advice(cli_sandbox, servers):
    run = cli_sandbox.run("doctor", "--format", "json", env=env_for(servers))
    checks = by_name(json.loads(run.stdout))
    for name in ("reach-installer", "reach-rootcert"):
        assert checks[name]["status"] == "fail"
        assert checks[name]["details"]["error"] == "tls"
        assert "remediate rootca" in checks[name]["action"]
    assert run.code == 1


def test_text_is_one_line_per_check_then_the_tally(cli_sandbox, servers):
    run = cli_sandbox.run("doctor", env=env_for(servers, PYCERT_DOCTOR_CRL_URL=closed_port_url()))
    lines = run.stdout.rstrip("\n").splitlines()
    assert len(lines) == 12
    assert all(line.split()[0] in ("OK", "WARN", "FAIL") for line in lines[:-1])
    crl = next(line for line in lines if line.split()[1] == "reach-crl")
    assert crl.startswith("FAIL") and "could not be reached" in crl and "-> These hosts answer only inside" in crl
    assert lines[-1].startswith("doctor: ") and lines[-1].endswith("(exit 1)")
    assert run.code == 1


def test_an_invalid_policy_fails_its_line_and_the_rest_still_runs(cli_sandbox, servers):
    cli_sandbox.write_policy("[profiles.obn]\nrenewal_window_dayz = 60\n")
    run = cli_sandbox.run("doctor", "--format", "json", env=env_for(servers))
    checks = by_name(json.loads(run.stdout))
    assert checks["policy"]["status"] == "fail"
    assert "line 2" in checks["policy"]["message"] and "renewal_window_dayz" in checks["policy"]["message"]
    assert "config validate" in checks["policy"]["action"]
    assert len(checks) == 11 and run.code == 1


def test_the_system_proxy_is_used_for_the_probes(cli_sandbox, servers):
    dead_proxy = closed_port_url().rstrip("/")
    run = cli_sandbox.run("doctor", "--format", "json", env=env_for(servers, HTTPS_PROXY=dead_proxy, https_proxy=dead_proxy, SSL_CERT_FILE=str(servers["ca"])))
    checks = by_name(json.loads(run.stdout))
    assert checks["proxy"]["message"] == (
        f"PyCert connects to 127.0.0.1 through proxy {dead_proxy} (from the environment (HTTPS_PROXY)); "
        "if the proxy asks for a login, PyCert has no credentials to answer with ([network] proxy_user).")
    assert checks["reach-installer"]["status"] == "fail"  # went to the (dead) proxy, not to the server
    assert checks["reach-crl"]["status"] == "ok"  # plain http: HTTPS_PROXY does not apply


def test_bad_format_is_a_usage_error(cli_sandbox):
    run = cli_sandbox.run("doctor", "--format", "xml")
    assert run.code == 2 and "Invalid value for '--format'" in run.stderr and run.stdout == ""


def test_a_server_that_never_answers_times_out():
    silent = Silent()
    try:
        result = net.probe(silent.url, Route(None, DIRECT), timeout=0.5)
    finally:
        silent.close()
    assert result.status is None and result.error.kind == "timeout"
    assert "did not answer in time" in result.error.message


def test_windows_facts_are_judged_together(monkeypatch, tmp_path, servers):
    """The Windows branch of run(): registry and token probes replaced (they cannot run
    here), everything else real. SYSTEM + the built-in CurrentUser profile -> warn."""
    from pycert.platform.windows import environment

    monkeypatch.setattr(environment, "os_build", lambda: OsBuild("Windows 10 Pro", "22H2", 19045, 5131))
    monkeypatch.setattr(environment, "dotnet_release", lambda: 461808)
    monkeypatch.setattr(environment, "token_info", lambda: TokenInfo("S-1-5-18", True))
    monkeypatch.setattr(environment, "internet_settings", lambda: InternetSettings(False, "", "", ""))
    monkeypatch.setattr(environment, "winhttp_proxy", lambda: WinHttpProxy("10.0.0.1:8080", "<local>"))
    monkeypatch.setenv("PROCESSOR_ARCHITECTURE", "x86")
    monkeypatch.setenv("PROCESSOR_ARCHITEW6432", "AMD64")
    for name, value in env_for(servers).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no policy file: built-in defaults
    read = []

    class Stores:
        def read_many(self, stores):
            read.extend(stores)
            return []

    report = doctor.run(None, Stores, datetime.now(timezone.utc), timeout=2, windows=True)
    checks = {c.name: c for c in report.checks}
    assert checks["os"].status == "ok" and checks["os"].details["build"] == 19045
    assert checks["dotnet"].status == "fail" and checks["dotnet"].details["version"] == "4.7.2"
    assert checks["account"].status == "warn" and "obn" in checks["account"].message
    assert checks["account"].details == {"account": "SYSTEM", "system": True}
    assert checks["elevation"].status == "ok"
    # SYSTEM goes through the machine's WinHTTP proxy, with the computer's own logon
    assert checks["proxy"].status == "ok" and checks["proxy"].message == (
        "PyCert connects to 127.0.0.1 through proxy http://10.0.0.1:8080 (from the machine's WinHTTP proxy "
        "(netsh winhttp)); if the proxy asks for a login, PyCert answers with this Windows logon (Negotiate/NTLM).")
    assert checks["rootca"].status == "fail"
    assert read == [StoreRef("LocalMachine", "Root"), StoreRef("LocalMachine", "AuthRoot"), StoreRef("CurrentUser", "Root")]
    # bitness judges this process (64-bit Python) on the pretended 64-bit OS
    assert checks["bitness"].details["machine"] == "AMD64"
    assert report.exit_code == 1


def test_a_token_that_cannot_be_read_is_a_warning_and_the_rest_still_runs(monkeypatch, tmp_path, servers):
    from pycert.common.errors import PlatformError
    from pycert.platform.windows import environment

    def no_token():
        raise PlatformError("OpenProcessToken failed (Windows error 5).")

    monkeypatch.setattr(environment, "os_build", lambda: OsBuild("Windows 10 Pro", "22H2", 19045, 1))
    monkeypatch.setattr(environment, "dotnet_release", lambda: 533320)
    monkeypatch.setattr(environment, "token_info", no_token)
    monkeypatch.setattr(environment, "internet_settings", lambda: InternetSettings(False, "", "", ""))
    monkeypatch.setattr(environment, "winhttp_proxy", lambda: WinHttpProxy("", ""))
    for name, value in env_for(servers).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))

    class Stores:
        def read_many(self, stores):
            return []

    report = doctor.run(None, Stores, datetime.now(timezone.utc), timeout=2, windows=True)
    checks = {c.name: c for c in report.checks}
    assert checks["elevation"].status == "warn" and "Windows error 5" in checks["elevation"].message
    assert checks["dotnet"].status == "ok" and len(report.checks) == 11
