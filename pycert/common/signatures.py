"""Signature checks on DER certificates, with `cryptography`: does this CA key sign that
certificate, and what is the SHA-256 of a certificate's public key.

Pure computation (bytes in, answers out; no I/O). What the answers mean for trust is
decided elsewhere (expiry/trust.py); here a name never stands in for a key.
"""

from __future__ import annotations

import hashlib
import warnings
from functools import lru_cache

from pycert.common import der


@lru_cache(maxsize=8192)
def _load(der: bytes):
    """The parsed certificate, or None for bytes that are not one. Cached: the same CA
    certificate is asked about every certificate it may have signed."""
    from cryptography import x509

    with warnings.catch_warnings():
        # e.g. serial 0 (Security Communication RootCA2) or negative: read, not warned about
        warnings.simplefilter("ignore")
        try:
            return x509.load_der_x509_certificate(der)
        except ValueError:
            return None


@lru_cache(maxsize=2048)
def spki_sha256(der: bytes) -> str | None:
    """SHA-256 of the certificate's SubjectPublicKeyInfo (DER), upper-case hex: what the
    policy's `trusted_issuers` pins. None when the bytes are not a certificate."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    cert = _load(der)
    if cert is None:
        return None
    try:
        spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    except (ValueError, TypeError):  # a key type cryptography cannot represent
        return None
    return hashlib.sha256(spki).hexdigest().upper()


@lru_cache(maxsize=8192)
def names(cert_der: bytes) -> tuple[bytes, bytes] | None:
    """(subject, issuer) as DER-encoded Names, exactly as they are in the certificate: how a
    certificate is matched to the CA certificates that may have issued it (RFC 5280 name
    chaining), whatever a platform's display of names does. None for bytes that are not
    a certificate. Read by walking the TBSCertificate (cryptography rebuilds Name objects,
    20x slower on thousands of certificates)."""
    try:
        _, start, end = der.tlv(cert_der, 0, len(cert_der))
        tag, tbs_start, tbs_end = der.tlv(cert_der, start, end)
        fields = der.children(cert_der, tbs_start, tbs_end)
    except (der.Truncated, der.Malformed, der.Ber):
        return None
    offset = 1 if fields and fields[0][0] == 0xA0 else 0  # [0] version is optional (v1)
    if tag != 0x30 or len(fields) < offset + 5:
        return None
    issuer, subject = fields[offset + 2], fields[offset + 4]
    if issuer[0] != 0x30 or subject[0] != 0x30:
        return None
    return _element(cert_der, subject), _element(cert_der, issuer)


def _element(data: bytes, element: tuple[int, int, int]) -> bytes:
    """The whole TLV of a child element (its header too), found from its content span."""
    _, start, end = element
    header = 2 if end - start < 0x80 else 2 + ((end - start).bit_length() + 7) // 8
    return data[start - header:end]


def may_issue(der: bytes) -> bool:
    """Whether a certificate may be a CA: not when its BasicConstraints say it is not one.
    (An X.509 v1 root has no BasicConstraints at all; it may.)"""
    from cryptography import x509

    cert = _load(der)
    if cert is None:
        return False
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return True
    except ValueError:  # an extension that cannot be decoded: not a CA we can rely on
        return False


@lru_cache(maxsize=8192)
def issued_by(cert_der: bytes, ca_der: bytes) -> bool:
    """Whether `ca_der`'s public key verifies `cert_der`'s signature (and the certificate
    names the CA as its issuer). Any failure, including an algorithm `cryptography`
    does not support, is a plain False: an unverifiable signature proves nothing."""
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

    cert, ca = _load(cert_der), _load(ca_der)
    if cert is None or ca is None or not may_issue(ca_der):
        return False
    try:
        cert.verify_directly_issued_by(ca)
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return True
