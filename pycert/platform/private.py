"""A per-user folder nobody else may read, and files written into it: where a renewed PFX and
its password file are kept after the import (expiry/backup.py decides what goes there).

Windows: the folder gets an explicit protected DACL for this account, SYSTEM and
Administrators (platform/windows/acl.py); files written inside inherit it. Elsewhere: the
folder is mode 0700 and owned by this account, each file 0600, created exclusively and
never through a symbolic link.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pycert.common.errors import PlatformError
from pycert.platform import is_windows


def default_backup_folder() -> Path:
    """%LOCALAPPDATA%\\PyCert\\backup on Windows; $XDG_DATA_HOME/pycert/backup elsewhere."""
    if is_windows():
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "PyCert" / "backup"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "pycert" / "backup"


def _sid() -> str:
    from pycert.platform.windows.environment import token_info

    return token_info().sid


def make_private_folder(path: Path) -> None:
    """Create `path` (and its parents) so that only this account (and on Windows SYSTEM and
    Administrators) can open it; an existing folder is given the same protection."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if is_windows():
        from pycert.platform.windows import acl

        acl.private_folder(str(path), _sid())
        if not path.is_dir():
            raise PlatformError(f"{path} exists and is not a folder; the backup was not made.")
        return
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise PlatformError(f"{path} exists and is not a folder (or is a link); the backup was not made.")
    if info.st_uid != os.getuid():
        raise PlatformError(f"{path} belongs to another account; the backup was not made.")
    os.chmod(path, 0o700)


def write_private(path: Path, data: bytes) -> None:
    """Write a new file that only this account can read; never replaces an existing one."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    finally:
        os.close(fd)
