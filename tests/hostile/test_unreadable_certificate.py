"""Issue #18 class 2: one bad certificate never blinds a store. The choke point is the one
loop over a store's certificates (DotNetStores._decode_all): a certificate that cannot be
decoded is skipped and reported with its thumbprint; the others are judged. Real Mono store."""

import hashlib
import json
from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from pycert.cli import run
from pycert.demo import samples
from tests.conftest import mono_store_dir

NOW = samples.utc_now()


def _duplicated_extension_der() -> bytes:
    """A certificate with the extension 1.2.3.4 twice (RFC 5280 4.2: "A certificate MUST NOT
    include more than one instance of a particular extension"): built with 1.2.3.4 and
    1.2.3.5, then the second OID's last byte patched."""
    key = samples.rsa_key(3)
    name = x509.Name.from_rfc4514_string("CN=Unrelated vendor agent")
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(5).not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=99))
        .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4"), b"\x05\x00"), critical=False)
        .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.5"), b"\x05\x00"), critical=False)
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(Encoding.DER)
    bad = der.replace(b"\x06\x03\x2a\x03\x05", b"\x06\x03\x2a\x03\x04")
    assert bad != der
    return bad


def _plant(mono_store):
    folder = mono_store_dir(mono_store.base)
    folder.mkdir(parents=True, exist_ok=True)
    bad = _duplicated_extension_der()
    thumbprint = hashlib.sha1(bad).hexdigest().upper()
    (folder / f"{thumbprint}.cer").write_bytes(bad)
    good = samples.obn_certificate("0110119153", 400, NOW)
    mono_store.add(good)
    return thumbprint, good


def test_detect_judges_the_others_and_reports_the_unreadable_one(mono_store, capsys):
    bad, good = _plant(mono_store)
    code = run(["detect", "expiry"])
    out, err = capsys.readouterr()
    line = out.strip().splitlines()[-1]
    # Before: "NONCOMPLIANT expiry v1 certs=0 | obn state=missing | obn state=error ...", exit 1.
    assert code == 0, (out, err)
    assert line.startswith("COMPLIANT expiry v1 certs=1 ok=1 unreadable=1 |"), line
    assert f"state=unreadable store=CurrentUser\\My tp={bad[:8]}" in line
    assert f"tp={good.thumbprint[:8]}" in line
    assert bad in err


def test_list_shows_the_readable_certificates_and_warns_with_the_thumbprint(mono_store, capsys):
    bad, good = _plant(mono_store)
    assert run(["list"]) == 0
    out, err = capsys.readouterr()
    assert "No certificates found." not in out and good.thumbprint in out
    assert f"the certificate {bad} cannot be read" in err
    assert run(["list", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["thumbprint"] for c in data["certificates"]] == [good.thumbprint]
    (store,) = [s for s in data["stores"] if s["store"] == "CurrentUser\\My"]
    assert store["status"] == "ok" and [u["thumbprint"] for u in store["unreadable"]] == [bad]
