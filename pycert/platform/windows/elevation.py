"""Is this Windows process elevated (an administrator token, or SYSTEM)?"""

from __future__ import annotations


def is_admin() -> bool:
    """shell32!IsUserAnAdmin: true for an elevated administrator and for SYSTEM, false for a
    filtered (UAC) token. Deprecated in name only; it wraps CheckTokenMembership."""
    import ctypes

    try:
        return bool(ctypes.windll.shell32.IsUserAnAdmin())
    except (AttributeError, OSError):
        return False
