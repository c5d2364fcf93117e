"""Downloads on clinic and hospital networks: `remediate mpki` and `remediate rootca --source
URL` through a real NTLM proxy on 127.0.0.1 (pyspnego on both ends), chosen by the policy or
by a proxy script (PAC) served locally; the credentials never reach a message or the log."""

from __future__ import annotations

import json

import pytest

from pycert.common import logs
from pycert.common.errors import PlatformError, UsageError
from pycert.mpki import job as mpki
from tests.conftest import run_cli
from tests.mpki.conftest import NTLM_PASSWORD, NTLM_USER
from tests.mpki.servers import Route
from tests.mpki.test_job import NOW, machine, make_policy  # noqa: F401  (fixture)
from tests.rootca_samples import SHIPPED

NETWORK = '\n[network]\nproxy = "{proxy}"\nproxy_user = "CLINIC\\\\proxyuser"\n'


def test_remediate_mpki_through_an_ntlm_proxy(machine, msis, routes, ntlm_proxy, tmp_path, monkeypatch):
    routes.routes["/p/s"] = Route(msis.v2.read_bytes())
    monkeypatch.setenv("PYCERT_PROXY_PASSWORD", NTLM_PASSWORD)
    policy = make_policy(tmp_path, f'required_version = "2.1.0"\nurl = "{routes.url("/p/s")}"\n'
                         + NETWORK.format(proxy=ntlm_proxy.url))
    logs.setup("remediate mpki", log_dir=tmp_path / "logs")
    result = mpki.remediate(policy, NOW, cache_dir=str(tmp_path / "c"))
    assert result.verdict == "remediated"
    assert ntlm_proxy.tunnels == [f"127.0.0.1:{routes.port}"] and ntlm_proxy.authenticated == [NTLM_USER]
    log = (tmp_path / "logs" / "pycert.log").read_text(encoding="utf-8")
    assert f'action=download result=route url="{routes.url("/p/s")}" proxy="{ntlm_proxy.url}" source="policy"' in log
    assert NTLM_PASSWORD not in log


def test_without_the_password_variable_nothing_is_fetched(machine, msis, routes, ntlm_proxy, tmp_path, monkeypatch):
    monkeypatch.delenv("PYCERT_PROXY_PASSWORD", raising=False)
    policy = make_policy(tmp_path, f'required_version = "2.1.0"\nurl = "{routes.url("/p/s")}"\n'
                         + NETWORK.format(proxy=ntlm_proxy.url))
    with pytest.raises(UsageError, match=r"^\[network\] proxy_user is set but PYCERT_PROXY_PASSWORD is not"):
        mpki.remediate(policy, NOW, cache_dir=str(tmp_path / "c"))
    assert ntlm_proxy.tunnels == [] and [e for e in machine.events if e[0] == "spawn"] == []


def test_wrong_credentials_are_one_sentence_and_change_nothing(machine, msis, routes, ntlm_proxy, tmp_path, monkeypatch):
    routes.routes["/p/s"] = Route(msis.v2.read_bytes())
    monkeypatch.setenv("PYCERT_PROXY_PASSWORD", "not-it")
    policy = make_policy(tmp_path, f'required_version = "2.1.0"\nurl = "{routes.url("/p/s")}"\nretries = 0\n'
                         + NETWORK.format(proxy=ntlm_proxy.url))
    with pytest.raises(PlatformError) as err:
        mpki.remediate(policy, NOW, cache_dir=str(tmp_path / "c"))
    assert "refused the NTLM credentials of CLINIC\\proxyuser" in err.value.message and "not-it" not in err.value.message
    assert [e for e in machine.events if e[0] == "spawn"] == []  # the old client was not touched


def test_a_proxy_script_sends_only_the_installer_through_the_proxy(machine, msis, routes, ntlm_proxy, tmp_path,
                                                                  monkeypatch):
    routes.routes["/p/s"] = Route(msis.v2.read_bytes())
    routes.routes["/proxy.pac"] = Route(
        b'function FindProxyForURL(url, host) {\n'
        b'  if (shExpMatch(url, "*/p/s*")) return "PROXY ' + ntlm_proxy.url.split("//")[1].encode() + b'; DIRECT";\n'
        b'  return "DIRECT";\n}\n',
        content_type="application/x-ns-proxy-autoconfig",
    )
    monkeypatch.setenv("PYCERT_PROXY_PASSWORD", NTLM_PASSWORD)
    policy = make_policy(tmp_path, f'required_version = "2.1.0"\nurl = "{routes.url("/p/s")}"\n'
                         f'\n[network]\npac_url = "{routes.url("/proxy.pac")}"\nproxy_user = "CLINIC\\\\proxyuser"\n')
    from pycert.platform import proxies

    other, _ = proxies.resolve(routes.url("/p/cert"), policy.network)
    assert (other.proxy, other.source) == (None, "pac")
    logs.setup("remediate mpki", log_dir=tmp_path / "logs")
    result = mpki.remediate(policy, NOW, cache_dir=str(tmp_path / "c"))
    assert result.verdict == "remediated" and ntlm_proxy.tunnels == [f"127.0.0.1:{routes.port}"]
    log = (tmp_path / "logs" / "pycert.log").read_text(encoding="utf-8")
    assert f'proxy="{ntlm_proxy.url}" source="pac"' in log


def test_remediate_rootca_from_a_url_through_the_ntlm_proxy(routes, ntlm_proxy, tmp_path):
    routes.routes["/p/cert"] = Route(SHIPPED.read_bytes(), content_type="application/x-x509-ca-cert")
    policy = tmp_path / "pycert" / "pycert.toml"
    policy.parent.mkdir()
    policy.write_text(
        'checks = ["rootca"]\n[[rootca.pins]]\nname = "Security Communication RootCA2"\n'
        'sha256 = "513B2CECB810D4CDE5DD85391ADFC6C2DD60D87BB736D2B521484AA47A0EBEF6"\n'
        'stores = ["CurrentUser\\\\Root"]\nscope = "user"\n' + NETWORK.format(proxy=ntlm_proxy.url),
        encoding="utf-8",
    )
    env = {"PYCERT_PROXY_PASSWORD": NTLM_PASSWORD, "PYCERT_LOG_DIR": str(tmp_path / "logs")}
    run = run_cli(["remediate", "rootca", "--source", routes.url("/p/cert"), "--format", "json"], xdg=tmp_path, env=env)
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["actions"][0]["action"] == "installed"
    assert ntlm_proxy.authenticated == [NTLM_USER] and NTLM_PASSWORD not in run.stdout + run.stderr
    assert NTLM_PASSWORD not in (tmp_path / "logs" / "pycert.log").read_text(encoding="utf-8")
