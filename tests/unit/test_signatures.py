"""common/signatures.py: names read from the DER equal cryptography's encoding; junk is
None, never an exception; a signature decides, a name never does."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import NameOID
from hypothesis import given, settings, strategies as st

from pycert.common import signatures
from pycert.demo import samples

NOW = samples.utc_now()
LONG = x509.Name([x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "u" * 60) for _ in range(6)])  # > 255 bytes


def test_names_are_the_certificates_own_encodings():
    for sample in (samples.obn_certificate("0110119153", 10, NOW), samples.sample_ca(),
                   samples.make_certificate(LONG, "CN=y", NOW, NOW + timedelta(days=1))):
        cert = sample.certificate
        assert signatures.names(sample.der) == (cert.subject.public_bytes(), cert.issuer.public_bytes())


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_names_of_junk_is_none_or_a_pair_never_an_exception(data):
    found = signatures.names(data)
    assert found is None or (isinstance(found[0], bytes) and isinstance(found[1], bytes))


def test_truncated_certificates_give_none():
    der = samples.obn_certificate("0110119153", 10, NOW).der
    assert all(signatures.names(der[:cut]) is None for cut in (0, 1, 4, 40, len(der) - 1))


def test_a_signature_decides_not_a_name():
    genuine_ca = samples.sample_ca()
    leaf = samples.obn_certificate("0110119153", 10, NOW)
    look_alike = samples.look_alike("0110119153", 10, NOW)
    assert signatures.issued_by(leaf.der, genuine_ca.der)
    assert not signatures.issued_by(look_alike.der, genuine_ca.der)  # same names, other key
    assert not signatures.issued_by(leaf.der, leaf.der)  # not a CA
    assert not signatures.issued_by(b"junk", genuine_ca.der) and not signatures.issued_by(leaf.der, b"junk")


def test_spki_sha256_is_the_hash_of_the_public_key_info():
    ca = samples.sample_ca()
    spki = ca.certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    assert signatures.spki_sha256(ca.der) == hashlib.sha256(spki).hexdigest().upper()
    assert signatures.spki_sha256(b"junk") is None
