"""Which proxy a download takes and why (pycert/common/proxy.py): the order of the sources,
the formats WinINET and WinHTTP write, bypass lists, PAC answers, masked credentials."""

import pytest

from pycert.common import proxy as p
from pycert.common.proxy import Route, Settings, decide
from tests.httpsd import make_test_ca

OBN = "https://cert.obn.managedpki.ne.jp/p/s"


@pytest.mark.parametrize("server, scheme, expected", [
    ("10.0.0.1:8080", "https", "http://10.0.0.1:8080"),
    ("http=10.0.0.1:80;https=10.0.0.2:443", "https", "http://10.0.0.2:443"),
    ("http=10.0.0.1:80;https=10.0.0.2:443", "http", "http://10.0.0.1:80"),
    ("http=10.0.0.1:80", "https", None),  # WinINET: a scheme not listed goes direct
    ("HTTPS=proxy.clinic.local:3128", "https", "http://proxy.clinic.local:3128"),
    ("", "https", None),
])
def test_proxy_server_values_as_internet_options_writes_them(server, scheme, expected):
    assert p.proxy_for_scheme(server, scheme) == expected


@pytest.mark.parametrize("host, bypass, expected", [
    ("cert.obn.managedpki.ne.jp", "*.obn.managedpki.ne.jp;<local>", True),
    ("crldownload.obn.managedpki.ne.jp", "*.obn.managedpki.ne.jp;*.cybertrust.ne.jp;*.secomtrust.net", True),
    ("receipt", "<local>", True),  # <local>: a name without a dot
    ("receipt.clinic.local", "<local>", False),
    ("CERT.OBN.MANAGEDPKI.NE.JP", "*.obn.managedpki.ne.jp", True),
    ("example.com", "*.obn.managedpki.ne.jp;<local>", False),
    ("cert.obn.managedpki.ne.jp", ".managedpki.ne.jp", True),  # NO_PROXY style suffix
    ("evilmanagedpki.ne.jp", ".managedpki.ne.jp", False),
    ("cert.obn.managedpki.ne.jp", "*.obn.managedpki.ne.jp <local>", True),  # WinHTTP allows spaces
    ("anything", "", False),
])
def test_bypass_lists(host, bypass, expected):
    assert p.bypassed(host, bypass) is expected


@pytest.mark.parametrize("answer, expected", [
    ("PROXY 10.0.0.1:3128; DIRECT", "http://10.0.0.1:3128"),
    ("DIRECT", None),
    ("SOCKS 10.0.0.9:1080; PROXY 10.0.0.1:3128", "http://10.0.0.1:3128"),  # SOCKS is not supported: next
    ("  proxy proxy.clinic.local:8080 ", "http://proxy.clinic.local:8080"),
    ("", None),
])
def test_pac_answers(answer, expected):
    assert p.first_pac_proxy(answer) == expected


def test_the_policy_wins_over_everything():
    everything = Settings(policy_proxy="http://10.9.9.9:8080", environment={"https": "http://e:1"},
                          user_proxy_server="u:2", machine_proxy_server="m:3", pac_answer="PROXY pac:4")
    assert decide(OBN, everything) == Route("http://10.9.9.9:8080", p.POLICY)
    assert decide(OBN, Settings(policy_proxy="direct", environment={"https": "http://e:1"})) == Route(None, p.POLICY)


def test_environment_then_pac_then_the_fixed_proxy_of_the_account():
    base = dict(user_proxy_server="u:2", machine_proxy_server="m:3")
    assert decide(OBN, Settings(environment={"https": "http://e:1"}, pac_answer="PROXY pac:4", **base)).source == p.ENVIRONMENT
    assert decide(OBN, Settings(pac_answer="PROXY pac:4", pac_source=p.WPAD, **base)) == Route("http://pac:4", p.WPAD)
    assert decide(OBN, Settings(**base)) == Route("http://u:2", p.WININET)
    assert decide(OBN, Settings(is_system=True, **base)) == Route("http://m:3", p.WINHTTP)


def test_system_never_uses_the_users_settings_and_a_user_never_the_machines():
    assert decide(OBN, Settings(is_system=True, user_proxy_server="u:2")) == Route(None, p.DIRECT)
    assert decide(OBN, Settings(machine_proxy_server="m:3")) == Route(None, p.DIRECT)


def test_bypass_and_no_proxy_send_the_obn_hosts_direct():
    route = decide(OBN, Settings(user_proxy_server="u:2", user_proxy_override="*.obn.managedpki.ne.jp;<local>"))
    assert (route.proxy, route.source) == (None, p.WININET) and "exceptions" in route.note
    route = decide(OBN, Settings(is_system=True, machine_proxy_server="m:3", machine_bypass="*.managedpki.ne.jp"))
    assert (route.proxy, route.source) == (None, p.WINHTTP)
    env = Settings(environment={"https": "http://e:1"}, no_proxy=".managedpki.ne.jp,localhost")
    assert decide(OBN, env).proxy is None


def test_a_script_without_an_answer_falls_back_and_says_why():
    route = decide(OBN, Settings(user_proxy_server="u:2", pac_error="the script could not be downloaded"))
    assert route == Route("http://u:2", p.WININET, "the proxy script gave no answer (the script could not be downloaded)")


def test_credentials_never_shown():
    assert p.mask("via http://alice:S3cret@10.0.0.1:3128 now") == "via http://alice:***@10.0.0.1:3128 now"
    assert Route("http://alice:S3cret@h:1", p.ENVIRONMENT).describe() == \
        "through proxy http://alice:***@h:1 (from the environment (HTTPS_PROXY))"


def test_windows_verifies_tls_with_its_own_chain_engine_and_tests_with_their_ca(tmp_path):
    import ssl

    import truststore

    from pycert.common import net

    assert isinstance(net.ssl_context(True, None, windows=True), truststore.SSLContext)
    ca = make_test_ca(tmp_path)
    explicit = net.ssl_context(True, str(ca.cafile), windows=True)
    assert not isinstance(explicit, truststore.SSLContext)
    assert [c["subject"] for c in explicit.get_ca_certs()] == [((("commonName", "PyCert Test HTTPS CA"),),)]
    unverified = net.ssl_context(False, None, windows=True)
    assert (unverified.verify_mode, unverified.check_hostname) == (ssl.CERT_NONE, False)
    assert not isinstance(net.ssl_context(True, None, windows=False), truststore.SSLContext)
