"""Reading small input files (PFX, password files, policy, root sources) with one-sentence errors."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

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
