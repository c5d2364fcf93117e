"""One change at a time: a machine-wide lock held by every command that changes a store or
installed software. Windows: the named mutex `Global\\PyCert`. Elsewhere: an flock on a
lock file (`/run/lock/pycert.lock` when writable, else the temp folder; PYCERT_LOCK_FILE
overrides, which the tests use)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

from pycert.common.errors import LockBusy, PlatformError
from pycert.common.files import env
from pycert.common.shown import shown

MUTEX_NAME = "Global\\PyCert"
POLL_SECONDS = 0.2
DEFAULT_WAIT_SECONDS = 60.0


def lock_file_path() -> Path:
    override = env("PYCERT_LOCK_FILE")
    if override:
        return Path(override)
    run_lock = Path("/run/lock")
    if run_lock.is_dir() and os.access(run_lock, os.W_OK):
        return run_lock / "pycert.lock"
    return Path(tempfile.gettempdir()) / "pycert.lock"


@contextlib.contextmanager
def machine_lock(wait_seconds: float = DEFAULT_WAIT_SECONDS) -> Iterator[None]:
    if sys.platform == "win32":
        from pycert.platform.windows.mutex import named_mutex

        with named_mutex(MUTEX_NAME, wait_seconds):
            yield
        return
    with _file_lock(lock_file_path(), wait_seconds):
        yield


@contextlib.contextmanager
def _file_lock(path: Path, wait_seconds: float) -> Iterator[None]:
    import fcntl

    fd = open_lock_file(path)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(shown(path)) from None
                time.sleep(POLL_SECONDS)
        # Ours alone now (a regular file with one link, checked on the open descriptor), so
        # replacing its old contents with our pid cannot touch anything else.
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as exc:
            raise PlatformError(f"The lock file {shown(path)} cannot be written ({exc.strerror or exc}); check that folder.") from None
        yield
    finally:
        os.close(fd)  # closing releases the flock


def open_lock_file(path: Path) -> int:
    """Open (or create) the lock file without truncating or following anything planted at
    its path: a symlink is refused by O_NOFOLLOW, a FIFO or device by O_NONBLOCK plus the
    fstat check, a hard link to another file by its link count. Every failure names the path."""
    def refuse(reason: str) -> PlatformError:
        return PlatformError(
            f"The lock file {shown(path)} cannot be opened safely: it {reason}; remove it (PyCert creates it again) "
            "or point PYCERT_LOCK_FILE at a file in a folder only administrators can write."
        )

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PlatformError(
            f"The folder of the lock file {shown(path)} cannot be created ({exc.strerror or exc}); check that {shown(path.parent)} is a folder."
        ) from None
    flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise refuse("is a symbolic link") from None
        raise PlatformError(f"The lock file {shown(path)} cannot be opened ({exc.strerror or exc}); check that folder.") from None
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = "is not a regular file (a pipe, device or folder)"
    elif info.st_nlink != 1:
        problem = f"has {info.st_nlink} hard links, so it may be another file's name"
    if problem:
        os.close(fd)
        raise refuse(problem)
    return fd
