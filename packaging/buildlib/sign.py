"""Authenticode signing: signtool with a certificate from the Windows store (by thumbprint)
on Windows, osslsigncode with PEM files elsewhere. Passwords are read from a file, never put
on a command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from buildlib.versions import BuildError


@dataclass(frozen=True)
class Signer:
    cert: str  # Windows: SHA-1 thumbprint in the store; elsewhere: PEM certificate file
    key: str | None = None  # PEM private key (osslsigncode)
    pass_file: str | None = None  # file holding the key's password (osslsigncode -readpass)
    timestamp_url: str | None = None


def _run(argv: list[str], what: str) -> str:
    tool = shutil.which(argv[0])
    if tool is None:
        raise BuildError(f"{argv[0]} is not on PATH; install it to {what}.")
    proc = subprocess.run([tool, *argv[1:]], capture_output=True, text=True)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise BuildError(f"{argv[0]} could not {what} ({detail[-1] if detail else 'exit ' + str(proc.returncode)}).")
    return proc.stdout


def sign(path: Path, signer: Signer, description: str = "PyCert") -> None:
    if sys.platform == "win32":
        argv = ["signtool", "sign", "/fd", "SHA256", "/sha1", signer.cert, "/d", description]
        if signer.timestamp_url:
            argv += ["/tr", signer.timestamp_url, "/td", "SHA256"]
        _run([*argv, str(path)], f"sign {path.name}")
        return
    if not signer.key:
        raise BuildError("--sign-key is required with --sign-cert when signing with osslsigncode.")
    # osslsigncode tells a script from a package by its extension: keep it on the input
    unsigned = path.with_name(f"{path.stem}.unsigned{path.suffix}")
    path.replace(unsigned)
    argv = ["osslsigncode", "sign", "-certs", signer.cert, "-key", signer.key, "-h", "sha256", "-n", description]
    if signer.pass_file:
        argv += ["-readpass", signer.pass_file]
    if signer.timestamp_url:
        argv += ["-ts", signer.timestamp_url]
    try:
        _run([*argv, "-in", str(unsigned), "-out", str(path)], f"sign {path.name}")
    except BuildError:
        unsigned.replace(path)
        raise
    unsigned.unlink()


def verify(path: Path, ca_file: str | None = None) -> str:
    """Check the signature; with a CA file also the chain. Returns the tool's report."""
    if sys.platform == "win32":
        return _run(["signtool", "verify", "/pa", str(path)], f"verify the signature of {path.name}")
    argv = ["osslsigncode", "verify", "-in", str(path)]
    if ca_file:
        argv += ["-CAfile", ca_file]
    return _run(argv, f"verify the signature of {path.name}")
