"""Where a root certificate comes from: the copy shipped in pycert/data, a file, or a URL.

This module only fetches and parses; whether anything may be installed is decided by
the pins (rootrules.select). A URL is fetched without TLS verification unless a CA file
is given, because on these terminals the missing root is exactly what would verify it;
that is safe only because nothing unpinned is ever installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pycert.common.certparse import NotACertificate, ParsedCertificate, parse_certificates
from pycert.common.errors import PlatformError, UsageError
from pycert.common import files
from pycert.common.shown import shown

BUNDLED = "bundled"
MAX_SOURCE_BYTES = 1024 * 1024  # a root is ~1.5 KB; even a large PEM bundle is far below this
CERT_SUFFIXES = (".der", ".cer", ".crt", ".pem", ".p7b", ".p7c")


@dataclass(frozen=True)
class Source:
    spec: str  # as the admin wrote it
    kind: str  # bundled | file | url
    certificates: tuple[ParsedCertificate, ...]
    tls_verified: bool | None = None  # URL sources only

    @property
    def note(self) -> str:
        if self.kind == "url" and not self.tls_verified:
            return (
                f"The TLS certificate of {shown(self.spec)} was not verified (the missing root is what would verify it); "
                "its content was accepted only where its SHA-256 matches a pin."
            )
        return ""


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("https://", "http://"))


def load(spec: str, *, timeout: float, network, cafile: str | None = None) -> Source:
    if cafile is not None and not is_url(spec):
        raise UsageError(f"--cafile verifies a download; it has no meaning for the source '{shown(spec)}', remove it.")
    if spec == BUNDLED:
        return _bundled()
    if is_url(spec):
        return _url(spec, timeout, cafile, network)
    return _file(Path(spec))


def bundled_files() -> list[Path]:
    folder = resources.files("pycert") / "data"
    return sorted(
        Path(str(entry)) for entry in folder.iterdir() if entry.name.lower().endswith(CERT_SUFFIXES)
    )


def _bundled() -> Source:
    certificates: list[ParsedCertificate] = []
    for path in bundled_files():
        try:
            certificates += parse_certificates(path.read_bytes())
        except (OSError, NotACertificate) as exc:
            raise PlatformError(f"The shipped certificate {path} is unreadable ({exc}); reinstall PyCert.") from None
    if not certificates:
        raise PlatformError("PyCert's data folder holds no certificate; reinstall PyCert.")
    return Source(BUNDLED, "bundled", tuple(certificates))


def _file(path: Path) -> Source:
    name = shown(path)
    sentences = {
        files.FOLDER: f"--source {name} is a folder; give the certificate file (.cer, .crt, .pem, .p7b).",
        files.DEVICE: f"--source {name} is not a regular file; give the certificate file (.cer, .crt, .pem, .p7b).",
        files.TOO_LARGE: f"--source {name} is larger than 1 MiB, too large for a certificate; check the path.",
        files.MISSING: f"--source {name} does not exist; give the path of the downloaded root certificate.",
        files.DENIED: f"--source {name} cannot be read (permission denied); check its access rights.",
        files.UNREADABLE: f"--source {name} cannot be read ({{reason}}); check the path.",
    }
    data = files.read_checked(
        path, MAX_SOURCE_BYTES, lambda kind, reason: UsageError(sentences[kind].replace("{reason}", reason))
    )
    try:
        return Source(str(path), "file", tuple(parse_certificates(data)))
    except NotACertificate as exc:
        raise UsageError(f"--source {shown(path)} holds no certificate: {exc}; give a DER, PEM or PKCS#7 file.") from None


def _url(url: str, timeout: float, cafile: str | None, network) -> Source:
    from pycert.common import net
    from pycert.platform import proxies

    if cafile is not None and not Path(cafile).is_file():
        raise UsageError(f"--cafile {shown(cafile)} does not exist; give the PEM file of the CA that issued the server's certificate.")
    verify = cafile is not None
    route, auth = proxies.resolve(url, network)
    response = net.fetch(
        url,
        route=route,
        auth=auth,
        max_bytes=MAX_SOURCE_BYTES,
        verify=verify,
        cafile=cafile,
        connect_timeout=timeout,
        read_timeout=timeout,
    )
    try:
        certificates = parse_certificates(response.body or b"")
    except NotACertificate as exc:
        raise PlatformError(
            f"{shown(url)} did not send a certificate: {exc}; check the URL and the proxy settings."
        ) from None
    return Source(url, "url", tuple(certificates), tls_verified=verify)
