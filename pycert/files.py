"""Reading small input files (PFX, password files) with one-sentence errors."""

from __future__ import annotations

from pathlib import Path


def read_bounded(path: Path, limit: int, label: str, too_large: str, fail) -> bytes:
    """The bytes of `path`, at most `limit` of them. `fail(kind, sentence)` builds the
    exception to raise; `label` names the file for people ("The PFX file")."""
    try:
        if path.is_dir():
            raise fail("not-a-file", f"{label} {path} is a folder; give the path of the file itself.")
        if path.stat().st_size > limit:
            raise fail("too-large", f"{label} {path} is {too_large}.")
        return path.read_bytes()
    except FileNotFoundError:
        raise fail("missing", f"{label} {path} does not exist; check the path.") from None
    except PermissionError:
        raise fail("unreadable", f"{label} {path} cannot be read (permission denied); check its access rights.") from None
    except OSError as exc:
        raise fail("unreadable", f"{label} {path} cannot be read ({exc.strerror}); check the path.") from None
