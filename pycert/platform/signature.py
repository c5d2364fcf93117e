"""An Authenticode verdict and the signer's certificate as Windows names it: shared by the
WinVerifyTrust and osslsigncode verifiers (authenticode.py, windows/wintrust.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Signature:
    valid: bool
    reason: str  # "ok" or why not, one phrase
    signer_subject: str = ""
    signer_thumbprint: str = ""  # SHA-1, upper case, as Windows shows it
    engine: str = ""


def windows_subject(cert) -> str:
    """A certificate subject as Windows prints it: CN first, ', ' between, no escaping."""
    return ", ".join(
        f"{attr.rfc4514_attribute_name}={attr.value}" for rdn in reversed(cert.subject.rdns) for attr in rdn
    )


def signer_from_der(der: bytes) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    cert = x509.load_der_x509_certificate(der)
    return windows_subject(cert), cert.fingerprint(hashes.SHA1()).hex().upper()
