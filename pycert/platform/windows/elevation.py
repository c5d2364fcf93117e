"""Is this Windows process elevated (an administrator token, or SYSTEM)?"""

from __future__ import annotations

from pycert.platform.windows import ffi
from pycert.platform.windows.ffi import BOOL

SHELL32 = ffi.Library("shell32", {
    # shell32!IsUserAnAdmin: TRUE for an elevated administrator and for SYSTEM, FALSE for a
    # filtered (UAC) token. Deprecated in name only; it wraps CheckTokenMembership.
    "IsUserAnAdmin": (BOOL, [], ffi.returns_value),
}, last_error=False)


def _shell32():
    return SHELL32.load()


def is_admin() -> bool:
    try:
        return bool(_shell32().IsUserAnAdmin())
    except (AttributeError, OSError):  # no shell32 (Server Core without the shell): not an admin we can tell
        return False
