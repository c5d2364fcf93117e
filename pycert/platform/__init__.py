"""Every OS call lives below this package. `store_backend()` is the one place that decides
which backend runs; everything else receives the backend it is given."""

from __future__ import annotations

import sys
from functools import lru_cache


def is_windows() -> bool:
    return sys.platform == "win32"


@lru_cache(maxsize=1)
def store_backend():
    """The certificate-store backend for this machine (loads the .NET runtime on first use)."""
    from pycert.platform.dotnet import DotNetStores

    return DotNetStores.for_this_machine()


def user_state_dir():
    """Per-user state (which reminders were shown). PYCERT_STATE_DIR overrides, for tests
    and for admins who redirect profiles."""
    import os
    from pathlib import Path

    from pycert.common.files import env

    override = env("PYCERT_STATE_DIR")
    if override:
        return Path(override)
    if is_windows():
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "PyCert"
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "pycert"


def ui_language() -> str:
    """Windows only: "ja" or "en" from the user's display language (common/i18n.py)."""
    from pycert.platform.windows.environment import ui_language as windows_ui_language

    return windows_ui_language()


def notify_user(title: str, body: str) -> str:
    """Show a notice to the signed-in user: "toast", "msg" or "failed" on Windows;
    elsewhere "stdout", meaning the caller prints it as a line."""
    if not is_windows():
        return "stdout"
    from pycert.platform.windows.notify import notify

    return notify(title, body)
