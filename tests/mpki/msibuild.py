"""Real MSIs for the tests, built with wixl (msitools) and signed with osslsigncode."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

WIXL = shutil.which("wixl")
UPGRADE_CODE = "6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9"
PRODUCT = "Cybertrust Managed PKI Client"

WXS = """<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="{product_code}" Name="{name}" Language="1033" Version="{version}"
           Manufacturer="Cybertrust Japan Co., Ltd." UpgradeCode="{upgrade}">
    <Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine"/>
    <Media Id="1" Cabinet="data.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="MPKIClient">
          <Component Id="Main" Guid="{component}" Win64="yes">
            <File Id="readme" Source="{payload}"/>
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Client" Level="1"><ComponentRef Id="Main"/></Feature>
  </Product>
</Wix>
"""


def build_msi(folder: Path, stem: str, version: str, name: str = PRODUCT, product_code: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    payload = folder / f"{stem}.txt"
    payload.write_text(f"{name} {version}\n", encoding="utf-8")
    wxs = folder / f"{stem}.wxs"
    wxs.write_text(WXS.format(product_code=product_code or str(uuid.uuid4()).upper(), name=name, version=version,
                              upgrade=UPGRADE_CODE, component=str(uuid.uuid4()).upper(), payload=payload.name),
                   encoding="utf-8")
    out = folder / f"{stem}.msi"
    subprocess.run([WIXL, "-a", "x64", "-o", str(out), str(wxs)], check=True, capture_output=True, cwd=folder)
    return out


def sign_msi(unsigned: Path, signer, out: Path) -> Path:
    subprocess.run(["osslsigncode", "sign", "-certs", str(signer.cert_path), "-key", str(signer.key_path),
                    "-h", "sha256", "-in", str(unsigned), "-out", str(out)], check=True, capture_output=True)
    return out


def tamper(signed: Path, out: Path, old: bytes, new: bytes) -> Path:
    """Change bytes inside a signed MSI (same length), as a modified download would."""
    data = signed.read_bytes()
    assert len(old) == len(new) and old in data, "the tamper target must be in the file"
    out.write_bytes(data.replace(old, new, 1))
    return out
