"""net.fetch against a real HTTPS server on 127.0.0.1, a real Basic-auth proxy and a real
NTLM proxy (pyspnego on both ends of the handshake)."""

import os

import pytest

from pycert.common import net
from pycert.common.net import DownloadError
from pycert.common.proxy import DIRECT, POLICY
from pycert.common.proxy import Route as Via
from pycert.common.tunnel import ProxyAuth
from tests.mpki.servers import AuthProxy, Route

BODY = bytes(range(256)) * 400  # 100 KiB


def fetch(url, proxy=None, **kw):
    kw.setdefault("route", Via(proxy, POLICY) if proxy else Via(None, DIRECT))
    kw.setdefault("max_bytes", 1024 * 1024)
    kw.setdefault("retries", 0)
    kw.setdefault("connect_timeout", 5)
    kw.setdefault("read_timeout", 5)
    return net.fetch(url, **kw)


def test_download_lands_complete_and_conditional_request_gets_304(routes, tmp_path):
    routes.routes["/p/s"] = Route(BODY)
    dest = tmp_path / "c.msi"
    first = fetch(routes.url("/p/s"), dest=dest)
    assert first.status == 200 and dest.read_bytes() == BODY
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    second = fetch(routes.url("/p/s"), dest=dest, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert second.not_modified and second.status == 304 and dest.read_bytes() == BODY
    assert routes.seen[-1].headers["If-None-Match"] == etag
    assert list(tmp_path.iterdir()) == [dest]


def test_connection_cut_half_way_leaves_no_file(routes, tmp_path):
    routes.routes["/cut"] = Route(BODY, cut_after=len(BODY) // 2)
    dest = tmp_path / "c.msi"
    with pytest.raises(DownloadError) as err:
        fetch(routes.url("/cut"), dest=dest)
    assert err.value.kind == "network" and "closed the connection" in err.value.message
    assert list(tmp_path.iterdir()) == []


def test_cut_is_retried_with_backoff(routes, tmp_path, mocker):
    routes.routes["/cut"] = Route(BODY, cut_after=1000)
    sleep = mocker.patch("pycert.common.net.time.sleep")
    with pytest.raises(DownloadError):
        fetch(routes.url("/cut"), dest=tmp_path / "x", retries=2, backoff=1.5)
    assert [c.args[0] for c in sleep.call_args_list] == [1.5, 3.0]
    assert [s.path for s in routes.seen] == ["/cut"] * 3


def test_404_is_not_retried(routes, tmp_path, mocker):
    sleep = mocker.patch("pycert.common.net.time.sleep")
    with pytest.raises(DownloadError) as err:
        fetch(routes.url("/p/missing"), dest=tmp_path / "x", retries=3)
    assert err.value.kind == "http" and err.value.status == 404 and "HTTP 404" in err.value.message
    sleep.assert_not_called()


def test_slow_server_times_out(routes, tmp_path):
    routes.routes["/slow"] = Route(BODY, stall=3)
    with pytest.raises(DownloadError) as err:
        fetch(routes.url("/slow"), dest=tmp_path / "x", read_timeout=0.5)
    assert err.value.kind == "timeout" and "did not answer in time" in err.value.message


def test_announced_size_over_the_cap_is_refused_before_reading(routes, tmp_path):
    routes.routes["/big"] = Route(BODY)
    with pytest.raises(DownloadError) as err:
        fetch(routes.url("/big"), dest=tmp_path / "x", max_bytes=10_000)
    assert err.value.kind == "too-large" and "would send 102400 bytes" in err.value.message


def test_unannounced_size_over_the_cap_stops_streaming(routes, tmp_path):
    routes.routes["/stream"] = Route(BODY, no_length=True)
    with pytest.raises(DownloadError) as err:
        fetch(routes.url("/stream"), dest=tmp_path / "x", max_bytes=10_000)
    assert err.value.kind == "too-large" and list(tmp_path.iterdir()) == []


def test_untrusted_server_certificate(routes, tmp_path, monkeypatch):
    routes.routes["/p/s"] = Route(BODY)
    monkeypatch.setenv("SSL_CERT_FILE", os.devnull)
    with pytest.raises(DownloadError) as err:
        fetch(routes.url("/p/s"), dest=tmp_path / "x")
    assert err.value.kind == "tls"


@pytest.fixture
def proxy():
    p = AuthProxy("clinic", "p@ss:word").start()
    yield p
    p.close()


def test_proxy_with_basic_auth_tunnels(routes, tmp_path, proxy):
    routes.routes["/p/s"] = Route(BODY)
    reply = fetch(routes.url("/p/s"), dest=tmp_path / "x", proxy=proxy.url, auth=ProxyAuth("auto", "clinic", "p@ss:word"))
    assert reply.status == 200 and (tmp_path / "x").read_bytes() == BODY
    # challenge first: the password goes out only after the proxy asked for Basic
    assert proxy.tunnels == [f"127.0.0.1:{routes.port}"] and proxy.refused == 1


def test_no_proxy_of_urllibs_own_choosing(routes, tmp_path, proxy, monkeypatch):
    """The route is decided before the download (platform/proxies.py); urllib must not add
    the environment's proxy to a direct route behind our back."""
    routes.routes["/p/s"] = Route(BODY)
    monkeypatch.setenv("https_proxy", proxy.url)
    fetch(routes.url("/p/s"), dest=tmp_path / "x")
    assert proxy.tunnels == [] and proxy.refused == 0


def test_proxy_without_credentials_is_a_clear_407(routes, tmp_path, proxy, mocker):
    routes.routes["/p/s"] = Route(BODY)
    sleep = mocker.patch("pycert.common.net.time.sleep")
    with pytest.raises(DownloadError) as err:
        fetch(routes.url("/p/s"), dest=tmp_path / "x", proxy=proxy.url, retries=2)
    assert err.value.kind == "proxy-auth" and "407" in err.value.message
    sleep.assert_not_called()
    with pytest.raises(DownloadError) as wrong:
        fetch(routes.url("/p/s"), dest=tmp_path / "x", proxy=proxy.url, auth=ProxyAuth("auto", "clinic", "nope"))
    assert "nope" not in str(wrong.value) and proxy.refused == 3  # asked, then refused the wrong password


def test_with_credentials_quotes_specials():
    assert net.with_credentials("http://proxy:8080", "a b", "p@ss:w/rd") == "http://a%20b:p%40ss%3Aw%2Frd@proxy:8080"
    assert net.with_credentials("proxy:3128", "u", "p") == "http://u:p@proxy:3128"


def test_progress_only_on_a_terminal(routes, tmp_path):
    import io

    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert net.console_progress(io.StringIO()) is None
    screen = Tty()
    routes.routes["/p/s"] = Route(BODY)
    fetch(routes.url("/p/s"), dest=tmp_path / "x", progress=net.console_progress(screen))
    assert "100%" in screen.getvalue() and screen.getvalue().endswith("\n")


def test_ntlm_proxy_handshake_then_tunnel(routes, tmp_path, ntlm_proxy):
    routes.routes["/p/s"] = Route(BODY)
    auth = ProxyAuth("auto", "CLINIC\\proxyuser", "N7lm-Pa55")
    reply = fetch(routes.url("/p/s"), dest=tmp_path / "x", proxy=ntlm_proxy.url, auth=auth)
    assert reply.status == 200 and (tmp_path / "x").read_bytes() == BODY
    assert ntlm_proxy.tunnels == [f"127.0.0.1:{routes.port}"]
    assert ntlm_proxy.authenticated == ["CLINIC\\proxyuser"]
    assert ntlm_proxy.refused == 1  # the first CONNECT, without credentials


@pytest.mark.parametrize("auth, reason", [
    (ProxyAuth("auto"), "set [network] proxy_user"),  # no logon to answer with off Windows
    (ProxyAuth("auto", "CLINIC\\proxyuser", "wrong"), "refused the NTLM credentials of CLINIC\\proxyuser"),
    (ProxyAuth("basic", "CLINIC\\proxyuser", "N7lm-Pa55"), "may not use here"),
    (ProxyAuth("none"), 'proxy_auth is "none"'),
])
def test_ntlm_proxy_failures_are_one_sentence(routes, tmp_path, ntlm_proxy, auth, reason):
    routes.routes["/p/s"] = Route(BODY)
    with pytest.raises(DownloadError) as err:
        fetch(routes.url("/p/s"), dest=tmp_path / "x", proxy=ntlm_proxy.url, auth=auth)
    assert err.value.kind == "proxy-auth" and reason in err.value.message
    assert "wrong" not in err.value.message and "N7lm" not in err.value.message
    assert not (tmp_path / "x").exists() and ntlm_proxy.tunnels == []


def test_a_password_in_the_url_is_never_in_a_download_error(routes, tmp_path):
    """escape.url is the one masking rule (docs/reliability.md 4c, class 5)."""
    with pytest.raises(DownloadError) as err:
        fetch(routes.url("/p/missing").replace("https://", "https://alice:S3cretPw@"), dest=tmp_path / "x")
    # urllib does not take user:password from an https URL, so the host is not reached
    assert err.value.kind == "network" and "could not be reached" in err.value.message
    assert "S3cretPw" not in str(err.value) and "S3cretPw" not in err.value.message
    assert "https://alice:***@127.0.0.1:" in err.value.message
    with pytest.raises(DownloadError) as err:
        fetch("ftp://alice:S3cretPw@example.invalid/c.msi")
    assert err.value.message == "'ftp://alice:***@example.invalid/c.msi' is not an http(s) URL; give a full https:// address."
