"""The product version: read from pycert/__init__.py, checked against what an MSI accepts."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"', re.M)


class BuildError(Exception):
    """A problem the person running the build must fix; the message is one sentence."""


def package_version(root: Path = ROOT) -> str:
    init = root / "pycert" / "__init__.py"
    match = _VERSION_LINE.search(init.read_text(encoding="utf-8"))
    if not match:
        raise BuildError(f"{init} has no line `__version__ = \"X.Y.Z\"`; add it.")
    return match.group(1)


def msi_version(version: str) -> tuple[int, int, int]:
    """Windows Installer compares major.minor.build only: major and minor < 256, build < 65536."""
    parts = version.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise BuildError(f"version '{version}' is not X.Y.Z with numbers only, which an MSI ProductVersion needs.")
    major, minor, build = (int(p) for p in parts)
    if major > 255 or minor > 255 or build > 65535:
        raise BuildError(f"version '{version}' is out of range for an MSI (major and minor <= 255, build <= 65535).")
    return major, minor, build
