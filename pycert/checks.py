"""The checks `detect` and `remediate` run: each has a job module with detect() (read-only)
and, where it can act, remediate(); and a view module with line_parts() for its summary
line. Modules are imported only when their check runs, so one check never pays for
another's imports.

A check that reads certificate stores says so (`uses_stores`): its job functions take
the store backend as their second argument (`detect(policy, stores, now, ...)`); the
others (`mpki`) are never handed one (`detect(policy, now, ...)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from datetime import datetime

    from pycert.common.model import CheckResult
    from pycert.common.stores import StoreBackend
    from pycert.policy.models import Policy


@dataclass(frozen=True)
class Check:
    job: str  # module with detect() and remediate()
    view: str  # module with line_parts()
    uses_stores: bool  # detect/remediate take a StoreReader/StoreBackend


CHECKS: dict[str, Check] = {
    "expiry": Check("pycert.expiry.job", "pycert.expiry.view", uses_stores=True),
    "mpki": Check("pycert.mpki.job", "pycert.mpki.view", uses_stores=False),
    "rootca": Check("pycert.rootca.job", "pycert.rootca.view", uses_stores=True),
}


def job(name: str):
    """The module with `detect` and `remediate` for a check (imported on first use)."""
    import importlib

    return importlib.import_module(CHECKS[name].job)


def view(name: str):
    """The module with `line_parts` for a check's summary line (imported on first use)."""
    import importlib

    return importlib.import_module(CHECKS[name].view)


def run(name: str, action: str, policy: Policy, stores: Callable[[], StoreBackend], now: datetime,
        **options) -> CheckResult:
    """Call a check's `detect` or `remediate`; `stores` is asked for the backend only by a
    check that uses stores, so the others never load the .NET runtime for nothing."""
    function = getattr(job(name), action)
    if CHECKS[name].uses_stores:
        return function(policy, stores(), now, **options)
    return function(policy, now, **options)
