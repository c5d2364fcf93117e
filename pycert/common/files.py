"""The one bounded reader for everything PyCert reads from outside: files (PFX, password
files, policy, root sources, state and cache files), a stream (stdin) and environment
variables. Each read has a cap a real input never reaches; above it the caller's
one-sentence error (exit 2), never an unbounded read. docs/reliability.md lists the caps."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Callable

from pycert.common.errors import UsageError

# Windows allows 32,767 characters in one environment variable; no path, URL or password
# PyCert reads from one comes near 8,192.
MAX_ENV_CHARS = 8192

# What went wrong, for callers that word their own sentences.
FOLDER, DEVICE, TOO_LARGE, MISSING, DENIED, UNREADABLE = "folder", "device", "too-large", "missing", "denied", "unreadable"


def read_checked(path: Path, limit: int, fail: Callable[[str, str], Exception]) -> bytes:
    """The bytes of `path`, at most `limit` of them. On any problem raises `fail(kind, reason)`,
    where kind is one of the constants above and reason the OS's words (for UNREADABLE)."""
    try:
        if path.is_dir():
            raise fail(FOLDER, "")
        if path.exists() and not path.is_file():
            raise fail(DEVICE, "")
        data = read_capped(path, limit)
        if data is None:
            raise fail(TOO_LARGE, "")
        return data
    except FileNotFoundError:
        raise fail(MISSING, "") from None
    except PermissionError:
        raise fail(DENIED, "") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise fail(UNREADABLE, getattr(exc, "strerror", None) or str(exc)) from None


def read_bounded(path: Path, limit: int, label: str, too_large: str, fail) -> bytes:
    """read_checked with the standard sentences. `fail(kind, sentence)` builds the exception;
    `label` names the file for people ("The PFX file")."""
    sentences = {
        FOLDER: ("not-a-file", f"{label} {path} is a folder; give the path of the file itself."),
        DEVICE: ("not-a-file", f"{label} {path} is not a regular file (a device or pipe); give the path of the file itself."),
        TOO_LARGE: ("too-large", f"{label} {path} is {too_large}."),
        MISSING: ("missing", f"{label} {path} does not exist; check the path."),
        DENIED: ("unreadable", f"{label} {path} cannot be read (permission denied); check its access rights."),
        UNREADABLE: ("unreadable", f"{label} {path} cannot be read ({{reason}}); check the path."),
    }

    def build(kind: str, reason: str) -> Exception:
        old_kind, sentence = sentences[kind]
        return fail(old_kind, sentence.replace("{reason}", reason))

    return read_checked(path, limit, build)


def read_capped(path: Path, limit: int) -> bytes | None:
    """At most `limit` bytes of `path`, or None when it holds more. Never trusts the size
    stat reports (a device says 0 and never ends; a file may grow while we read)."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    return None if len(data) > limit else data


def read_line_capped(stream: BinaryIO, limit: int) -> bytes | None:
    """The first line of a byte stream (without its line break), reading at most `limit`+1
    bytes: None when the line is longer (`/dev/zero` on stdin ends here, not in MemoryError)."""
    data = stream.readline(limit + 1)
    line = data.rstrip(b"\r\n") if data.endswith(b"\n") else data
    return None if len(line) > limit else line


def env(name: str, limit: int = MAX_ENV_CHARS) -> str | None:
    """An environment variable, or None when unset or empty; longer than `limit` is an
    error naming the variable (its value is never quoted: it may be a secret)."""
    value = os.environ.get(name)
    if not value:
        return None
    if len(value) > limit:
        raise UsageError(
            f"The environment variable {name} is {len(value):,} characters long, more than the {limit:,} "
            "PyCert accepts; check what sets it."
        )
    return value


MAX_STATE_BYTES = 1024 * 1024


def read_state_object(path: Path, limit: int = MAX_STATE_BYTES) -> dict | None:
    """A JSON object PyCert wrote itself (a cache or reminder state, a pending marker), or
    None when it is absent, not a regular file, larger than `limit`, not JSON, nested
    without end, or not an object: state that cannot be trusted is state that is not there."""
    import json

    class _Unusable(Exception):
        pass

    try:
        data = json.loads(read_checked(path, limit, lambda kind, reason: _Unusable()).decode("utf-8"))
    except (_Unusable, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None
