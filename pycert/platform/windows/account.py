"""Who we run as on Windows: SYSTEM, elevated administrator, or a plain user (ctypes)."""

from __future__ import annotations

import ctypes


def is_system_or_elevated() -> bool:
    """True for SYSTEM and for an elevated administrator token (shell32.IsUserAnAdmin)."""
    try:
        return bool(ctypes.windll.shell32.IsUserAnAdmin())  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False
