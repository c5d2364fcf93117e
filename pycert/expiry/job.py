"""The expiry check as `detect`/`remediate` see it: the verdict over every profile, and
the renewal job behind `remediate expiry`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pycert.common.errors import EXIT_ACTION_NEEDED, EXIT_OK, EXIT_RUNTIME
from pycert.common.model import CheckResult
from pycert.common.stores import StoreBackend, StoreReader
from pycert.expiry.scan import scan

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy


def detect(policy: Policy, stores: StoreReader, now: datetime, profile: str | None = None) -> CheckResult:
    results = scan(policy.select(profile), stores, now)
    if any(not r.compliant for r in results):
        verdict, code = "noncompliant", EXIT_ACTION_NEEDED
    elif any(r.store_errors for r in results):
        verdict, code = "error", EXIT_RUNTIME
    else:
        verdict, code = "compliant", EXIT_OK
    from pycert.expiry.view import unreadable_messages

    messages = [
        f"{s.store}: {s.error}" for r in results for s in r.store_errors
    ] + unreadable_messages(results)
    return CheckResult("expiry", verdict, code, now, results, messages)


def remediate(policy: Policy, stores: StoreBackend, now: datetime, dry_run: bool = False, profile: str | None = None,
              **opts) -> CheckResult:
    """Import a staged renewal, verify, clean up; else remind the user (renewal.py)."""
    from pycert.expiry import renewal

    return renewal.remediate(policy, stores, now, dry_run=dry_run, profile=profile, **opts)
