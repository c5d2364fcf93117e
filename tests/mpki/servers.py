"""A real HTTPS server on 127.0.0.1 (test CA) with the misbehaviours downloads must survive,
and a CONNECT proxy that demands Basic authentication."""

from __future__ import annotations

import base64
import hashlib
import select
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/x-msi"
    status: int = 200
    etag: bool = True
    cut_after: int | None = None  # send this many bytes of the body, then hang up
    stall: float = 0.0  # sleep after the headers, before the body
    lie_length: int | None = None  # announce this Content-Length
    no_length: bool = False


@dataclass
class Seen:
    path: str
    headers: dict


class HttpsServer:
    def __init__(self, server_cert):
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.last_modified = formatdate(time.time() - 3600, usegmt=True)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.seen.append(Seen(self.path, dict(self.headers.items())))
                route = outer.routes.get(self.path)
                if route is None:
                    return self._send(404, b"<html>not found</html>", "text/html")
                etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                if route.status == 200 and route.etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", outer.last_modified)
                if route.no_length:
                    self.send_header("Connection", "close")
                else:
                    self.send_header("Content-Length", str(route.lie_length or len(route.body)))
                self.end_headers()
                self.wfile.flush()
                if route.stall:
                    time.sleep(route.stall)
                body = route.body if route.cut_after is None else route.body[: route.cut_after]
                try:
                    self.wfile.write(body)
                    self.wfile.flush()
                except OSError:
                    pass
                if route.cut_after is not None or route.no_length:
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

            def _send(self, status, body, ctype):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(server_cert.cert_path, server_cert.key_path)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class AuthProxy:
    """CONNECT-only proxy: 407 without the right Basic credentials, a tunnel with them."""

    user: str
    password: str
    tunnels: list[str] = field(default_factory=list)
    refused: int = 0

    def start(self) -> "AuthProxy":
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self):
        while self.running:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket):
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            lines = head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
            expected = "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            if method != "CONNECT" or headers.get("proxy-authorization") != expected:
                self.refused += 1
                client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                               b"Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
                return
            self._tunnel(client, target)

    def _tunnel(self, client: socket.socket, target: str) -> None:
        host, _, port = target.rpartition(":")
        upstream = socket.create_connection((host, int(port)), timeout=10)
        self.tunnels.append(target)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        with upstream:
            self._pump(client, upstream)

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket):
        while True:
            ready, _, _ = select.select([a, b], [], [], 10)
            if not ready:
                return
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)

    def close(self):
        self.running = False
        self.sock.close()


@dataclass
class NtlmProxy:
    """A CONNECT proxy that demands a real NTLM handshake (pyspnego as the acceptor, the
    accounts in NTLM_USER_FILE), on one kept-alive connection, as Windows proxies do."""

    users_file: str
    tunnels: list[str] = field(default_factory=list)
    authenticated: list[str] = field(default_factory=list)
    refused: int = 0
    offered: tuple[str, ...] = ("NTLM",)

    start = AuthProxy.start
    url = AuthProxy.url
    _accept = AuthProxy._accept
    _pump = staticmethod(AuthProxy._pump)
    _tunnel = AuthProxy._tunnel
    close = AuthProxy.close

    def _serve(self, client: socket.socket):
        import os

        import spnego

        os.environ["NTLM_USER_FILE"] = self.users_file
        context = None
        reader = client.makefile("rb")
        with client:
            while True:
                request = reader.readline().decode("latin-1").strip()
                if not request:
                    return
                headers = {}
                for line in iter(lambda: reader.readline().decode("latin-1").strip(), ""):
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                method, target, _ = request.split(" ", 2)
                scheme, _, token = headers.get("proxy-authorization", "").partition(" ")
                if method != "CONNECT" or scheme.upper() != "NTLM":
                    self.refused += 1
                    offers = "".join(f"Proxy-Authenticate: {name}\r\n" for name in self.offered)
                    client.sendall(f"HTTP/1.1 407 Proxy Authentication Required\r\n{offers}Content-Length: 0\r\n\r\n".encode())
                    continue
                if context is None:
                    context = spnego.server(protocol="ntlm")
                try:
                    answer = context.step(base64.b64decode(token))
                except spnego.exceptions.SpnegoError:
                    self.refused += 1
                    client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\n"
                                   b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                    return
                if not context.complete:
                    challenge = base64.b64encode(answer).decode()
                    client.sendall(f"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM {challenge}\r\n"
                                   "Content-Length: 0\r\n\r\n".encode())
                    continue
                self.authenticated.append(context.client_principal or "")
                self._tunnel(client, target)
                return
