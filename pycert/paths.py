"""Where PyCert keeps machine-wide files: %ProgramData%\\PyCert on Windows, XDG folders elsewhere."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def program_data() -> Path:
    return Path(os.environ.get("ProgramData", r"C:\ProgramData")) / "PyCert"


def cache_dir(override: str | None = None) -> Path:
    if override:
        return Path(override)
    if sys.platform == "win32":
        return program_data() / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pycert"


def logs_dir() -> Path:
    if sys.platform == "win32":
        return program_data() / "Logs"
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "pycert" / "logs"
