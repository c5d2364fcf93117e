"""`pycert cleanup`: remove a profile's superseded certificates, and nothing else.

rules.cleanup_plan decides; this module reads the stores, executes the removals the plan
allows, and re-reads the stores to confirm. Certificates outside the profile are never
looked at: the plan only ever sees what the profile's match rule selected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from pycert.common import logs
from pycert.common.errors import EXIT_OK, EXIT_RUNTIME, PlatformError
from pycert.common.model import StoreRef
from pycert.common.stores import StoreBackend
from pycert.expiry import rules

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy


@dataclass
class Removal:
    profile: str
    step: rules.CleanupStep
    status: str = "planned"  # planned | kept | removed | gone | failed
    key: str = ""
    detail: str = ""


@dataclass
class CleanupReport:
    removals: list[Removal]
    applied: bool
    exit_code: int = EXIT_OK
    messages: list[str] = field(default_factory=list)

    @property
    def to_remove(self) -> list[Removal]:
        return [r for r in self.removals if r.step.remove]


def plan(policy: Policy, stores: StoreBackend, now: datetime, profile: str | None = None) -> CleanupReport:
    removals = []
    for name, prof in policy.select(profile).items():
        refs = [StoreRef.parse(s) for s in prof.stores]
        matched = [c for r in stores.read_many(refs) for c in r.certificates if prof.match.matches(c)]
        for step in rules.cleanup_plan(matched, now, stores.keys_known):
            removals.append(Removal(name, step, "planned" if step.remove else "kept"))
    return CleanupReport(removals, applied=False)


def apply(report: CleanupReport, stores: StoreBackend, keep_keys: bool = False) -> CleanupReport:
    """Remove what the plan allows; one failure does not stop the others. Verified by re-reading."""
    report.applied = True
    for removal in report.to_remove:
        cert = removal.step.certificate
        try:
            removed, removal.key = stores.remove_with_key(cert.store, cert.thumbprint, delete_key=not keep_keys)
        except PlatformError as exc:
            removal.status, removal.detail = "failed", exc.message
            continue
        removal.status = "removed" if removed else "gone"
    for removal in report.to_remove:
        if removal.status in ("removed", "gone"):
            cert = removal.step.certificate
            still = any(c.thumbprint == cert.thumbprint for c in stores.read(cert.store).certificates)
            if still:
                removal.status, removal.detail = "failed", "still in the store when re-read"
    for r in report.to_remove:
        cert = r.step.certificate
        logs.event("remove", r.status, store=cert.store, thumbprint=cert.thumbprint, successor=r.step.successor, key=r.key, detail=r.detail)
    failed = [r for r in report.to_remove if r.status == "failed"]
    report.messages = [
        f"Could not remove {r.step.certificate.thumbprint} from {r.step.certificate.store}: {r.detail.rstrip('.')}."
        for r in failed
    ]
    report.exit_code = EXIT_RUNTIME if failed else EXIT_OK
    return report
