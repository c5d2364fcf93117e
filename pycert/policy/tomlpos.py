"""Find the line of a key path in TOML text, so policy errors can say where to look.

tomllib keeps no positions. This reads table headers and `key =` lines, which covers the
way policy files are written; for anything it cannot place it returns the line of the
nearest enclosing key or table, or None.
"""

from __future__ import annotations

import re
from typing import Sequence

_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_PART = re.compile(r"""[A-Za-z0-9_-]+|"([^"]*)"|'([^']*)'""")


def _split_key(key: str) -> tuple[str, ...]:
    parts = []
    for m in _PART.finditer(key):
        parts.append(m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(0))
    return tuple(parts)


def table_header(line: str) -> str | None:
    """The name in a `[table]` or `[[array.of.tables]]` line (a trailing comment allowed),
    else None. Plain string scanning, linear in the line: the regular expression this
    replaces backtracked cubically on a line of `[[` and many spaces (19 s for 3 KB)."""
    text = line.strip()
    if not text.startswith("["):
        return None
    body = text[2:] if text.startswith("[[") else text[1:]
    end = body.find("]")
    if end < 0:
        return None
    name, rest = body[:end].strip(), body[end + 1 :]
    if rest.startswith("]"):
        rest = rest[1:]
    rest = rest.strip()
    if not name or (rest and not rest.startswith("#")):
        return None
    return name


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map every key path (and table path) to the first line (1-based) that defines it."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = table_header(line)
        if header is not None:
            table = _split_key(header)
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = table + _split_key(key.group(1))
            for i in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:i], number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_multiline = quote
    return lines


def locate_line(text: str, loc: Sequence[object]) -> int | None:
    """Line of the longest prefix of `loc` that the text defines."""
    known = key_lines(text)
    path = tuple(str(p) for p in loc if not isinstance(p, int))
    while path:
        if path in known:
            return known[path]
        path = path[:-1]
    return None
