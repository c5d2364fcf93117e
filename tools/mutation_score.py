"""Per-module score from `mutmut results --all true` on stdin (tools/mutation.sh).

A mutant is caught when a test failed (killed) or ran out of time (timeout); survived,
no tests (no test runs the function) and suspicious are not."""

from __future__ import annotations

import collections
import sys

CAUGHT = ("killed", "timeout")


def main(modules: list[str]) -> None:
    score: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    left = []
    for row in sys.stdin:
        name, _, status = row.strip().rpartition(": ")
        module = name.rsplit(".", 1)[0]
        if module not in modules or status == "not checked":
            continue
        score[module][status] += 1
        if status not in CAUGHT:
            left.append(f"  {name}: {status}")
    for module in modules:
        counts = score[module]
        total = sum(counts.values())
        caught = sum(counts[s] for s in CAUGHT)
        pct = 100 * caught / total if total else 0
        rest = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k not in CAUGHT) or "none left"
        print(f"{module}: {caught}/{total} caught ({pct:.0f}%); {rest}")
    print("not caught (mutmut show NAME):")
    print("\n".join(left))


if __name__ == "__main__":
    main(sys.argv[1:])
