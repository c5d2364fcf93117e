"""HTTPS through a proxy that may demand authentication: our own CONNECT, so that NTLM and
Negotiate can run their handshake on one connection (urllib's tunnel sends one CONNECT and
gives up on 407).

The handshake messages come from pyspnego: on Windows it asks SSPI, so with no user name
the process's own logon (the signed-in user, or the computer account for SYSTEM) answers
the proxy, as Windows' own HTTP stacks do; elsewhere it computes NTLM from a user name and
password. Basic needs a user name and password. Passwords are never put in a message.
"""

from __future__ import annotations

import base64
import functools
import http.client
import socket
import ssl
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from pycert.common.errors import PlatformError

MAX_ROUNDS = 4  # Negotiate/NTLM need two; a proxy that keeps asking is refusing
SCHEMES = ("negotiate", "ntlm", "basic")


class ProxyAuthError(PlatformError):
    """The proxy kept answering 407: no scheme we may use, or the credentials were refused."""


@dataclass(frozen=True)
class ProxyAuth:
    """How to answer a proxy's 407. `scheme` "auto" takes the strongest one the proxy offers
    that we can use: Negotiate, NTLM, then Basic (only with a user name and password)."""

    scheme: str = "auto"  # auto | negotiate | ntlm | basic | none
    user: str | None = None  # DOMAIN\\user; None: the process's own Windows logon (SSPI)
    password: str | None = None

    def choose(self, offered: list[str], windows: bool) -> str | None:
        usable = []
        for name in SCHEMES:
            if name not in offered or self.scheme not in ("auto", name):
                continue
            if name == "basic" and not (self.user and self.password is not None):
                continue
            if name != "basic" and not windows and not (self.user and self.password is not None):
                continue  # without SSPI there is no logon to answer with
            usable.append(name)
        return usable[0] if usable else None


def offered_schemes(response: http.client.HTTPResponse) -> dict[str, str]:
    """Proxy-Authenticate headers: scheme (lower case) -> its challenge data ('' if none)."""
    found = {}
    for value in response.headers.get_all("Proxy-Authenticate") or []:
        scheme, _, data = value.strip().partition(" ")
        found[scheme.lower()] = data.strip()
    return found


def open_tunnel(proxy: str, host: str, port: int, auth: ProxyAuth, timeout: float, windows: bool) -> socket.socket:
    """A socket to `host:port` through `proxy` (CONNECT), authenticated if the proxy asks."""
    parts = urlsplit(proxy)
    link = _Link(parts.hostname or "", parts.port or 8080, timeout)
    target = f"{host}:{port}"
    response = link.connect(target, None)
    if response.status == 200:
        return link.take()
    if response.status != 407:
        link.close()
        raise ProxyAuthError(f"The proxy {proxy} refused to connect to {target} (HTTP {response.status}); "
                             "ask for the OBN hosts to be allowed, or set [network] proxy.")
    offered = offered_schemes(response)
    scheme = auth.choose(list(offered), windows)
    if scheme is None:
        link.close()
        raise ProxyAuthError(_no_scheme(proxy, offered, auth, windows))
    if scheme == "basic":
        token = base64.b64encode(f"{auth.user}:{auth.password}".encode("utf-8")).decode("ascii")
        response = link.connect(target, f"Basic {token}")
    else:
        response = _handshake(link, target, scheme, auth)
    if response.status == 200:
        return link.take()
    link.close()
    who = auth.user or "this Windows logon"
    raise ProxyAuthError(f"The proxy {proxy} refused the {scheme.upper()} credentials of {who} (HTTP {response.status}); "
                         "check the account, or the proxy's allow list for this computer.")


