"""`pycert import`: validate a PFX, import it the way the manuals' wizard does, verify.

Order: read and validate (reader.py) -> refuse what should not go in -> plan each
certificate's store (rules.import_steps) -> then, unless it is a dry run, import exactly
those steps -> re-read the stores and confirm. Nothing is removed here, so a failure at
any step leaves every certificate that was there before still there.

A root (self-signed CA certificate) of the PFX is planned only when [rootca] pins its
SHA-256; otherwise it is left out (rules.roots_left_out) and said so, so no import, however
elevated, trusts a root the policy does not name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pycert.common import logs
from pycert.common.dates import expiry_text
from pycert.common.errors import (
    EXIT_ACTION_NEEDED,
    EXIT_OK,
    EXIT_RUNTIME,
    PlatformError,
    UsageError,
)
from pycert.common.model import CertificateInfo, KeyPresence, Placement, StoreRef
from pycert.common.secret import Secret
from pycert.common.stores import StoreBackend
from pycert.pfx import reader as pfx
from pycert.pfx import rules

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy


@dataclass
class ImportPlan:
    """Everything an import will do, decided before any store is opened for writing."""

    contents: pfx.PfxContents
    inspection: pfx.Inspection
    steps: list[rules.ImportStep]
    unhonoured: list[str]
    machine: bool = False
    exportable: bool = False
    roots_left: list[rules.RootLeftOut] = field(default_factory=list)


@dataclass
class ImportReport:
    inspection: pfx.Inspection
    placements: list[Placement]  # one per step, in the plan's order
    dry_run: bool
    unhonoured: list[str] = field(default_factory=list)
    verified: bool = False
    exit_code: int = EXIT_OK
    outcome: str = "planned"  # planned (not executed) | imported | incomplete | failed
    messages: list[str] = field(default_factory=list)
    steps: list[rules.ImportStep] = field(default_factory=list)
    roots_left: list[rules.RootLeftOut] = field(default_factory=list)

    @classmethod
    def of(cls, plan: ImportPlan, dry_run: bool) -> "ImportReport":
        placements = [step.placement() for step in plan.steps]
        return cls(plan.inspection, placements, dry_run, list(plan.unhonoured), steps=list(plan.steps),
                   roots_left=list(plan.roots_left))


def prepare(
    policy: Policy,
    stores: StoreBackend,
    now: datetime,
    contents: pfx.PfxContents,
    *,
    profile: str | None = None,
    machine: bool = False,
    exportable: bool = False,
    force: bool = False,
) -> ImportPlan:
    """Judge a loaded PFX and plan where each certificate goes; changes nothing.
    Raises UsageError for a PFX that should not go in (see `refuse`)."""
    inspection = pfx.inspect(contents, policy.select(profile) if profile else policy.enabled_profiles(), now, profile)
    refuse(inspection, force)
    if any(p.aes for p in contents.structure.protections) and not stores.reads_aes_pfx:
        raise UsageError(
            f"{contents.path} is AES-256 encrypted, which Mono cannot import; on this platform use a 3DES PFX "
            "(Windows 10 1709 and later import both)."
        )
    roots = [e.info for e in contents.chain if e.role == "root"]
    pins = {pin.sha256 for pin in policy.rootca.pins}
    left_out = rules.roots_left_out(str(contents.path), roots, pins, root_presence(stores, roots, pins))
    skip = {r.thumbprint for r in left_out}
    certificates = [(contents.leaf, "leaf", contents.leaf_der)] + [
        (e.info, e.role, e.der) for e in contents.chain if e.info.thumbprint not in skip
    ]
    steps = rules.import_steps(str(contents.path), certificates, machine, stores.is_elevated())
    return ImportPlan(contents, inspection, steps, stores.unhonoured_options(), machine, exportable, left_out)


def root_presence(stores: StoreBackend, roots: list[CertificateInfo], pins: set[str]) -> dict[str, list[StoreRef]]:
    """SHA-256 -> the Root stores of the terminal holding it, for the unpinned roots (read
    only when the PFX has such a root)."""
    from pycert.policy.models import ROOT_STORES

    wanted = {r.sha256 for r in roots if r.sha256 not in pins}
    if not wanted:
        return {}
    found: dict[str, list[StoreRef]] = {}
    for reading in stores.read_many([StoreRef.parse(s) for s in ROOT_STORES]):
        for cert in reading.certificates:
            if cert.sha256 in wanted:
                found.setdefault(cert.sha256, []).append(reading.store)
    return found


def execute(plan: ImportPlan, stores: StoreBackend, password: Secret | None) -> ImportReport:
    """Import exactly the plan's steps, in order, then verify by re-reading the stores."""
    report = ImportReport.of(plan, dry_run=False)
    try:
        stores.import_pfx(plan.contents.data, password, report.placements, machine=plan.machine, exportable=plan.exportable)
    except PlatformError as exc:
        logs.event("import", "failed", file=plan.contents.path, error=exc.message)
        raise PlatformError(
            f"Importing {plan.contents.path} failed ({exc.message.rstrip('.')}); no certificate was removed, "
            "so the current one is still in place."
        ) from None
    verify(report, stores)
    for root in report.roots_left:
        logs.event("import", root.status, role="root", thumbprint=root.thumbprint, sha256=root.sha256,
                   detail="not pinned in [rootca]")
    return report


