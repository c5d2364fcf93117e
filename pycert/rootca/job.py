"""Root CA: are the pinned roots in Trusted Root, and install the missing ones.

Only a certificate whose SHA-256 equals a pin is ever added to a store, whatever its
subject says, and the pin is checked before any store is opened for writing: the plan
holds only pinned certificates, and each step's bytes are hashed again right before the add.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from pycert.common import logs
from pycert.common.dates import expiry_text
from pycert.common.errors import PlatformError, UsageError
from pycert.common.model import CheckResult, StoreRef
from pycert.common.stores import StoreBackend, StoreReader
from pycert.rootca import rules as rootrules

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy

if TYPE_CHECKING:
    from pycert.rootca import source as rootsource


def read_status(policy: Policy, stores: StoreReader, now: datetime) -> list[rootrules.RootStatus]:
    pins = policy.rootca.pins
    refs = rootrules.pin_stores(pins)
    readings = {r.store: r for r in stores.read_many(refs)}
    return rootrules.evaluate(pins, readings, now, policy.rootca.expiry_warning_days)


def detect(policy: Policy, stores: StoreReader, now: datetime) -> CheckResult:
    statuses = read_status(policy, stores, now)
    verdict, code = rootrules.detect_verdict(statuses)
    messages = [e for s in statuses if s.state == rootrules.UNKNOWN and s.required for e in s.store_errors]
    return CheckResult("rootca", verdict, code, now, messages=messages, details=_details(statuses))


def remediate(
    policy: Policy,
    stores: StoreBackend,
    now: datetime,
    dry_run: bool = False,
    scope: str | None = None,
    source: str | None = None,
    cafile: str | None = None,
    elevated: bool | None = None,
) -> CheckResult:
    """Install every missing required pin from its source (or `source`), into the store its
    scope (or `scope`) names. Idempotent: nothing missing means nothing is fetched or opened."""
    before = read_status(policy, stores, now)
    todo = [s for s in before if s.required and s.state == rootrules.MISSING]
    if not todo:
        verdict, code = rootrules.detect_verdict(before)
        details = _details(before) | {"actions": [], "changed": 0, "dry_run": dry_run}
        return CheckResult("rootca", verdict, code, now, details=details, plan=[])
    plan = plan_installs(policy, todo, scope, source, cafile, elevated)
    # The one point where a dry run differs: the plan is shown, not executed.
    installed = None if dry_run else execute(plan, stores)
    return _result(policy, stores, now, before, plan, installed, dry_run)


@dataclass
class PinDecision:
    """One missing pin: the step that installs it, or why there is none."""

    name: str
    sha256: str
    store: StoreRef
    source: str
    blocked: str = ""  # needs-elevation | not-in-source
    step: rootrules.InstallRootStep | None = None


@dataclass
class RootPlan:
    decisions: list[PinDecision]
    sources: dict[str, rootsource.Source]
    selection: rootrules.Selection
    messages: list[str] = field(default_factory=list)

    @property
    def steps(self) -> list[rootrules.InstallRootStep]:
        return [d.step for d in self.decisions if d.step is not None]


def plan_installs(policy: Policy, todo: list[rootrules.RootStatus], scope: str | None, source: str | None,
                  cafile: str | None, elevated: bool | None) -> RootPlan:
    """Fetch the sources of the pins that can be written here and decide, pin by pin, what
    goes where. Only a certificate whose SHA-256 equals its pin becomes a step."""
    from pycert.rootca import source as rootsource

    pins = {p.sha256: p for p in policy.rootca.pins}
    targets = {s.sha256: _target(pins[s.sha256], scope) for s in todo}
    if elevated is None and any(t.location == "LocalMachine" for t in targets.values()):
        from pycert.platform.elevation import is_elevated

        elevated = is_elevated()
    # Fetch only for pins that can be written here: an unelevated run downloads nothing.
    writable = [s for s in todo if rootrules.may_write(targets[s.sha256], bool(elevated))]
    sources: dict[str, rootsource.Source] = {}
    for status in writable:
        spec = source or pins[status.sha256].source
        if spec not in sources:
            sources[spec] = rootsource.load(spec, timeout=policy.rootca.download_timeout_seconds, network=policy.network, cafile=cafile)
    offered = [c for src in sources.values() for c in src.certificates]
    selection = rootrules.select(policy.rootca.pins, offered)

    plan = RootPlan([], sources, selection)
    for status in todo:
        pin = pins[status.sha256]
        decision = PinDecision(pin.name, pin.sha256, targets[pin.sha256], source or pin.source)
        cert = selection.pinned.get(pin.sha256)
        if status not in writable:
            decision.blocked = "needs-elevation"
            plan.messages.append(
                f"{pin.name} was not installed: {decision.store} needs administrator rights; "
                "run as SYSTEM or elevated, or pass --scope user (Windows then asks the user to confirm)."
            )
        elif cert is None:
            decision.blocked = "not-in-source"
            plan.messages.append(
                f"{pin.name} was not installed: {decision.source} holds no certificate with its SHA-256 {pin.sha256}."
            )
        else:
            decision.step = rootrules.InstallRootStep(pin.name, pin.sha256, decision.store, decision.source, cert.der)
        plan.decisions.append(decision)
    if selection.refused and any(d.blocked == "not-in-source" for d in plan.decisions):
        # Extras beside an installed root are only reported (details, line); they are an
        # error only when they were all the source had to offer.
        first = selection.refused[0]
        plan.messages.insert(0, (
            f"{len(selection.refused)} certificate(s) from the source were refused because their SHA-256 is not "
            f"pinned (first: {first.subject}, SHA-256 {first.sha256})."
        ))
    return plan


def execute(plan: RootPlan, stores: StoreBackend) -> dict[str, str]:
    """Run the plan's steps in order: pin -> what happened (installed, cancelled, not-verified)."""
    return {step.sha256: _install(stores, step, plan.messages) for step in plan.steps}


