"""`pycert import`: validate a PFX, import it the way the manuals' wizard does, verify.

Order: read and validate (pfx.py) -> refuse what should not go in -> plan each
certificate's store (rules.import_destination) -> import -> re-read the stores and
confirm. Nothing is removed here, so a failure at any step leaves every certificate that
was there before still there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pycert.common import logs
from pycert.common.errors import (
    EXIT_ACTION_NEEDED,
    EXIT_OK,
    EXIT_RUNTIME,
    PlatformError,
    UsageError,
)
from pycert.common.model import KeyPresence, Placement
from pycert.common.secret import Secret
from pycert.common.stores import StoreBackend
from pycert.pfx import reader as pfx
from pycert.pfx import rules

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy

ROLE_ORDER = {"leaf": 0, "intermediate": 1, "other": 2, "root": 3}


@dataclass
class ImportReport:
    inspection: pfx.Inspection
    placements: list[Placement]
    dry_run: bool
    unhonoured: list[str] = field(default_factory=list)
    verified: bool = False
    exit_code: int = EXIT_OK
    outcome: str = "planned"  # planned | imported | incomplete | failed
    messages: list[str] = field(default_factory=list)


def plan(contents: pfx.PfxContents, machine: bool, elevated: bool) -> list[Placement]:
    """Leaf first, roots last: a declined root dialog then cannot stop the leaf."""
    entries = [(contents.leaf, "leaf", contents.leaf_der)] + [(e.info, e.role, e.der) for e in contents.chain]
    placements = [
        Placement(info.thumbprint, info.subject, role, rules.import_destination(role, machine, elevated), der=der)
        for info, role, der in entries
    ]
    return sorted(placements, key=lambda p: ROLE_ORDER[p.role])


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
    contents = pfx.load(path, password)
    inspection = pfx.inspect(contents, policy.select(profile) if profile else policy.enabled_profiles(), now, profile)
    refuse(inspection, force)
    if any(p.aes for p in contents.structure.protections) and not stores.reads_aes_pfx:
        raise UsageError(
            f"{path} is AES-256 encrypted, which Mono cannot import; on this platform use a 3DES PFX "
            "(Windows 10 1709 and later import both)."
        )
    placements = plan(contents, machine, stores.is_elevated())
    report = ImportReport(inspection, placements, dry_run, stores.unhonoured_options())
    if dry_run:
        return report
    try:
        stores.import_pfx(contents.data, password, placements, machine=machine, exportable=exportable)
    except PlatformError as exc:
        logs.event("import", "failed", file=path, error=exc.message)
        raise PlatformError(f"Importing {path} failed ({exc.message.rstrip('.')}); no certificate was removed, so the current one is still in place.") from None
    verify(report, stores)
    return report


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
    if inspection.days_left < 0:
        raise UsageError(f"The certificate in {inspection.contents.path} expired on {leaf.not_after:%Y-%m-%d}; fetch the renewed one (or --force).")


def verify(report: ImportReport, stores: StoreBackend) -> None:
    """Re-open each store and confirm every certificate said to be in it is there;
    on Windows the leaf must also have its private key."""
    for placement in report.placements:
        if placement.status not in ("added", "present"):
            continue
        reading = stores.read(placement.store)
        found = next((c for c in reading.certificates if c.thumbprint == placement.thumbprint), None)
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