def run(
    policy: Policy,
    stores: StoreBackend,
    now: datetime,
    path: Path,
    password: Secret | None,
    *,
    profile: str | None = None,
    machine: bool = False,
    exportable: bool = False,
    force: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """`pycert import`: the plan, and (unless `dry_run`) its execution."""
    hint = rules.password_hint(p.password_origin for p in policy.select(profile).values())
    contents = pfx.load(path, password, hint)
    plan = prepare(policy, stores, now, contents, profile=profile, machine=machine,
                   exportable=exportable, force=force)
    return ImportReport.of(plan, dry_run=True) if dry_run else execute(plan, stores, password)


def refuse(inspection: pfx.Inspection, force: bool) -> None:
    """Stop before any change when the PFX is not what a profile expects (unless --force)."""
    if force:
        return
    leaf = inspection.contents.leaf
    if inspection.profile is None:
        raise UsageError(
            f"{inspection.contents.path} (issuer '{leaf.issuer}') matches no profile of the policy; "
            "give the right --profile, or --force to import it anyway."
        )
    if inspection.expired:  # the exact moment: a PFX that expired earlier today has days_left 0
        raise UsageError(f"The certificate in {inspection.contents.path} expired on {expiry_text(leaf.not_after)}; fetch the renewed one (or --force).")


def verify(report: ImportReport, stores: StoreBackend) -> None:
    """Re-open each store and confirm every certificate said to be in it is there;
    on Windows the leaf must also have its private key."""
    readings: dict = {}  # each store re-read once: linear in the chain, however long
    for placement in report.placements:
        if placement.status not in ("added", "present"):
            continue
        if placement.store not in readings:
            readings[placement.store] = {c.thumbprint: c for c in stores.read(placement.store).certificates}
        found = readings[placement.store].get(placement.thumbprint)
        if found is None:
            placement.status, placement.detail = "failed", f"not found in {placement.store} when re-read after the import"
        elif placement.role == "leaf" and found.has_private_key is KeyPresence.NO:
            placement.status, placement.detail = "failed", "in the store, but without its private key"
    for p in report.placements:
        logs.event("import", p.status, role=p.role, store=p.store, thumbprint=p.thumbprint, detail=p.detail)
    leaf = report.placements[0]
    report.verified = leaf.status in ("added", "present")
    problems = [p for p in report.placements if p.status in ("failed", "cancelled")]
    report.messages = [f"{p.role} {p.subject} -> {p.store}: {p.status} ({p.detail})." for p in problems]
    if not report.verified:
        report.outcome, report.exit_code = "failed", EXIT_RUNTIME
    elif problems:
        report.outcome, report.exit_code = "incomplete", EXIT_ACTION_NEEDED
    else:
        report.outcome, report.exit_code = "imported", EXIT_OK
