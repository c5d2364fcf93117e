"""Session builds for the packaging tests: one real PyInstaller freeze plus MSI (through the
one-command `packaging/build.py`), and a second MSI from the same frozen app with a higher
version. Tests using them carry the `packaging` marker (`-m packaging` / `-m "not packaging"`)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

HELP_URL = "https://support.example.invalid/pycert"
NEXT_VERSION = "99.1.0"


def _missing_tools() -> str | None:
    if importlib.util.find_spec("PyInstaller") is None:
        return "PyInstaller is not installed (pip install -e '.[build]')"
    for tool in ("wixl", "msiinfo", "msibuild", "msiextract"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install wixl msitools)"
    return None


@dataclass(frozen=True)
class Build:
    dist: Path
    onedir: Path
    msi: Path
    version: str
    log: str
    help_url: str = HELP_URL

    @property
    def exe(self) -> Path:
        return self.onedir / ("pycert.exe" if sys.platform == "win32" else "pycert")


def run_build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--allow-missing-module", "--help-url", HELP_URL, *args],
        capture_output=True, text=True, timeout=900, cwd=str(ROOT),
    )


@pytest.fixture(scope="session")
def release_build(tmp_path_factory) -> Build:
    """`python packaging/build.py`: freeze, stage, build and check the MSI."""
    reason = _missing_tools()
    if reason:
        pytest.skip(reason)
    from buildlib.versions import package_version

    base = tmp_path_factory.mktemp("release")
    proc = run_build("--dist", str(base / "dist"), "--work", str(base / "work"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    version = package_version()
    [msi] = (base / "dist").glob("*.msi")
    return Build(base / "dist", base / "dist" / "pycert", msi, version, proc.stdout)


@pytest.fixture(scope="session")
def next_build(release_build, tmp_path_factory) -> Build:
    """The same frozen app packaged as a later version (what an upgrade installs)."""
    base = tmp_path_factory.mktemp("next")
    proc = run_build("--frozen", str(release_build.onedir), "--msi-version", NEXT_VERSION,
                     "--dist", str(base / "dist"), "--work", str(base / "work"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [msi] = (base / "dist").glob("*.msi")
    return Build(base / "dist", release_build.onedir, msi, NEXT_VERSION, proc.stdout)

