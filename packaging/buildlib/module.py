"""Stage the PowerShell module for the MSI: a copy of powershell/PyCert with ModuleVersion set to
the product version (PowerShell only loads a module from Modules\\PyCert\\<v> when the
manifest says <v>), and with Private/*.ps1 and Public/*.ps1 merged into the one PyCert.psm1
that ships (one file loads faster and is signed once).

In the source tree PyCert.psm1 holds the module-level code and a loader region that
dot-sources Private/ then Public/; merge_module replaces that region with the files' text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from buildlib.versions import BuildError

ROOT_MODULE = "PyCert.psm1"
FOLDERS = ("Private", "Public")  # merged in this order, each file sorted by name
LOADER_START = "#region source loader"
LOADER_END = "#endregion source loader"
MARKER = "# --- "  # followed by Private/X.ps1 or Public/X.ps1, above that file's text
MERGED_NOTE = "# Merged by packaging/buildlib/module.py from Private/*.ps1 and Public/*.ps1: edit those, not this file."

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
    """Copy the module to dest with the version stamped and PyCert.psm1 merged (no Private/ or
    Public/ folders); False when a placeholder was written."""
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
    merged = merge_module(source)
    shutil.copytree(source, dest, ignore=lambda folder, names: FOLDERS if Path(folder) == source else ())
    (dest / ROOT_MODULE).write_bytes(merged.encode("ascii"))  # bytes: no newline translation on Windows
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


def module_sources(source: Path) -> list[Path]:
    """The files the loader dot-sources, in merge order: Private/*.ps1, then Public/*.ps1, by name."""
    found = []
    for folder in FOLDERS:
        if not (source / folder).is_dir():
            raise BuildError(f"{source / folder} is missing; the module's functions live in Private/ and Public/.")
        found += sorted((p for p in (source / folder).iterdir() if p.suffix.lower() == ".ps1" and p.is_file()), key=lambda p: p.name)
    return found


def _ascii(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BuildError(
            f"{path} line {line} is not ASCII (Windows PowerShell 5.1 reads the merged module in the ANSI code page); "
            "use ASCII only."
        ) from None


def merge_module(source: Path) -> str:
    """The shipped PyCert.psm1: the source one with its loader region replaced by the text of
    every Private/ and Public/ file, each under a `# --- Public/Name.ps1` marker. ASCII, with
    the source PyCert.psm1's line endings throughout."""
    root_module = source / ROOT_MODULE
    if not root_module.is_file():
        raise BuildError(f"{source} has no {ROOT_MODULE}; the module needs it.")
    text = _ascii(root_module)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith(LOADER_START)]
    ends = [i for i, line in enumerate(lines) if line.rstrip() == LOADER_END]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise BuildError(
            f"{root_module} needs exactly one '{LOADER_START}' line followed by one '{LOADER_END}' line "
            "around the code that loads Private/ and Public/."
        )
    merged = [MERGED_NOTE]
    for path in module_sources(source):
        body = _ascii(path).replace("\r\n", "\n").strip("\n")
        merged += ["", f"{MARKER}{path.parent.name}/{path.name}", *body.split("\n")]
    lines[starts[0] : ends[0] + 1] = merged
    return newline.join(lines)
