"""Showing user-supplied names in one-sentence errors without letting them flood the line."""

from __future__ import annotations

MAX_SHOWN = 120


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """`value` as text, control characters escaped, the middle cut out when it is too long."""
    text = str(value).encode("unicode_escape").decode("ascii") if not str(value).isprintable() else str(value)
    if len(text) <= limit:
        return text
    keep = (limit - 3) // 2
    return f"{text[:keep]}...{text[-keep:]}"
