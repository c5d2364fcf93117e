"""Optional signing step: build.py signs the MSI with osslsigncode when given a certificate,
and the signature verifies against the test CA and breaks when the package is tampered with."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(shutil.which("osslsigncode") is None, reason="osslsigncode is not installed (apt-get install osslsigncode)"),
]

KEY_PASSWORD = b"kx9-test-only-password"


def _cert(subject: str, issuer: x509.Name | None, key, issuer_key, *, ca: bool) -> x509.Certificate:
    now = datetime.now(timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder().subject_name(name).issuer_name(issuer or name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def signing_files(tmp_path_factory):
    base = tmp_path_factory.mktemp("signing")
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = _cert("PyCert Test Root", None, ca_key, ca_key, ca=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = _cert("PyCert Test Code Signing", ca.subject, key, ca_key, ca=False)
    (base / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (base / "signer.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (base / "signer.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(KEY_PASSWORD)))
    (base / "pass.txt").write_bytes(KEY_PASSWORD)
    return base


def test_build_signs_the_msi_with_an_encrypted_key(release_build, signing_files, tmp_path):
    build_py = Path(__file__).resolve().parents[2] / "packaging" / "build.py"
    proc = subprocess.run(
        [sys.executable, str(build_py), "--frozen", str(release_build.onedir), "--allow-missing-module",
         "--dist", str(tmp_path / "dist"), "--work", str(tmp_path / "work"),
         "--sign-cert", str(signing_files / "signer.pem"), "--sign-key", str(signing_files / "signer.key"),
         "--sign-pass-file", str(signing_files / "pass.txt"), "--sign-ca", str(signing_files / "ca.pem")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert KEY_PASSWORD.decode() not in proc.stdout + proc.stderr
    [msi] = (tmp_path / "dist").glob("*.msi")
    assert not list((tmp_path / "dist").glob("*.unsigned*"))
    verified = subprocess.run(["osslsigncode", "verify", "-in", str(msi), "-CAfile", str(signing_files / "ca.pem")],
                              capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Subject: /CN=PyCert Test Code Signing" in verified.stdout

    tampered = tmp_path / "tampered.msi"
    data = bytearray(msi.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF
    tampered.write_bytes(bytes(data))
    broken = subprocess.run(["osslsigncode", "verify", "-in", str(tampered), "-CAfile", str(signing_files / "ca.pem")],
                            capture_output=True, text=True)
    assert broken.returncode != 0


def _verify(path: Path, ca: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["osslsigncode", "verify", "-in", str(path), "-CAfile", str(ca)], capture_output=True, text=True)


def test_build_signs_the_module_in_the_msi_and_the_deployment_scripts(release_build, signing_files, tmp_path):
    """AllSigned terminals and Intune's "Enforce script signature check" run only signed scripts:
    the module files inside the MSI and every script in dist/scripts carry a verifying signature."""
    build_py = Path(__file__).resolve().parents[2] / "packaging" / "build.py"
    proc = subprocess.run(
        [sys.executable, str(build_py), "--frozen", str(release_build.onedir),
         "--dist", str(tmp_path / "dist"), "--work", str(tmp_path / "work"),
         "--sign-cert", str(signing_files / "signer.pem"), "--sign-key", str(signing_files / "signer.key"),
         "--sign-pass-file", str(signing_files / "pass.txt"), "--sign-ca", str(signing_files / "ca.pem")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ca = signing_files / "ca.pem"
    scripts = sorted((tmp_path / "dist" / "scripts").rglob("*.ps1"))
    packaging = Path(__file__).resolve().parents[2] / "packaging"
    assert [p.relative_to(tmp_path / "dist" / "scripts") for p in scripts] == sorted(
        p.relative_to(packaging) for folder in ("intune", "sccm", "gpo") for p in (packaging / folder).glob("*.ps1"))
    assert "PyCert-Expiry-Detect.ps1" in {p.name for p in scripts}
    for script in scripts:
        checked = _verify(script, ca)
        assert checked.returncode == 0, f"{script}: {checked.stdout}{checked.stderr}"
        assert script.read_text(encoding="utf-8").rstrip().endswith("# SIG # End signature block")
    assert not list((tmp_path / "dist").rglob("*.unsigned*"))

    tampered = scripts[0].read_text(encoding="utf-8").replace("pycert", "evilcert", 1)
    scripts[0].write_text(tampered, encoding="utf-8")
    assert _verify(scripts[0], ca).returncode != 0  # the signature covers the script's text

    [msi] = (tmp_path / "dist").glob("*.msi")
    extracted = tmp_path / "extracted"
    subprocess.run(["msiextract", "-C", str(extracted), str(msi)], check=True, capture_output=True)
    module_files = [p for p in extracted.rglob("*") if p.suffix.lower() in (".psm1", ".psd1")]
    assert {p.name for p in module_files} >= {"PyCert.psm1", "PyCert.psd1"}
    for path in module_files:
        checked = _verify(path, ca)
        assert checked.returncode == 0, f"{path}: {checked.stdout}{checked.stderr}"


def test_signing_with_a_wrong_password_fails_cleanly_and_leaves_no_package(release_build, signing_files, tmp_path):
    (tmp_path / "wrong.txt").write_text("not-the-password")
    build_py = Path(__file__).resolve().parents[2] / "packaging" / "build.py"
    proc = subprocess.run(
        [sys.executable, str(build_py), "--frozen", str(release_build.onedir), "--allow-missing-module",
         "--dist", str(tmp_path / "dist"), "--work", str(tmp_path / "work"),
         "--sign-cert", str(signing_files / "signer.pem"), "--sign-key", str(signing_files / "signer.key"),
         "--sign-pass-file", str(tmp_path / "wrong.txt")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 2
    # the module is signed first (its files in name order), before any package is built
    assert proc.stderr.startswith("error: osslsigncode could not sign PyCert.format.ps1xml (")
    assert proc.stderr.count("\n") == 1 and "not-the-password" not in proc.stderr
    assert list((tmp_path / "dist").iterdir()) == []  # no unsigned package that could be mistaken for a release
