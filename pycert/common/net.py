"""HTTPS downloads: verified TLS, the proxy route the caller resolved, timeouts, a size cap,
retries with back-off, and files renamed into place only when complete.

Built on urllib. Which proxy (and why) is decided before a download, by
platform.proxies.resolve (policy, environment, WinINET, WinHTTP, PAC/WPAD); an HTTPS
download through a proxy uses our own CONNECT (tunnel.py) so NTLM and Negotiate can answer
the proxy. On Windows, TLS is verified by Windows itself (truststore: CertGetCertificateChain),
so roots Windows fetches on demand, enterprise roots from GPO and intermediates by AIA all
count as they do for the vendor's client.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlsplit, urlunsplit

from pycert.common.errors import PlatformError
from pycert.common import escape
from pycert.common.proxy import Route, mask
from pycert.common.tunnel import ProxyAuth, ProxyAuthError, TunnelHTTPSHandler

CHUNK = 64 * 1024


class DownloadError(PlatformError):
    """A download that did not complete. `kind` says why: timeout, http, too-large, tls, network.

    Every sentence names the URL: it goes through escape.url here, the one place, so a
    password in `https://user:password@host/...` (a URL from the policy or the command
    line) is never printed or logged."""

    def __init__(self, message: str, kind: str, status: int | None = None):
        super().__init__(escape.url(message) or message)
        self.kind = kind
        self.status = status


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # when no dest was given
    path: Path | None = None  # when dest was given and the body was written
    not_modified: bool = False


def fetch(
    url: str,
    *,
    max_bytes: int,
    dest: Path | None = None,
    verify: bool = True,
    cafile: str | None = None,
    connect_timeout: float = 10.0,
    read_timeout: float = 30.0,
    retries: int = 2,
    backoff: float = 1.0,
    headers: dict[str, str] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    route: Route,
    auth: ProxyAuth = ProxyAuth(),
) -> Response:
    """GET `url`. Retries network errors, timeouts and 5xx (not 4xx or the size cap).

    `verify=False` exists for one caller: fetching a root certificate whose SHA-256 is
    pinned, where TLS trust is exactly what is missing. Everyone else verifies.

    Conditional requests: pass `If-None-Match` / `If-Modified-Since` in `headers`; a 304
    comes back as Response(status=304, not_modified=True) and `dest` is left untouched.
    `route` says whether to go through a proxy (platform.proxies.resolve decides); `auth`
    answers the proxy's 407. The password is never put in a message.
    """
    if not url.lower().startswith(("https://", "http://")):
        raise DownloadError(f"'{url}' is not an http(s) URL; give a full https:// address.", "usage")
    attempt = 0
    while True:
        try:
            opener = _opener(verify, cafile, route, auth)
            return _fetch_once(url, max_bytes, dest, opener, connect_timeout, read_timeout, headers, progress)
        except DownloadError as exc:
            retryable = exc.kind in ("timeout", "network") or (exc.kind == "http" and (exc.status or 0) >= 500)
            if not retryable or attempt >= retries:
                raise
            time.sleep(backoff * (2**attempt))
            attempt += 1


def _opener(verify: bool, cafile: str | None, route: Route, auth: ProxyAuth) -> urllib.request.OpenerDirector:
    """urllib with exactly the route given: no proxy of its own choosing (ProxyHandler is
    always given the proxies explicitly, so urllib never reads the environment itself)."""
    context = ssl_context(verify, cafile)
    if route.proxy is None:
        return urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), urllib.request.ProxyHandler({}))
    plain = route.proxy
    if auth.scheme in ("auto", "basic") and auth.user and auth.password is not None:
        plain = with_credentials(route.proxy, auth.user, auth.password)  # Basic for plain-HTTP requests
    return urllib.request.build_opener(
        TunnelHTTPSHandler(context, route.proxy, auth, windows=sys.platform == "win32"),
        urllib.request.ProxyHandler({"http": plain}),
        urllib.request.ProxyBasicAuthHandler(),
    )


def ssl_context(verify: bool, cafile: str | None, *, windows: bool = sys.platform == "win32") -> ssl.SSLContext:
    """Windows' own chain verification on Windows; OpenSSL with the given CA file elsewhere
    and in tests. Python's default context on Windows only copies the ROOT/CA stores, and
    misses the roots Windows installs on first use (automatic root update)."""
    if not verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if cafile is None and windows:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return ssl.create_default_context(cafile=cafile)


def with_credentials(proxy_url: str, user: str, password: str) -> str:
    """The proxy URL with user:password in it, which urllib turns into Basic auth
    (also on the CONNECT of an https tunnel)."""
    if "://" not in proxy_url:
        proxy_url = "http://" + proxy_url
    parts = urlsplit(proxy_url)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def console_progress(stream=None) -> Callable[[int, int | None], None] | None:
    """A one-line progress bar on stderr when a person is watching; None otherwise
    (Intune and scheduled tasks must see nothing on stderr)."""
    import sys

    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    last = [-1]

    def show(received: int, total: int | None) -> None:
        mib = received / 1048576
        if total:
            percent = received * 100 // total
            if percent == last[0]:
                return
            last[0] = percent
            bar = "#" * (percent // 4)
            stream.write(f"\r  [{bar:<25}] {percent:3d}% {mib:6.1f} MiB")
            if received >= total:
                stream.write("\n")
        else:
            stream.write(f"\r  {mib:6.1f} MiB")
        stream.flush()

    return show


def _fetch_once(url, max_bytes, dest, opener, connect_timeout, read_timeout, headers, progress) -> Response:
    request = urllib.request.Request(url, headers={"User-Agent": "PyCert", **(headers or {})})
    try:
        reply = opener.open(request, timeout=connect_timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Response(url, 304, dict(exc.headers.items()), not_modified=True)
        raise DownloadError(f"{url} answered HTTP {exc.code} {exc.reason}.", "http", exc.code) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ProxyAuthError):
            raise DownloadError(exc.reason.message, "proxy-auth", 407) from None
        raise _classify(url, exc.reason) from None
    except ProxyAuthError as exc:
        raise DownloadError(exc.message, "proxy-auth", 407) from None
    except (socket.timeout, TimeoutError) as exc:
        raise _classify(url, exc) from None
    except OSError as exc:
        raise _classify(url, exc) from None
    with reply:
        if reply.fp is not None and getattr(reply.fp, "raw", None) is not None:
            _set_read_timeout(reply, read_timeout)
        reply_headers = dict(reply.headers.items())
        total = reply.headers.get("Content-Length")
        expected = int(total) if total and total.isdigit() else None
        if expected is not None and expected > max_bytes:
            raise DownloadError(
                f"{url} would send {expected} bytes, more than the {max_bytes}-byte limit; check the URL.",
                "too-large",
            )
        if dest is None:
            body = _read_capped(url, reply, max_bytes, expected, progress, None)
            return Response(url, reply.status, reply_headers, body=body)
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
        try:
            with os.fdopen(fd, "wb") as tmp:
                _read_capped(url, reply, max_bytes, expected, progress, tmp)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, dest)
        except BaseException:
            _unlink_quietly(tmp_name)
            raise
        return Response(url, reply.status, reply_headers, path=dest)


def _read_capped(url, reply, max_bytes, expected, progress, sink) -> bytes | None:
    received = 0
    parts: list[bytes] = []
    while True:
        try:
            chunk = reply.read(CHUNK)
        except (socket.timeout, TimeoutError) as exc:
            raise _classify(url, exc) from None
        except OSError as exc:
            raise _classify(url, exc) from None
        except http.client.HTTPException:  # IncompleteRead: the server hung up mid-body
            raise DownloadError(
                f"{url} closed the connection after {received} bytes; try again later.", "network"
            ) from None
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise DownloadError(f"{url} sent more than the {max_bytes}-byte limit; check the URL.", "too-large")
        if sink is None:
            parts.append(chunk)
        else:
            sink.write(chunk)
        if progress:
            progress(received, expected)
    if expected is not None and received < expected:
        raise DownloadError(
            f"{url} closed the connection after {received} of {expected} bytes; try again later.", "network"
        )
    return b"".join(parts) if sink is None else None


def _set_read_timeout(reply, seconds: float) -> None:
    try:
        reply.fp.raw._sock.settimeout(seconds)
    except AttributeError:
        pass


def _classify(url: str, reason) -> DownloadError:
    if "407" in str(reason):
        return DownloadError(
            f"The proxy refused {url} with 407 (proxy authentication required); set [network] proxy_user and "
            "the PYCERT_PROXY_PASSWORD environment variable, or ask for the proxy's bypass list.",
            "proxy-auth",
            407,
        )
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return DownloadError(f"{url} did not answer in time; check the network or proxy and try again.", "timeout")
    if isinstance(reason, ssl.SSLError):
        return DownloadError(
            f"The TLS connection to {url} failed ({getattr(reason, 'reason', None) or reason}); "
            "check that the server's root CA is trusted.",
            "tls",
        )
    return DownloadError(f"{url} could not be reached ({mask(str(reason))}); check the network or proxy settings.", "network")


def _unlink_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


@dataclass
class Probe:
    """One reachability check: the HTTP status when the server answered, else the error."""

    url: str
    status: int | None
    error: DownloadError | None
    seconds: float


def probe(url: str, route: Route, auth: ProxyAuth = ProxyAuth(), timeout: float = 5.0) -> Probe:
    """GET `url` once (no retries, no body read) along `route` with verified TLS.

    Any HTTP status, even 404, means the host answered; the caller judges the status."""
    start = time.monotonic()
    request = urllib.request.Request(url, headers={"User-Agent": "PyCert"})
    status, error = None, None
    try:
        with _opener(True, None, route, auth).open(request, timeout=timeout) as reply:
            status = reply.status
    except urllib.error.HTTPError as exc:
        status = exc.code
        exc.close()
    except ProxyAuthError as exc:
        error = DownloadError(exc.message, "proxy-auth", 407)
    except urllib.error.URLError as exc:
        error = DownloadError(exc.reason.message, "proxy-auth", 407) if isinstance(exc.reason, ProxyAuthError) \
            else _classify(url, exc.reason)
    except OSError as exc:  # includes socket.timeout
        error = _classify(url, exc)
    return Probe(url, status, error, round(time.monotonic() - start, 3))
