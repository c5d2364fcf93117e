"""HTTPS downloads: verified TLS, the system proxy, timeouts, a size cap, retries with
back-off, and files renamed into place only when complete.

Built on urllib so the frozen exe needs nothing more: `urllib.request.getproxies()` reads
the environment and, on Windows, the Internet Settings registry proxy; the default SSL
context loads the Windows ROOT/CA stores.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlsplit, urlunsplit

from pycert.common.errors import PlatformError

CHUNK = 64 * 1024


class DownloadError(PlatformError):
    """A download that did not complete. `kind` says why: timeout, http, too-large, tls, network."""

    def __init__(self, message: str, kind: str, status: int | None = None):
        super().__init__(message)
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
    proxy: str | None = None,
    proxy_auth: tuple[str, str] | None = None,
) -> Response:
    """GET `url`. Retries network errors, timeouts and 5xx (not 4xx or the size cap).

    `verify=False` exists for one caller: fetching a root certificate whose SHA-256 is
    pinned, where TLS trust is exactly what is missing. Everyone else verifies.

    Conditional requests: pass `If-None-Match` / `If-Modified-Since` in `headers`; a 304
    comes back as Response(status=304, not_modified=True) and `dest` is left untouched.
    `proxy` replaces the system proxy; `proxy_auth` (user, password) adds Basic
    credentials for it (or for the system proxy). The password is never put in a message.
    """
    if not url.lower().startswith(("https://", "http://")):
        raise DownloadError(f"'{url}' is not an http(s) URL; give a full https:// address.", "usage")
    attempt = 0
    while True:
        try:
            opener = _opener(verify, cafile, proxy, proxy_auth)
            return _fetch_once(url, max_bytes, dest, opener, connect_timeout, read_timeout, headers, progress)
        except DownloadError as exc:
            retryable = exc.kind in ("timeout", "network") or (exc.kind == "http" and (exc.status or 0) >= 500)
            if not retryable or attempt >= retries:
                raise
            time.sleep(backoff * (2**attempt))
            attempt += 1


def _opener(verify: bool, cafile: str | None, proxy: str | None = None,
            proxy_auth: tuple[str, str] | None = None) -> urllib.request.OpenerDirector:
    context = ssl.create_default_context(cafile=cafile)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    proxies = {"https": proxy, "http": proxy} if proxy else urllib.request.getproxies()
    if proxy_auth:
        proxies = {scheme: with_credentials(address, *proxy_auth) for scheme, address in proxies.items()}
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.HTTPSHandler(context=context),
        urllib.request.ProxyHandler(proxies),
    ]
    proxy_auth = urllib.request.ProxyBasicAuthHandler()
    handlers.append(proxy_auth)
    return urllib.request.build_opener(*handlers)


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
        raise _classify(url, exc.reason) from None
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
            f"The proxy refused {url} with 407 (proxy authentication required); set [mpki] proxy_user and "
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
    return DownloadError(f"{url} could not be reached ({reason}); check the network or proxy settings.", "network")


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


def probe(url: str, timeout: float = 5.0) -> Probe:
    """GET `url` once (no retries, no body read) through the system proxy with verified TLS.

    Any HTTP status, even 404, means the host answered; the caller judges the status."""
    start = time.monotonic()
    request = urllib.request.Request(url, headers={"User-Agent": "PyCert"})
    status, error = None, None
    try:
        with _opener(True, None).open(request, timeout=timeout) as reply:
            status = reply.status
    except urllib.error.HTTPError as exc:
        status = exc.code
        exc.close()
    except urllib.error.URLError as exc:
        error = _classify(url, exc.reason)
    except OSError as exc:  # includes socket.timeout
        error = _classify(url, exc)
    return Probe(url, status, error, round(time.monotonic() - start, 3))
