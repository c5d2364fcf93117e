"""One escaping function per output kind, for text that comes from outside (certificate
names, device names, file names): it is data, never markup, format or formula.

- `terminal`: for tables and text people read in a console: control characters (newline,
  ESC, BEL, NUL: a fake row or an OSC sequence), line/paragraph separators and invisible
  format characters (RTL override) are shown as `\\uXXXX`-style escapes; Japanese stays.
- `csv_cell`: for CSV opened in Excel: a text cell starting with = + - @ TAB CR gets a
  leading apostrophe so it is not run as a formula (OWASP "CSV injection"); numbers stay.
The summary line has its own grammar (lineformat.quote); logs take text only as arguments.
Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def terminal(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(_escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return ch


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


_URL_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@\s:]*):(?P<password>[^/@\s]*)@")


def url(text: str | None) -> str | None:
    """A URL (or text holding URLs, e.g. a proxy list) as it may be printed or logged: the
    password in `scheme://user:password@host` replaced by `***`; the user name stays."""
    if not text:
        return text
    return _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
