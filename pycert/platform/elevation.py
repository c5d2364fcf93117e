"""Whether this process may change machine-wide certificate stores."""

from __future__ import annotations

import os
import sys


def is_elevated() -> bool:
    if sys.platform == "win32":
        from pycert.platform.windows.elevation import is_admin

        return is_admin()
    return os.geteuid() == 0
