"""One change at a time: a machine-wide lock held by every command that changes a store or
installed software. Windows: the named mutex `Global\\PyCert`. Elsewhere: an flock on a
lock file (`/run/lock/pycert.lock` when writable, else the temp folder; PYCERT_LOCK_FILE
overrides, which the tests use)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

from pycert.common.errors import LockBusy, PlatformError

MUTEX_NAME = "Global\\PyCert"
POLL_SECONDS = 0.2
DEFAULT_WAIT_SECONDS = 60.0


def lock_file_path() -> Path:
    override = os.environ.get("PYCERT_LOCK_FILE")
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

    path.parent.mkdir(parents=True, exist_ok=True)
    # O_NOFOLLOW: a symlink planted at the lock path must not redirect our open.
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise PlatformError(f"The lock file {path} cannot be opened ({exc.strerror}); check that folder.") from None
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(str(path)) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock
