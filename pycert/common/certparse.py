"""Read certificates out of bytes: DER, PEM (one or a bundle) or PKCS#7, DER or PEM.

Pure: bytes in, certificates out, no I/O. Nothing here decides whether a certificate is
trusted; callers compare `sha256` with their pins.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import warnings
from dataclasses import dataclass
from datetime import datetime

PEM_BLOCK = re.compile(
    rb"-----BEGIN ([A-Z0-9 #]+)-----\s*(.*?)\s*-----END \1-----", re.DOTALL
)
CERTIFICATE_LABELS = {b"CERTIFICATE", b"X509 CERTIFICATE"}
PKCS7_LABELS = {b"PKCS7", b"PKCS #7 SIGNED DATA", b"CMS"}


class NotACertificate(ValueError):
    """The bytes hold no certificate; the message says what they look like instead."""


@dataclass(frozen=True)
class ParsedCertificate:
    der: bytes
    sha256: str  # upper-case hex of the DER, as pins are written
    sha1: str  # the Windows thumbprint
    subject: str  # RFC 4514
    issuer: str
    not_after: datetime  # aware, UTC

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer


def parse_certificates(data: bytes) -> list[ParsedCertificate]:
    """Every certificate in `data`, in order, without duplicates. Raises NotACertificate."""
    if not data.strip():
        raise NotACertificate("it is empty")
    from cryptography.utils import CryptographyDeprecationWarning

    with warnings.catch_warnings():
        # Security Communication RootCA2 has serial number 0, which RFC 5280 forbids and
        # cryptography warns about; it is the real, pinned root, so say nothing.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        # openssl crl2pkcs7 (and other tools) write the certificate SET unsorted, which is
        # BER, not DER; cryptography reads it and warns. The bytes are checked by pin anyway.
        warnings.filterwarnings("ignore", "PKCS#7 certificates could not be parsed as DER")
        certs = _pem(data) if b"-----BEGIN " in data else _der(data)
    seen: dict[str, ParsedCertificate] = {}
    for cert in certs:
        parsed = _describe(cert)
        seen.setdefault(parsed.sha256, parsed)
    return list(seen.values())


def _pem(data: bytes) -> list:
    certs: list = []
    for label, body in PEM_BLOCK.findall(data):
        try:
            raw = base64.b64decode(b"".join(body.split()), validate=True)
        except (binascii.Error, ValueError):
            raise NotACertificate(f"its PEM block '{label.decode()}' is not valid base64") from None
        if label in CERTIFICATE_LABELS:
            certs.append(_load_der(raw))
        elif label in PKCS7_LABELS:
            certs.extend(_pkcs7(raw))
        # Other blocks (keys, CRLs) are not certificates; skipped, never installed.
    if not certs:
        raise NotACertificate("it is PEM text without a CERTIFICATE or PKCS7 block")
    return certs


def _der(data: bytes) -> list:
    if data[:1] != b"\x30":  # every DER certificate and PKCS#7 file starts with a SEQUENCE
        raise NotACertificate(_guess(data))
    try:
        return [_load_der(data)]
    except NotACertificate:
        pass
    try:
        return _pkcs7(data)
    except NotACertificate:
        raise NotACertificate("it is binary data that is neither a DER certificate nor PKCS#7") from None


def _load_der(raw: bytes):
    from cryptography import x509

    try:
        return x509.load_der_x509_certificate(raw)
    except ValueError:
        raise NotACertificate("it is not a readable X.509 certificate") from None


def _pkcs7(raw: bytes) -> list:
    from cryptography.hazmat.primitives.serialization import pkcs7

    try:
        certs = pkcs7.load_der_pkcs7_certificates(raw)
    except ValueError:
        raise NotACertificate("it is not a readable PKCS#7 file") from None
    if not certs:
        raise NotACertificate("it is a PKCS#7 file with no certificates in it")
    return certs


def _describe(cert) -> ParsedCertificate:
    from cryptography.hazmat.primitives.serialization import Encoding

    der = cert.public_bytes(Encoding.DER)
    return ParsedCertificate(
        der=der,
        sha256=hashlib.sha256(der).hexdigest().upper(),
        sha1=hashlib.sha1(der).hexdigest().upper(),
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
    )


def _guess(data: bytes) -> str:
    """Say what a non-certificate looks like; a proxy or portal page is the usual culprit."""
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head:
        return "it is an HTML page (often a proxy login or an error page)"
    if head.startswith((b"{", b"[")):
        return "it is JSON text"
    if data[:2] == b"PK":
        return "it is a ZIP archive; extract the certificate first"
    if all(32 <= b < 127 or b in (9, 10, 13) for b in data[:512]):
        return "it is plain text"
    return "it is binary data that is neither a DER certificate nor PKCS#7"


# -- what the stores' reader takes from the DER: dates and extensions ---------------------

_KU_CAMEL = {
    "digital_signature": "digitalSignature",
    "content_commitment": "nonRepudiation",
    "key_encipherment": "keyEncipherment",
    "data_encipherment": "dataEncipherment",
    "key_agreement": "keyAgreement",
    "key_cert_sign": "keyCertSign",
    "crl_sign": "cRLSign",
    "encipher_only": "encipherOnly",
    "decipher_only": "decipherOnly",
}


_KU_ATTRIBUTES = tuple(_KU_CAMEL)


def der_details(der: bytes) -> dict | None:
    from cryptography import x509
    from cryptography.x509.oid import ExtensionOID

    try:
        with warnings.catch_warnings():
            # e.g. a negative serial: cryptography warns, Windows accepts; we report, not warn
            warnings.simplefilter("ignore")
            parsed = x509.load_der_x509_certificate(der)
            extensions = parsed.extensions  # warns here too (RootCA2's serial is 0)
        ekus: tuple[str, ...] = ()
        key_usages: tuple[str, ...] = ()
        for ext in extensions:
            if ext.oid == ExtensionOID.EXTENDED_KEY_USAGE:
                ekus = tuple(oid.dotted_string for oid in ext.value)
            elif ext.oid == ExtensionOID.KEY_USAGE:
                key_usages = _key_usage_names(ext.value)
        return {
            "not_before": parsed.not_valid_before_utc,
            "not_after": parsed.not_valid_after_utc,
            "ekus": ekus,
            "key_usages": key_usages,
        }
    except ValueError:  # malformed or unsupported extension: let .NET read what it can
        return None


def _key_usage_names(usage) -> tuple[str, ...]:
    names = []
    for name in _KU_ATTRIBUTES:
        try:
            if getattr(usage, name):
                names.append(_KU_CAMEL[name])
        except ValueError:  # encipher_only/decipher_only are undefined without key_agreement
            pass
    return tuple(names)
