"""A throw-away test PKI (made with cryptography): a root CA, a code-signing certificate for
MSIs, and a TLS server certificate for 127.0.0.1."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(**attrs) -> x509.Name:
    oids = {"C": NameOID.COUNTRY_NAME, "O": NameOID.ORGANIZATION_NAME, "CN": NameOID.COMMON_NAME}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in attrs.items()])


@dataclass
class Issued:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    cert_path: Path
    key_path: Path

    @property
    def thumbprint(self) -> str:
        return self.cert.fingerprint(hashes.SHA1()).hex().upper()


def _write(folder: Path, stem: str, cert, key) -> Issued:
    cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    return Issued(cert, key, cert_path, key_path)


def _base(subject, issuer, public_key, days=365):
    now = datetime.now(timezone.utc)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=days)))


class TestPki:
    def __init__(self, folder: Path, ca_name: str = "PyCert Test Root CA"):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = _name(C="JP", O="PyCert Tests", CN=ca_name)
        cert = (_base(name, name, key.public_key(), 3650)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        self.ca = _write(folder, ca_name.replace(" ", "-"), cert, key)

    def _leaf(self, stem: str, subject: x509.Name, extensions) -> Issued:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        builder = (_base(subject, self.ca.cert.subject, key.public_key())
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca.key.public_key()),
                                  critical=False))
        for ext, critical in extensions:
            builder = builder.add_extension(ext, critical=critical)
        return _write(self.folder, stem, builder.sign(self.ca.key, hashes.SHA256()), key)

    def code_signing(self, stem: str = "codesign", org: str = "Cybertrust Japan Co., Ltd.") -> Issued:
        return self._leaf(stem, _name(C="JP", O=org, CN=org), [
            (x509.KeyUsage(True, False, False, False, False, False, False, False, False), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), False),
        ])

    def tls_server(self, stem: str = "server") -> Issued:
        return self._leaf(stem, _name(CN="127.0.0.1"), [
            (x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
             False),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
        ])
