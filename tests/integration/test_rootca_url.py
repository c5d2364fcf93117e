"""--source URL against a real HTTPS server on 127.0.0.1 with its own test CA."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pycert.policy.models import ROOTCA2_SHA256
from pycert.common.errors import PlatformError, UsageError
from pycert.rootca import job as rootca
from pycert.common.model import StoreRef
from pycert.common.net import DownloadError
from pycert.rootca.source import MAX_SOURCE_BYTES
from tests import httpsd
from tests.rootca_samples import USER_ONLY, UserOnlyMachine, extra_pem, impostor_der, policy, rootca2_der, rootca2_pem

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
FIFTY_MB = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ca = httpsd.make_test_ca(tmp_path_factory.mktemp("ca"))
    routes = {
        "/p/cert": httpsd.body(rootca2_der()),
        "/bundle.pem": httpsd.body(extra_pem("Extra Two") + rootca2_pem(), "application/x-pem-file"),
        "/impostor": httpsd.body(impostor_der()),
        "/proxy-login": httpsd.body(b"<html><body>Proxy login required</body></html>", "text/html"),
        "/gone": httpsd.body(b"<html><body>Not here</body></html>", "text/html", 404),
        "/silent": httpsd.silent,
        "/big": httpsd.endless(FIFTY_MB, declare_length=True),
        "/big-unannounced": httpsd.endless(FIFTY_MB, declare_length=False),
    }
    with httpsd.serve(ca, routes) as running:
        running.ca = ca
        yield running


@pytest.fixture
def user_policy():
    return policy(pin=USER_ONLY, rootca={"download_timeout_seconds": 0.5})


def test_downloads_without_tls_trust_because_the_pin_is_checked(mono_store, server, user_policy):
    result = rootca.remediate(user_policy, mono_store.backend, NOW, source=server.base_url + "/p/cert")
    assert (result.verdict, result.exit_code) == ("remediated", 0)
    [source] = result.details["sources"]
    assert source["tls_verified"] is False
    assert "was not verified" in source["note"] and "matches a pin" in source["note"]
    assert [p.read_bytes() for p in mono_store.files("Trust")] == [rootca2_der()]


def test_with_a_ca_file_the_tls_connection_is_verified(mono_store, server, user_policy):
    result = rootca.remediate(
        user_policy, mono_store.backend, NOW, source=server.base_url + "/bundle.pem", cafile=str(server.ca.cafile)
    )
    assert (result.verdict, result.exit_code) == ("remediated", 0)
    assert result.details["sources"][0]["tls_verified"] is True
    assert [r["subject"] for r in result.details["refused"]] == ["CN=Extra Two"]
    assert [c.sha256 for c in mono_store.backend.read(StoreRef("CurrentUser", "Root")).certificates] == [ROOTCA2_SHA256]


def test_a_ca_file_that_does_not_match_fails_the_tls_check(mono_store, server, user_policy, tmp_path):
    other = httpsd.make_test_ca(tmp_path)
    with pytest.raises(DownloadError) as caught:
        rootca.remediate(user_policy, mono_store.backend, NOW, source=server.base_url + "/p/cert", cafile=str(other.cafile))
    assert caught.value.kind == "tls"
    assert mono_store.files("Trust") == []


def test_impostor_download_is_refused(mono_store, server, user_policy):
    result = rootca.remediate(user_policy, mono_store.backend, NOW, source=server.base_url + "/impostor")
    assert (result.verdict, result.exit_code) == ("failed", 1)
    assert result.details["refused"][0]["subject"].startswith("OU=Security Communication RootCA2")
    assert mono_store.files("Trust") == []


def test_html_page_instead_of_a_certificate(mono_store, server, user_policy):
    url = server.base_url + "/proxy-login"
    with pytest.raises(PlatformError) as caught:
        rootca.remediate(user_policy, mono_store.backend, NOW, source=url)
    assert caught.value.message == (
        f"{url} did not send a certificate: it is an HTML page (often a proxy login or an error page); "
        "check the URL and the proxy settings."
    )
    assert mono_store.files("Trust") == []


def test_http_error_is_reported_with_its_status(mono_store, server, user_policy):
    with pytest.raises(DownloadError) as caught:
        rootca.remediate(user_policy, mono_store.backend, NOW, source=server.base_url + "/gone")
    assert (caught.value.kind, caught.value.status) == ("http", 404)


def test_a_url_that_never_answers_times_out(mono_store, server, user_policy):
    with pytest.raises(DownloadError) as caught:
        rootca.remediate(user_policy, mono_store.backend, NOW, source=server.base_url + "/silent")
    assert caught.value.kind == "timeout"
    assert "did not answer in time" in caught.value.message
    before = server.hits.get("/silent", 0)  # the server is module-scoped: count this test's hits only
    with pytest.raises(DownloadError):
        rootca.remediate(user_policy, mono_store.backend, NOW, source=server.base_url + "/silent")
    assert server.hits["/silent"] - before == 3  # one try and net.fetch's two retries
    assert mono_store.files("Trust") == []


@pytest.mark.parametrize("path", ["/big", "/big-unannounced"])
def test_fifty_megabytes_are_capped(mono_store, server, user_policy, path):
    with pytest.raises(DownloadError) as caught:
        rootca.remediate(user_policy, mono_store.backend, NOW, source=server.base_url + path)
    assert caught.value.kind == "too-large"
    assert f"{MAX_SOURCE_BYTES}-byte limit" in caught.value.message
    assert mono_store.files("Trust") == []


def test_nothing_is_downloaded_when_the_root_is_already_there(mono_store, server, user_policy):
    mono_store.add(type("S", (), {"der": rootca2_der()}), "CurrentUser\\Root")
    before = dict(server.hits)
    result = rootca.remediate(user_policy, mono_store.backend, NOW, source=server.base_url + "/p/cert")
    assert (result.verdict, result.details["changed"]) == ("compliant", 0)
    assert server.hits == before


def test_an_unelevated_run_downloads_nothing(mono_store, server, mocker):
    mocker.patch("pycert.platform.elevation.is_elevated", return_value=False)
    before = dict(server.hits)
    machine_policy = policy(pin={"stores": ["LocalMachine\\Root", "CurrentUser\\Root"]})
    result = rootca.remediate(machine_policy, UserOnlyMachine(mono_store.backend), NOW, source=server.base_url + "/p/cert")
    assert (result.verdict, result.exit_code, result.details["actions"][0]["action"]) == ("failed", 1, "needs-elevation")
    assert result.details["sources"] == []
    assert server.hits == before


def test_cafile_that_does_not_exist_is_a_usage_error(mono_store, server, user_policy, tmp_path):
    before = dict(server.hits)
    with pytest.raises(UsageError, match=r"--cafile .*nope.pem does not exist"):
        rootca.remediate(user_policy, mono_store.backend, NOW, source=server.base_url + "/p/cert",
                         cafile=str(tmp_path / "nope.pem"))
    assert server.hits == before  # refused before connecting


def test_cafile_without_a_url_is_a_usage_error(mono_store, user_policy, tmp_path):
    with pytest.raises(UsageError, match="--cafile verifies a download; it has no meaning for the source 'bundled'"):
        rootca.remediate(user_policy, mono_store.backend, NOW, cafile=str(tmp_path / "ca.pem"))
