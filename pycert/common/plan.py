"""The shape every remediation's plan shares: typed steps, each naming its target.

A job first builds its plan (pure decisions over what it read), then either prints it
(`--dry-run`) or executes exactly those steps in that order; that is the only place a dry
run differs from a real run. Steps live beside the rules that decide them:
`pfx.rules.ImportStep`, `expiry.rules.RemoveStep`, `rootca.rules.InstallRootStep`,
`mpki.rules.Step`.
"""

from __future__ import annotations

from typing import Iterable, Protocol


class PlanStep(Protocol):
    @property
    def action(self) -> str:
        """What the step does, one word: import, remove, install-root, uninstall, ..."""
        ...

    def describe(self) -> str:
        """One line for people, naming the target (store, file, product code)."""
        ...

    def as_json(self) -> dict:
        """The step in the result JSON: `action` and its targets."""
        ...


def plan_lines(steps: Iterable[PlanStep]) -> list[str]:
    """`--format line` of a dry run: one `plan: ...` line per step, before the summary line."""
    return [f"plan: {step.describe()}" for step in steps]
