"""The real shipped root, and look-alikes that must be refused, for the rootca tests."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from datetime import datetime, timezone
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from pycert.policy.models import ROOTCA2_SHA256, Policy

from pycert.policy.load import merge_with_builtin
from pycert.common.model import StoreReading, StoreRef
from pycert.demo.samples import make_certificate, rsa_key

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "pycert" / "data" / "Security_Communication_RootCA2.der"
DEBIAN = Path("/usr/share/ca-certificates/mozilla/Security_Communication_RootCA2.crt")
ROOTCA2_SHA1 = "5F3B8CF2F810B37D78B4CEEC1919C37334B9C774"
ROOTCA2_SUBJECT = "OU=Security Communication RootCA2,O=SECOM Trust Systems CO.\\,LTD.,C=JP"
USER_ONLY = {"stores": ["CurrentUser\\Root"], "scope": "user"}


def rootca2_der() -> bytes:
    return SHIPPED.read_bytes()


def rootca2_pem() -> bytes:
    body = base64.encodebytes(rootca2_der())  # 76-column lines, as most tools write
    return b"-----BEGIN CERTIFICATE-----\n" + body + b"-----END CERTIFICATE-----\n"


def pkcs7(pem: bytes, outform: str, tmp: Path) -> bytes:
    """A .p7b made by openssl (an independent producer) from a PEM bundle."""
    src = tmp / "in.pem"
    src.write_bytes(pem)
    return subprocess.run(
        ["openssl", "crl2pkcs7", "-nocrl", "-certfile", str(src), "-outform", outform],
        check=True, capture_output=True,
    ).stdout


@lru_cache(maxsize=1)
def impostor_der() -> bytes:
    """Self-signed, same subject, issuer and validity as RootCA2, but another key."""
    sample = make_certificate(
        ROOTCA2_SUBJECT, ROOTCA2_SUBJECT,
        datetime(2009, 5, 29, 5, 0, 39, tzinfo=timezone.utc), datetime(2029, 5, 29, 5, 0, 39, tzinfo=timezone.utc),
        key_seed=7, issuer_key=rsa_key(7), ca=True,
    )
    return sample.der


def one_byte_changed_der() -> bytes:
    """RootCA2 with its issuer's 'RootCA2' turned into 'RootCA3': still parses, different hash."""
    der = bytearray(rootca2_der())
    at = der.index(b"RootCA2") + len("RootCA")
    der[at] = ord("3")
    return bytes(der)


@lru_cache(maxsize=8)
def extra_pem(cn: str = "Some Other Root") -> bytes:
    sample = make_certificate(
        f"CN={cn}", f"CN={cn}", datetime(2024, 1, 1, tzinfo=timezone.utc), datetime(2034, 1, 1, tzinfo=timezone.utc),
        key_seed=8, issuer_key=rsa_key(8), ca=True,
    )
    return sample.certificate.public_bytes(serialization.Encoding.PEM)


def sha256(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest().upper()


def policy(rootca: dict | None = None, pin: dict | None = None) -> Policy:
    """The built-in policy with [rootca] settings; `pin` replaces the RootCA2 pin's fields."""
    section = dict(rootca or {})
    if pin is not None:
        section["pins"] = [{"name": "Security Communication RootCA2", "sha256": ROOTCA2_SHA256, **pin}]
    return Policy.model_validate(merge_with_builtin({"rootca": section}))


class UserOnlyMachine:
    """The real Mono backend for CurrentUser stores; LocalMachine stores are stood in for in
    memory (Mono's are shared by every user of this machine and already hold Debian's roots).
    A whole StoreBackend (tests/test_store_protocol.py checks): what it does not stand in
    for, the real backend does."""

    def __init__(self, real):
        self.real = real
        self.machine: dict[StoreRef, list] = {}
        self.machine_adds: list[tuple[StoreRef, bytes]] = []

    @property
    def keys_known(self) -> bool:
        return self.real.keys_known

    @property
    def reads_aes_pfx(self) -> bool:
        return self.real.reads_aes_pfx

    def read(self, store: StoreRef) -> StoreReading:
        if store.location == "LocalMachine":
            return StoreReading(store, "ok", tuple(self.machine.get(store, [])))
        return self.real.read(store)

    def read_many(self, stores):
        return [self.read(s) for s in stores]

    def add_der(self, store: StoreRef, *ders: bytes) -> None:
        assert store.location == "LocalMachine", "tests with this backend write only the stand-in"
        for der in ders:
            self.machine_adds.append((store, der))
            # Let the real Mono describe the certificate by reading it back from a user store.
            scratch = StoreRef("CurrentUser", "TrustedPeople")
            self.real.add_der(scratch, der)
            [info] = [c for c in self.real.read(scratch).certificates if c.sha256 == sha256(der)]
            self.real.remove(scratch, info.thumbprint)
            self.machine.setdefault(store, []).append(replace(info, store=store))

    def remove_with_key(self, store: StoreRef, thumbprint: str, delete_key: bool) -> tuple[bool, str]:
        assert store.location != "LocalMachine", "the stand-in machine store is only added to"
        return self.real.remove_with_key(store, thumbprint, delete_key)

    def import_pfx(self, data, password, placements, *, machine, exportable):
        assert not machine, "tests with this backend import into CurrentUser stores only"
        return self.real.import_pfx(data, password, placements, machine=machine, exportable=exportable)

    def unhonoured_options(self) -> list[str]:
        return self.real.unhonoured_options()

    def is_elevated(self) -> bool:
        return self.real.is_elevated()
