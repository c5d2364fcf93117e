"""`pycert cleanup`: remove a profile's superseded certificates, and nothing else.

rules.cleanup_plan decides; this module reads the stores, has the issuers' signatures
checked (issuers.py), executes the removals the plan allows (its `steps`, in order), and
re-reads the stores to confirm. Certificates outside the profile are never looked at: the
plan only ever sees what the profile's match rule selected. A certificate is removed only
because of a successor that passes the issuer rule (expiry/trust.py), on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Iterable, Sequence

from pycert.common import logs
from pycert.common.errors import EXIT_OK, EXIT_RUNTIME, PlatformError
from pycert.common.model import CertificateInfo, StoreRef
from pycert.common.stores import StoreBackend
from pycert.expiry import rules
from pycert.expiry.issuers import IssuerLookup, profile_trust

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy


@dataclass
class Removal:
    """One certificate of a profile: the decision about it, and (once applied) what happened."""

    profile: str
    step: rules.CleanupStep
    status: str = "planned"  # planned (not executed) | kept | removed | gone | failed
    key: str = ""
    detail: str = ""

    @property
    def plan_step(self) -> rules.RemoveStep:
        return rules.RemoveStep(self.profile, self.step.certificate, self.step.reason, self.step.successor)


@dataclass
class CleanupReport:
    removals: list[Removal]
    applied: bool
    exit_code: int = EXIT_OK
    messages: list[str] = field(default_factory=list)

    @property
    def to_remove(self) -> list[Removal]:
        return [r for r in self.removals if r.step.remove]

    @property
    def steps(self) -> list[rules.RemoveStep]:
        """The plan: what `apply` removes, in this order."""
        return [r.plan_step for r in self.to_remove]


def plan(
    policy: Policy, stores: StoreBackend, now: datetime, profile: str | None = None,
    adding: Iterable[CertificateInfo] = (), pfx_cas: Sequence[bytes] = (),
) -> CleanupReport:
    """Decide, per profile, which certificates to remove. `adding`: certificates a planned
    import will put into the stores, so that a renewal's plan can show the removals that
    will follow its import (they are judged as if they were already there). `pfx_cas`: the
    CA certificates of the PFX files being imported (they count only as issuers.py says)."""
    extra = list(adding)
    lookup = IssuerLookup(stores)
    removals = []
    for name, prof in policy.select(profile).items():
        refs = [StoreRef.parse(s) for s in prof.stores]
        readings = stores.read_many(refs)
        lookup.seen(readings)
        present = [c for r in readings for c in r.certificates]
        seen = {(c.store, c.thumbprint) for c in present}
        incoming = []
        for cert in extra:
            if cert.store in refs and (cert.store, cert.thumbprint) not in seen:
                incoming.append(cert)
                seen.add((cert.store, cert.thumbprint))
        installed = [c for c in present if prof.match.matches(c)]
        incoming = [c for c in incoming if prof.match.matches(c)]
        trust = profile_trust(lookup, prof.trusted_issuers, installed, incoming, pfx_cas)
        for step in rules.cleanup_plan(installed + incoming, now, stores.keys_known, trust):
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
                removal.status = "failed"
                removal.detail = f"Could not remove {cert.thumbprint} from {cert.store}: it was still there when the store was read again."
    for r in report.to_remove:
        cert = r.step.certificate
        logs.event("remove", r.status, store=cert.store, thumbprint=cert.thumbprint, successor=r.step.successor, key=r.key, detail=r.detail)
    failed = [r for r in report.to_remove if r.status == "failed"]
    # Each detail is already a sentence naming the certificate and the store (the platform's
    # errors say "Could not remove T from S (...)"); wrapping it again repeated the prefix.
    report.messages = [r.detail for r in failed]
    report.exit_code = EXIT_RUNTIME if failed else EXIT_OK
    return report
