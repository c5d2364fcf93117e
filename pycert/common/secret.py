"""PFX passwords: a masked type, and the only ways one may enter PyCert.

A password comes from an environment variable, stdin, the first line of a file (how ORCA's
saved password files are used), or an interactive prompt. Never from argv: other users'
processes can read a command line. `Secret` prints as asterisks in repr/str/format and
refuses pickling, so a password cannot leak through a log record, an f-string or a
traceback's locals by accident; code that needs the value calls `reveal()`.

CPython strings cannot be wiped; the bytes are held in a bytearray that `wipe()` zeroes,
and platform code zeroes its own native copy (crypt32's wide-char buffer) after use.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from pycert.common import files
from pycert.common.errors import UsageError
from pycert.common.files import read_bounded

MASK = "********"
MAX_PASSWORD_FILE_BYTES = 4096


class Secret:
    """A password. Compare with `is_empty`, use with `reveal()`/`as_bytes()`, never print."""

    __slots__ = ("_value", "source")

    def __init__(self, value: str, source: str = "given"):
        try:
            encoded = value.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes from the OS: never quote them back
            raise UsageError(
                f"The password from {source} is not valid text (it holds bytes that are not UTF-8); "
                "type it again or save it as UTF-8."
            ) from None
        self._value = bytearray(encoded)
        self.source = source  # where it came from, e.g. "environment variable PFX_PW"

    def reveal(self) -> str:
        return self._value.decode("utf-8")

    def as_bytes(self) -> bytes:
        return bytes(self._value)

    @property
    def is_empty(self) -> bool:
        return not self._value

    def wipe(self) -> None:
        """Zero the bytes in place (any other reference to the buffer sees only NULs), then
        hold nothing."""
        for i in range(len(self._value)):
            self._value[i] = 0
        self._value = bytearray()

    def __repr__(self) -> str:
        return f"Secret({MASK}, source={self.source!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __reduce__(self):
        raise TypeError("a Secret cannot be pickled")

    def __eq__(self, other: object) -> bool:  # identity only: no timing oracle, no accidental compares
        return self is other

    __hash__ = object.__hash__


def read_password(
    *,
    env: str | None = None,
    stdin: bool = False,
    file: str | None = None,
    prompt_label: str = "PFX password",
    interactive: bool | None = None,
) -> Secret | None:
    """The password from exactly one source; None when none was given and nobody can be asked.

    With no source and a terminal on stdin, asks without echo.
    """
    chosen = [name for name, given in (("--password-env", env), ("--password-stdin", stdin), ("--password-file", file)) if given]
    if len(chosen) > 1:
        raise UsageError(f"{' and '.join(chosen)} cannot be used together; give the password one way.")
    if env:
        if env not in os.environ:
            raise UsageError(f"The environment variable {env} named by --password-env is not set; set it or use another password option.")
        return Secret(files.env(env, MAX_PASSWORD_FILE_BYTES) or "", f"environment variable {env}")
    if stdin:
        return password_from_stdin()
    if file:
        return password_from_file(Path(file))
    if interactive if interactive is not None else sys.stdin.isatty():
        import getpass

        return Secret(getpass.getpass(f"{prompt_label}: "), "prompt")
    return None


def password_from_stdin() -> Secret:
    """The first line of stdin, read as bytes with the password file's cap."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text-only stdin (tests, embedding): encode what it gives
        line = sys.stdin.readline(MAX_PASSWORD_FILE_BYTES + 1)
        raw = files.read_line_capped(io.BytesIO(line.encode("utf-8", "surrogateescape")), MAX_PASSWORD_FILE_BYTES)
    else:
        raw = files.read_line_capped(stream, MAX_PASSWORD_FILE_BYTES)
    if raw is None:
        raise UsageError("The first line of stdin is longer than 4 KiB; pipe only the password (one line) to --password-stdin.")
    return Secret(_decode_password(raw, "stdin"), "stdin")


def _decode_password(raw: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else Shift-JIS as Notepad saved it on old Windows; the
    error never shows the bytes."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError(f"The password from {source} is not text; save it as UTF-8.")


def password_from_file(path: Path) -> Secret:
    """First line of a text file (UTF-8, with or without BOM; Shift-JIS as saved by Notepad on old Windows)."""
    raw = read_bounded(
        path, MAX_PASSWORD_FILE_BYTES, "The password file",
        "larger than 4 KiB; give the small text file that holds only the password",
        lambda kind, sentence: UsageError(sentence),
    )
    return Secret(_first_line(_decode_password(raw, f"the password file {path}")), f"file {path}")


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text.splitlines() else ""
