"""Reading small input files (PFX, password files) with one-sentence errors."""

from __future__ import annotations

from pathlib import Path


def read_bounded(path: Path, limit: int, label: str, too_large: str, fail) -> bytes:
    """The bytes of `path`, at most `limit` of them. `fail(kind, sentence)` builds the
    exception to raise; `label` names the file for people ("The PFX file")."""
    try:
        if path.is_dir():
            raise fail("not-a-file", f"{label} {path} is a folder; give the path of the file itself.")
        if path.exists() and not path.is_file():
            raise fail("not-a-file", f"{label} {path} is not a regular file (a device or pipe); give the path of the file itself.")
        data = read_capped(path, limit)
        if data is None:
            raise fail("too-large", f"{label} {path} is {too_large}.")
        return data
    except FileNotFoundError:
        raise fail("missing", f"{label} {path} does not exist; check the path.") from None
    except PermissionError:
        raise fail("unreadable", f"{label} {path} cannot be read (permission denied); check its access rights.") from None
    except OSError as exc:
        raise fail("unreadable", f"{label} {path} cannot be read ({exc.strerror}); check the path.") from None


def read_capped(path: Path, limit: int) -> bytes | None:
    """At most `limit` bytes of `path`, or None when it holds more. Never trusts the size
    stat reports (a device says 0 and never ends; a file may grow while we read)."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    return None if len(data) > limit else data
