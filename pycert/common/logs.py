"""The run log for unattended use: one line per event with time, command, user, action and
result, in a size-capped rotating file.

Where: %ProgramData%\\PyCert\\Logs when running as SYSTEM (or elevated),
%LOCALAPPDATA%\\PyCert\\Logs for a user; $XDG_STATE_HOME/pycert/logs elsewhere;
PYCERT_LOG_DIR overrides. A log that cannot be opened never stops the job: the run goes on
and says so once on stderr.
"""

from __future__ import annotations

import getpass
import logging
import logging.handlers
import os
import sys
import time
from pathlib import Path

LOGGER_NAME = "pycert"
MAX_BYTES = 1024 * 1024
BACKUPS = 5
LEVELS = ("debug", "info", "warning", "error")

log = logging.getLogger(LOGGER_NAME)


class _UtcFormatter(logging.Formatter):
    """Time, level, the run's fixed fields, the message. The fields (a user name may hold
    a `%`, legal on Windows) are data appended as text, never part of the format string."""

    converter = time.gmtime

    def __init__(self, fields: str):
        super().__init__("%(asctime)s %(levelname)s %(message)s")
        self.fields = fields

    def formatMessage(self, record):  # noqa: N802 (logging's name)
        return f"{self.formatTime(record)} {record.levelname} {self.fields} {record.getMessage()}"

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", self.converter(record.created))


def default_log_dir() -> Path:
    override = os.environ.get("PYCERT_LOG_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        from pycert.platform.elevation import is_elevated

        if is_elevated():
            return Path(os.environ.get("ProgramData", r"C:\ProgramData")) / "PyCert" / "Logs"
        return Path(os.environ.get("LOCALAPPDATA", str(Path.home()))) / "PyCert" / "Logs"
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "pycert" / "logs"


def current_user() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # getpass raises various errors when no user name is set
        user = "unknown"
    domain = os.environ.get("USERDOMAIN")
    return f"{domain}\\{user}" if domain and sys.platform == "win32" else user


def setup(command: str, level: str = "info", log_dir: Path | None = None) -> Path | None:
    """Attach the rotating file for this run; returns its path, or None if it could not open."""
    folder = log_dir or default_log_dir()
    path = folder / "pycert.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=False
        )
    except OSError as exc:
        sys.stderr.write(f"warning: the log {path} cannot be written ({exc.strerror}); continuing without it.\n")
        return None
    fields = f'pid={os.getpid()} user="{current_user()}" command="{command}"'
    handler.setFormatter(_UtcFormatter(fields))
    for old in list(log.handlers):
        log.removeHandler(old)
        old.close()
    log.addHandler(handler)
    log.setLevel(level.upper())
    log.propagate = False
    return path


def event(action: str, result: str, level: int = logging.INFO, **details: object) -> None:
    """One line: action=... result=... key="value" ..."""
    parts = [f"action={action}", f"result={result}"]
    parts += [f'{key}="{_flat(value)}"' for key, value in details.items()]
    log.log(level, " ".join(parts))


def _flat(value: object) -> str:
    return " ".join(str(value).split()).replace('"', "'")
