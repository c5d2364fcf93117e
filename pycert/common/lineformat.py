"""The `line` output format, version 1: one ASCII summary line of at most 2048 characters.

    VERDICT CHECK v1 [key=value ...] [| ITEM] ... [| +N more]
    ITEM := WORD [key=value ...]

VERDICT is COMPLIANT, NONCOMPLIANT, REMEDIATED or FAILED. Sections are separated by a
bare `|`. A value that is empty or holds a space, `|`, `=`, `"`, a control character or
anything outside ASCII is written as a JSON string (so Japanese names arrive intact
through any console code page). Items come worst first; when the next item would not
fit, the line ends with `| +N more` naming how many were left out. docs/output.md
describes each check's keys.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

MAX_LINE = 2048
VERSION = "v1"
VERDICTS = ("COMPLIANT", "NONCOMPLIANT", "REMEDIATED", "FAILED")
MAX_VALUE = 96
_BARE = re.compile(r"^[!#-~]+$")  # printable ASCII except space and "
_TOKEN = re.compile(r'\s*(\|(?=\s|$)|"(?:[^"\\]|\\.)*"|[^\s"=|]+="(?:[^"\\]|\\.)*"|[^\s"]+)')


@dataclass
class Item:
    word: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Line:
    verdict: str
    check: str
    counters: dict[str, str] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    more: int = 0
    version: str = VERSION


def quote(value: object) -> str:
    text = str(value)
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 3] + "..."
    if text and _BARE.fullmatch(text) and "|" not in text and "=" not in text:  # not match: "$" allows a final \n
        return text
    return json.dumps(text, ensure_ascii=True)


def _section(word: str, fields: dict[str, object]) -> str:
    parts = [word] + [f"{k}={quote(v)}" for k, v in fields.items()]
    return " ".join(parts)


def render(line: Line, limit: int = MAX_LINE) -> str:
    head = _section(f"{line.verdict} {line.check} {line.version}", line.counters)
    out = head
    items = [_section(quote(i.word), i.fields) for i in line.items]
    for index, item in enumerate(items):
        left = len(items) - index - 1 + line.more
        tail = f" | +{left} more" if left else ""
        candidate = f"{out} | {item}"
        if len(candidate) + len(tail) <= limit:
            out = candidate
            continue
        remaining = len(items) - index + line.more
        return f"{out} | +{remaining} more"[:limit]
    if line.more:
        out += f" | +{line.more} more"
    return out[:limit]


class LineFormatError(ValueError):
    pass


def _value(raw: str) -> str:
    if raw.startswith('"'):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise LineFormatError(f"bad quoted value {raw[:40]!r}") from None
    return raw


def parse(text: str) -> Line:
    """Parse a v1 summary line (the last line of a detect/remediate run)."""
    tokens = _tokens(text.strip())
    sections, start = [], 0
    for _ in range(tokens.count("|")):  # list.index: each section found in C, not token by token
        end = tokens.index("|", start)
        sections.append(tokens[start:end])
        start = end + 1
    sections.append(tokens[start:])
    head = sections[0]
    if len(head) < 3 or head[0] not in VERDICTS or not head[2].startswith("v"):
        raise LineFormatError("the line does not start with VERDICT CHECK VERSION")
    line = Line(verdict=head[0], check=head[1], version=head[2])
    line.counters = _fields(head[3:])
    for section in sections[1:]:
        if not section:
            raise LineFormatError("empty section")
        if len(section) == 2 and section[0].startswith("+") and section[1] == "more":
            line.more = int(section[0][1:])
            continue
        line.items.append(Item(_value(section[0]), _fields(section[1:])))
    return line


def _tokens(text: str) -> list[str]:
    """The line's tokens. Without a `"` every token is a run of non-space characters (the
    grammar's other forms all need a quote), so str.split gives the same tokens as _TOKEN
    at a fraction of the cost; `\\s` and str.split agree on what is a space."""
    if '"' not in text:
        return text.split()
    pos, tokens = 0, []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise LineFormatError(f"cannot read the line at character {pos}")
        tokens.append(m.group(1))
        pos = m.end()
    return tokens


def _fields(tokens: list[str]) -> dict[str, str]:
    fields = {}
    for token in tokens:
        key, sep, raw = token.partition("=")
        if not sep or not key:
            raise LineFormatError(f"expected key=value, found {token[:40]!r}")
        fields[key] = _value(raw) if raw[:1] == '"' else raw  # (the test inlined: this runs per field)
    return fields