def _result(policy: Policy, stores: StoreBackend, now: datetime, before: list[rootrules.RootStatus], plan: RootPlan,
            installed: dict[str, str] | None, dry_run: bool) -> CheckResult:
    actions = []
    for d in plan.decisions:
        if d.blocked:
            outcome = d.blocked
        else:
            outcome = installed[d.sha256] if installed is not None else "would-install"
        actions.append({"pin": d.name, "sha256": d.sha256, "source": d.source, "store": str(d.store), "action": outcome})
        # Adding a trusted root is a security decision: every attempt goes to the run log.
        logs.event("rootca", outcome, pin=d.name, sha256=d.sha256, store=str(d.store), source=d.source, dry_run=dry_run)
    after = before if installed is None else read_status(policy, stores, now)
    changed = sum(1 for a in actions if a["action"] == "installed")
    if installed is None:
        verdict, code = "noncompliant", 1
    elif any(s.needs_action for s in after):
        verdict, code = "failed", 1
    else:
        verdict, code = "remediated", 0
    details = _details(after) | {
        "actions": actions,
        "changed": changed,
        "dry_run": dry_run,
        "sources": [
            {"source": s.spec, "kind": s.kind, "tls_verified": s.tls_verified, "note": s.note or None}
            for s in plan.sources.values()
        ],
        "refused": [_cert_json(c, "its SHA-256 is not pinned") for c in plan.selection.refused],
    }
    return CheckResult("rootca", verdict, code, now, messages=plan.messages, details=details, plan=plan.steps)


def _target(pin, scope: str | None) -> StoreRef:
    """The store this pin would be installed into; it must be one the pin counts."""
    target = rootrules.scope_store(scope or pin.scope)
    if str(target) not in pin.stores:
        raise UsageError(
            f"--scope {scope} would install {pin.name} into {target}, which its pin does not count "
            f"(stores = {', '.join(pin.stores)}); use another --scope or add {target} to the pin's stores."
        )
    return target


def _install(stores: StoreBackend, step: rootrules.InstallRootStep, messages: list[str]) -> str:
    from pycert.platform.dotnet import UserCancelled

    if hashlib.sha256(step.der).hexdigest().upper() != step.sha256:  # checked in select; checked again here
        raise PlatformError(f"Refusing to add {step.pin} to {step.store}: its SHA-256 does not equal the pin.")
    try:
        stores.add_der(step.store, step.der)
    except UserCancelled:
        messages.append(f"{step.pin} was not installed: the confirmation dialog for {step.store} was cancelled.")
        return "cancelled"
    if not any(c.sha256 == step.sha256 for c in stores.read(step.store).certificates):
        messages.append(f"{step.pin} was added to {step.store} but is not there when the store is read again.")
        return "not-verified"
    return "installed"


def _details(statuses: list[rootrules.RootStatus]) -> dict:
    return {
        "roots": [_status_json(s) for s in statuses],
        "warnings": [
            f"{s.name} expires on {expiry_text(s.certificate.not_after)} (in {s.days_left} days); "
            "plan its successor root and add its pin to the policy."
            for s in statuses
            if s.state == rootrules.EXPIRING and s.certificate
        ],
    }


def _status_json(s: rootrules.RootStatus) -> dict:
    from pycert.common.output import iso

    c = s.certificate
    return {
        "name": s.name,
        "sha256": s.sha256,
        "required": s.required,
        "state": s.state,
        "installed_in": [str(store) for store in s.found_in],
        "subject": c.subject if c else None,
        "thumbprint": c.thumbprint if c else None,
        "not_after": iso(c.not_after) if c else None,
        "expires": expiry_text(c.not_after) if c else None,
        "days_left": s.days_left,
        "store_errors": list(s.store_errors),
    }


def _cert_json(cert, reason: str) -> dict:
    from pycert.common.output import iso

    return {
        "subject": cert.subject,
        "sha256": cert.sha256,
        "thumbprint": cert.sha1,
        "not_after": iso(cert.not_after),
        "reason": reason,
    }
