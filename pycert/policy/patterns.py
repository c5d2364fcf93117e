"""A cost bound for the policy's regular expressions, checked before `regex.compile`.

The `regex` module expands counted repeats when it compiles: `(?:(?:a{99}){99}){99}` (21
characters) becomes about a million nodes, 1.4 s and 280 MB; four levels of `{999}` grow
without bound. Matching already has a timeout (models.REGEX_TIMEOUT_SECONDS); compiling has
none. So before compiling, `expanded_size` walks the pattern once (linear in its length)
and adds up how many atoms the compiled form holds: each literal, class or escape counts 1,
a group the sum of its contents, a counted repeat `{m,n}` multiplies what it repeats by its
largest count. A pattern over MAX_EXPANDED_ATOMS is refused with a sentence; every
expression an issuer or subject match needs is a few dozen atoms. Pure: no I/O.
"""

from __future__ import annotations

import re

MAX_EXPANDED_ATOMS = 10_000
# {m}, {m,}, {,n}, {m,n}; anything else after "{" (a fuzzy constraint such as {e<=1}, or a
# literal brace) repeats nothing.
_COUNT = re.compile(r"\{(\d*)(,?)(\d*)\}")
# Escapes whose argument is in braces or angle brackets: \p{Han}, \N{...}, \x{263a}, \g<name>.
_BRACED_ESCAPES = "pPNxXugL"
# Inline flags that may follow "(?" before the group's kind (":", "=", "!", "<=", ">", "|").
_FLAGS = "aiLmsuxwfbeVr-^"


def expanded_size(pattern: str) -> int:
    """How many atoms the compiled pattern holds, counted repeats multiplied out."""
    stack: list[list[int]] = [[]]  # per open group: the weights of its items so far
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i = _skip_escape(pattern, i)
            stack[-1].append(1)
            continue
        if ch == "[":
            i = _skip_class(pattern, i)
            stack[-1].append(1)
            continue
        if ch == "(":
            if pattern.startswith("(?#", i):
                close = pattern.find(")", i)
                i = n if close < 0 else close + 1
                continue
            stack.append([])
            i = _skip_group_prefix(pattern, i + 1)
            continue
        elif ch == ")":
            if len(stack) > 1:
                inner = stack.pop()
                stack[-1].append(max(1, sum(inner)))
        elif ch == "{":
            count = _COUNT.match(pattern, i)
            if count and (count.group(1) or count.group(3)):
                largest = int(count.group(3) or count.group(1) or 0)
                if count.group(2) and not count.group(3):  # {m,}: m copies and a loop
                    largest += 1
                if stack[-1]:
                    stack[-1][-1] *= max(1, largest)
                i = count.end()
                continue
            stack[-1].append(1)
        elif ch not in "|*+?^$":
            stack[-1].append(1)
        i += 1
    while len(stack) > 1:  # unbalanced: regex.compile reports it; count what is there
        inner = stack.pop()
        stack[-1].append(sum(inner))
    return sum(stack[0])


def _skip_group_prefix(pattern: str, i: int) -> int:
    """Index of a group's first element, after `?:`, `?P<name>`, `?<=`, `?i:` and the like."""
    if not pattern.startswith("?", i):
        return i
    j = i + 1
    if pattern.startswith(("P<", "<"), j) and not pattern.startswith(("<=", "<!"), j):
        close = pattern.find(">", j)
        return len(pattern) if close < 0 else close + 1
    while j < len(pattern) and pattern[j] in _FLAGS:
        j += 1
    if pattern.startswith(("<=", "<!"), j):
        return j + 2
    return j + 1 if j < len(pattern) and pattern[j] in ":=!>|" else j


def _skip_escape(pattern: str, i: int) -> int:
    """Index after the escape starting at pattern[i] == "\\"."""
    if i + 1 >= len(pattern):
        return i + 1
    nxt = pattern[i + 1]
    if nxt in _BRACED_ESCAPES and i + 2 < len(pattern) and pattern[i + 2] in "{<":
        close = pattern.find("}" if pattern[i + 2] == "{" else ">", i + 3)
        return len(pattern) if close < 0 else close + 1
    return i + 2


def _skip_class(pattern: str, i: int) -> int:
    """Index after the character class starting at pattern[i] == "[" (nested sets too)."""
    depth, j, n = 0, i, len(pattern)
    while j < n:
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            depth += 1
            j += 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":  # a "]" first in a class is literal
                j += 1
            continue
        if ch == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n


def too_costly(pattern: str) -> str | None:
    """Why the pattern may not be compiled, or None when its cost is bounded."""
    size = expanded_size(pattern)
    if size > MAX_EXPANDED_ATOMS:
        return (
            f"the pattern's counted repeats expand to {size:,} elements when compiled, more than the "
            f"{MAX_EXPANDED_ATOMS:,} allowed; use smaller counts or fewer nested repeats"
        )
    return None