class _Link:
    """One connection to the proxy, opened again when the proxy closed it after a 407 (as
    many do before Basic). NTLM and Negotiate rounds must share one connection."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.sock: socket.socket | None = None

    def connect(self, target: str, authorization: str | None, reconnect: bool = True) -> http.client.HTTPResponse:
        for attempt in (0, 1):
            if self.sock is None:
                self.sock = socket.create_connection((self.host, self.port), self.timeout)
            try:
                response = _connect(self.sock, target, authorization)
            except (http.client.RemoteDisconnected, ConnectionError) as exc:
                self.close()
                if attempt or not reconnect:
                    raise ProxyAuthError(f"The proxy {self.host}:{self.port} closed the connection during "
                                         f"authentication ({type(exc).__name__}); try again, or check the proxy.") from None
                continue
            if response.will_close and response.status != 200:
                self.close()
            return response
        raise AssertionError("unreachable")

    def take(self) -> socket.socket:
        sock, self.sock = self.sock, None
        assert sock is not None
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _handshake(link: _Link, target: str, scheme: str, auth: ProxyAuth) -> http.client.HTTPResponse:
    import spnego

    context = spnego.client(auth.user, auth.password, hostname=link.host, service="HTTP",
                            protocol="negotiate" if scheme == "negotiate" else "ntlm")
    token = context.step()
    label = "Negotiate" if scheme == "negotiate" else "NTLM"
    response = link.connect(target, f"{label} {base64.b64encode(token).decode('ascii')}")
    for _ in range(MAX_ROUNDS):
        if response.status != 407 or context.complete or link.sock is None:
            return response
        challenge = offered_schemes(response).get(scheme, "")
        if not challenge:
            return response
        token = context.step(base64.b64decode(challenge))
        if token is None:
            return response
        # the rest of the handshake must stay on this connection: no reconnect
        response = link.connect(target, f"{label} {base64.b64encode(token).decode('ascii')}", reconnect=False)
    return response


def _connect(sock: socket.socket, target: str, authorization: str | None) -> http.client.HTTPResponse:
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}", "User-Agent: PyCert", "Proxy-Connection: keep-alive"]
    if authorization:
        lines.append(f"Proxy-Authorization: {authorization}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
    response = http.client.HTTPResponse(sock, method="GET")
    response.begin()
    if response.status != 200:
        response.read()  # the 407 page: read it so the connection can carry the next round
    return response


def _no_scheme(proxy: str, offered: dict[str, str], auth: ProxyAuth, windows: bool) -> str:
    names = ", ".join(s.upper() for s in offered) or "no scheme"
    asks = f"The proxy {proxy} requires authentication (407, {names})"
    if auth.scheme == "none":
        return f'{asks} and [network] proxy_auth is "none"; set it to "auto".'
    if auth.scheme != "auto" and auth.scheme not in offered:
        return f'{asks}, which PyCert may not use here ([network] proxy_auth = "{auth.scheme}"); set it to "auto".'
    if not windows:
        return f"{asks}; set [network] proxy_user (DOMAIN\\user) and the PYCERT_PROXY_PASSWORD environment variable."
    return f"{asks}; for Basic set [network] proxy_user and the PYCERT_PROXY_PASSWORD environment variable."


class TunnelHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, *, proxy: str, auth: ProxyAuth, windows: bool, **kwargs):
        super().__init__(host, **kwargs)
        self._proxy, self._auth, self._windows = proxy, auth, windows

    def connect(self) -> None:
        raw = open_tunnel(self._proxy, self.host, self.port, self._auth, self.timeout, self._windows)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


class TunnelHTTPSHandler(urllib.request.HTTPSHandler):
    """urllib's HTTPS, but every connection goes through our CONNECT to `proxy`."""

    def __init__(self, context: ssl.SSLContext, proxy: str, auth: ProxyAuth, windows: bool):
        super().__init__(context=context)
        self._tunnel = functools.partial(TunnelHTTPSConnection, proxy=proxy, auth=auth, windows=windows)
        self._tls = context

    def https_open(self, req):
        return self.do_open(self._tunnel, req, context=self._tls)
