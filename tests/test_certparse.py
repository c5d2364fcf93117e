"""certparse: DER, PEM, PEM bundles and PKCS#7 in; anything else out with one reason."""

import pytest
from pycert.common.certparse import NotACertificate, parse_certificates
from pycert.policy.models import ROOTCA2_SHA256
from tests.rootca_samples import ROOTCA2_SHA1, extra_pem, pkcs7, rootca2_der, rootca2_pem


def test_der_gives_the_root_with_its_fingerprints():
    [cert] = parse_certificates(rootca2_der())
    assert cert.sha256 == ROOTCA2_SHA256
    assert cert.sha1 == ROOTCA2_SHA1
    assert cert.der == rootca2_der()
    assert cert.self_signed
    assert cert.not_after.isoformat() == "2029-05-29T05:00:39+00:00"


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: rootca2_pem(),
        lambda tmp: b"\r\n".join(rootca2_pem().splitlines()),  # Windows line ends
        lambda tmp: pkcs7(rootca2_pem(), "DER", tmp),
        lambda tmp: pkcs7(rootca2_pem(), "PEM", tmp),
        lambda tmp: b"Bag Attributes\n    friendlyName: x\n" + rootca2_pem(),  # openssl pkcs12 -out style
    ],
    ids=["pem", "pem-crlf", "p7b-der", "p7b-pem", "pem-with-text"],
)
def test_every_accepted_encoding_gives_the_same_bytes(make, tmp_path):
    [cert] = parse_certificates(make(tmp_path))
    assert cert.der == rootca2_der()


def test_bundle_keeps_order_and_drops_duplicates():
    other = extra_pem()
    certs = parse_certificates(other + rootca2_pem() + other + rootca2_pem())
    assert [c.sha256 for c in certs][1] == ROOTCA2_SHA256
    assert len(certs) == 2
    assert certs[0].subject == "CN=Some Other Root"


def test_pkcs7_bundle_gives_every_certificate(tmp_path):
    certs = parse_certificates(pkcs7(rootca2_pem() + extra_pem(), "DER", tmp_path))
    assert sorted(c.sha256 == ROOTCA2_SHA256 for c in certs) == [False, True]
    assert "CN=Some Other Root" in {c.subject for c in certs}


def test_the_root_with_serial_zero_parses_without_warnings(recwarn):
    parse_certificates(rootca2_der())
    assert [str(w.message) for w in recwarn] == []


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "it is empty"),
        (b"  \n", "it is empty"),
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "it is an HTML page"),
        (b"\n\n<HTML><HEAD><TITLE>Proxy Authentication Required</TITLE>", "it is an HTML page"),
        (b'{"error": "not found"}', "it is JSON text"),
        (b"PK\x03\x04rest-of-a-zip", "it is a ZIP archive"),
        (b"just some words", "it is plain text"),
        (b"\x30\x03\x02\x01\x00", "neither a DER certificate nor PKCS#7"),
        (b"\x00\xff\x10binary", "neither a DER certificate nor PKCS#7"),
        (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "without a CERTIFICATE or PKCS7 block"),
        (b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "not valid base64"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a readable X.509 certificate"),
    ],
)
def test_non_certificates_are_named_for_what_they_are(data, reason):
    with pytest.raises(NotACertificate, match=reason):
        parse_certificates(data)


def test_truncated_root_is_not_a_certificate():
    with pytest.raises(NotACertificate):
        parse_certificates(rootca2_der()[:-10])
