"""Authenticode verification of a file: WinVerifyTrust on Windows, osslsigncode elsewhere."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pycert.common.errors import PlatformError
from pycert.platform import is_windows
from pycert.platform.signature import Signature, signer_from_der

DEFAULT_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def verify(path: Path) -> Signature:
    if is_windows():
        from pycert.platform.windows import wintrust

        return wintrust.verify(Path(path))
    return verify_with_osslsigncode(Path(path))


def verify_with_osslsigncode(path: Path, cafile: str | None = None) -> Signature:
    """`osslsigncode verify` against the trust anchors in SSL_CERT_FILE (or the system bundle)."""
    tool = shutil.which("osslsigncode")
    if tool is None:
        raise PlatformError("osslsigncode is not installed; install it (apt install osslsigncode) to verify MSI signatures.")
    cafile = cafile or os.environ.get("SSL_CERT_FILE") or DEFAULT_CA_BUNDLE
    proc = subprocess.run(
        [tool, "verify", "-in", str(path), "-CAfile", cafile],
        capture_output=True, text=True, timeout=120,
    )
    out = proc.stdout + proc.stderr
    subject, thumbprint = _signer(tool, path, out)
    if proc.returncode == 0 and "Signature verification: ok" in out:
        return Signature(True, "ok", subject, thumbprint, "osslsigncode")
    if "has no signature" in out or "no signature" in out.lower():
        reason = "the file is not signed"
    elif "MISMATCH" in out or _digest_mismatch(out):
        reason = "the file was changed after it was signed"
    elif "unable to get local issuer certificate" in out or "self-signed certificate" in out or "certificate verify" in out.lower():
        reason = "the signer's certificate does not chain to a trusted root"
    elif "certificate has expired" in out:
        reason = "the signer's certificate has expired"
    else:
        reason = "osslsigncode could not verify it: " + _last_error(out)
    return Signature(False, reason, subject, thumbprint, "osslsigncode")


def _digest_mismatch(out: str) -> bool:
    current = re.search(r"Current DigitalSignature\s*:\s*([0-9A-F]+)", out)
    calculated = re.search(r"Calculated DigitalSignature\s*:\s*([0-9A-F]+)", out)
    return bool(current and calculated and current.group(1) != calculated.group(1))


def _last_error(out: str) -> str:
    lines = [ln.strip() for ln in out.splitlines() if ln.strip() and ln.strip() not in ("Failed", "Succeeded")]
    return lines[-1][:160] if lines else "no output"


def _signer(tool: str, path: Path, verify_output: str) -> tuple[str, str]:
    """The signing certificate: serial from the verify report, certificate from the PKCS#7 blob."""
    match = re.search(r"Signer's certificate:.*?Signer #0:.*?Serial\s*:\s*([0-9A-Fa-f]+)", verify_output, re.S)
    if not match:
        return "", ""
    serial = int(match.group(1), 16)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    with tempfile.TemporaryDirectory(prefix="pycert-sig-") as tmp:
        out = Path(tmp) / "sig.pem"
        subprocess.run([tool, "extract-signature", "-pem", "-in", str(path), "-out", str(out)],
                       capture_output=True, timeout=60)
        if not out.exists():
            return "", ""
        try:
            certs = pkcs7.load_pem_pkcs7_certificates(out.read_bytes())
        except ValueError:
            return "", ""
    for cert in certs:
        if cert.serial_number == serial:
            return signer_from_der(cert.public_bytes(serialization.Encoding.DER))
    return "", ""
