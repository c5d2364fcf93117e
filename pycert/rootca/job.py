"""Root CA: are the pinned roots in Trusted Root, and install the missing ones.

Only a certificate whose SHA-256 equals a pin is ever added to a store, whatever its
subject says, and the pin is checked before any store is opened for writing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pycert.common import logs
from pycert.common.errors import UsageError
from pycert.common.model import CheckResult, StoreRef
from pycert.common.stores import StoreBackend, StoreReader
from pycert.rootca import rules as rootrules

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy


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
    from pycert.rootca import source as rootsource

    before = read_status(policy, stores, now)
    todo = [s for s in before if s.required and s.state == rootrules.MISSING]
    if not todo:
        verdict, code = rootrules.detect_verdict(before)
        details = _details(before) | {"actions": [], "changed": 0, "dry_run": dry_run}
        return CheckResult("rootca", verdict, code, now, details=details)

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
            sources[spec] = rootsource.load(spec, timeout=policy.rootca.download_timeout_seconds, cafile=cafile)
    offered = [c for src in sources.values() for c in src.certificates]
    selection = rootrules.select(policy.rootca.pins, offered)

    actions, messages = [], []
    for status in todo:
        pin = pins[status.sha256]
        cert = selection.pinned.get(pin.sha256)
        store = targets[pin.sha256]
        action = {"pin": pin.name, "sha256": pin.sha256, "source": source or pin.source, "store": str(store)}
        if status not in writable:
            action["action"] = "needs-elevation"
            messages.append(
                f"{pin.name} was not installed: {store} needs administrator rights; "
                "run as SYSTEM or elevated, or pass --scope user (Windows then asks the user to confirm)."
            )
        elif cert is None:
            action["action"] = "not-in-source"
            messages.append(f"{pin.name} was not installed: {action['source']} holds no certificate with its SHA-256 {pin.sha256}.")
        elif dry_run:
            action["action"] = "would-install"
        else:
            action["action"] = _install(stores, store, cert, pin.name, messages)
        actions.append(action)
        # Adding a trusted root is a security decision: every attempt goes to the run log.
        logs.event("rootca", action["action"], pin=pin.name, sha256=pin.sha256, store=action["store"],
                   source=action["source"], dry_run=dry_run)

    if selection.refused and any(a["action"] == "not-in-source" for a in actions):
        # Extras beside an installed root are only reported (details, line); they are an
        # error only when they were all the source had to offer.
        first = selection.refused[0]
        messages.insert(0, (
            f"{len(selection.refused)} certificate(s) from the source were refused because their SHA-256 is not "
            f"pinned (first: {first.subject}, SHA-256 {first.sha256})."
        ))
    after = before if dry_run else read_status(policy, stores, now)
    changed = sum(1 for a in actions if a["action"] == "installed")
    if dry_run:
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
            for s in sources.values()
        ],
        "refused": [_cert_json(c, "its SHA-256 is not pinned") for c in selection.refused],
    }
    return CheckResult("rootca", verdict, code, now, messages=messages, details=details)


def _target(pin, scope: str | None) -> StoreRef:
    """The store this pin would be installed into; it must be one the pin counts."""
    target = rootrules.scope_store(scope or pin.scope)
    if str(target) not in pin.stores:
        raise UsageError(
            f"--scope {scope} would install {pin.name} into {target}, which its pin does not count "
            f"(stores = {', '.join(pin.stores)}); use another --scope or add {target} to the pin's stores."
        )
    return target


def _install(stores: StoreBackend, store: StoreRef, cert, name: str, messages: list[str]) -> str:
    from pycert.platform.dotnet import UserCancelled

    try:
        stores.add_der(store, cert.der)
    except UserCancelled:
        messages.append(f"{name} was not installed: the confirmation dialog for {store} was cancelled.")
        return "cancelled"
    if not any(c.sha256 == cert.sha256 for c in stores.read(store).certificates):
        messages.append(f"{name} was added to {store} but is not there when the store is read again.")
        return "not-verified"
    return "installed"


def _details(statuses: list[rootrules.RootStatus]) -> dict:
    return {
        "roots": [_status_json(s) for s in statuses],
        "warnings": [
            f"{s.name} expires on {s.certificate.not_after:%Y-%m-%d} (in {s.days_left} days); "
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
