"""Stage the PowerShell module for the MSI: a copy of powershell/PyCert with ModuleVersion set to
the product version (PowerShell only loads a module from Modules\\PyCert\\<v> when the
manifest says <v>)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from buildlib.versions import BuildError

_MODULE_VERSION = re.compile(r"""(ModuleVersion\s*=\s*)(['"])[^'"]*\2""")

PLACEHOLDER = """\
# PLACEHOLDER written by packaging/build.py --allow-missing-module: powershell/PyCert was empty
# when this package was built. Not a release.
@{{
    ModuleVersion     = '{version}'
    GUID              = '5a6b0c1e-3f0e-4c57-9b0e-0c1f1c4f7a11'
    Author            = 'PyCert Project'
    Description       = 'Placeholder: this build carried no PyCert module.'
    FunctionsToExport = @()
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}}
"""


def stage_module(source: Path, dest: Path, version: str, allow_missing: bool) -> bool:
    """Copy the module to dest with the version stamped; False when a placeholder was written."""
    if dest.exists():
        shutil.rmtree(dest)
    files = [p for p in source.rglob("*") if p.is_file()] if source.is_dir() else []
    if not files:
        if not allow_missing:
            raise BuildError(
                f"{source} holds no module files; build the module first or pass --allow-missing-module for a test build."
            )
        dest.mkdir(parents=True)
        (dest / "PyCert.psd1").write_text(PLACEHOLDER.format(version=version), encoding="utf-8")
        return False
    shutil.copytree(source, dest)
    manifest = dest / "PyCert.psd1"
    if not manifest.is_file():
        raise BuildError(f"{source} has no PyCert.psd1; the module needs its manifest.")
    raw = manifest.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    stamped, count = _MODULE_VERSION.subn(lambda m: f"{m.group(1)}'{version}'", text, count=1)
    if not count:
        raise BuildError(f"{source / 'PyCert.psd1'} has no ModuleVersion = '...' line; add one.")
    manifest.write_bytes((b"\xef\xbb\xbf" if bom else b"") + stamped.encode("utf-8"))
    return True
