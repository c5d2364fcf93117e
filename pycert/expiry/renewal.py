"""`pycert remediate expiry`: install a staged renewed PFX, verify it, then remove the old
certificate; when nothing is staged, remind the user (in Japanese) and report "needs action".

The order cannot lose a working certificate: the old one is removed only by cleanup, only
after the new one was imported and verified, and only if rules.cleanup_plan agrees.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pycert.common.errors import EXIT_ACTION_NEEDED, EXIT_OK, EXIT_RUNTIME, PyCertError
from pycert.common.model import CheckResult, State
from pycert.common.secret import Secret, password_from_file
from pycert.common.stores import StoreBackend
from pycert.expiry import cleanup, reminders, rules
from pycert.pfx import importer as pfx_import
from pycert.pfx import reader as pfx

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy, Profile

PFX_SUFFIXES = (".pfx", ".p12")
SIDECAR_SUFFIXES = (".txt", ".password")


@dataclass
class Staged:
    path: Path
    contents: pfx.PfxContents
    password: Secret | None


def staging_folders(profile: Profile) -> list[Path]:
    if profile.staging_folders:
        return [Path(os.path.expandvars(os.path.expanduser(f))) for f in profile.staging_folders]
    return [Path.home() / "Downloads"]


def sidecar_password(path: Path) -> Secret | None:
    """`xxx.txt`, `xxx.pfx.txt` or `xxx.password` next to `xxx.pfx`: first line is the password."""
    for candidate in [path.with_suffix(s) for s in SIDECAR_SUFFIXES] + [path.with_name(path.name + ".txt")]:
        if candidate.is_file():
            return password_from_file(candidate)
    return None


def find_staged(profile: Profile, notes: list[dict], reads_aes: bool = True) -> list[Staged]:
    """Every readable PFX in the profile's staging folders whose leaf the profile matches
    (and, where the platform cannot import AES-256, that is not AES-encrypted)."""
    found = []
    for folder in staging_folders(profile):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in PFX_SUFFIXES or not path.is_file():
                continue
            try:
                password = sidecar_password(path)
                if password is None and profile.password_env and profile.password_env in os.environ:
                    password = Secret(os.environ[profile.password_env], f"environment variable {profile.password_env}")
                contents = pfx.load(path, password)
            except PyCertError as exc:
                notes.append({"file": str(path), "usable": False, "reason": exc.message})
                continue
            if not reads_aes and any(p.aes for p in contents.structure.protections):
                notes.append({"file": str(path), "usable": False, "reason": "AES-256 encrypted, which this platform cannot import"})
            elif profile.match.matches(contents.leaf):
                found.append(Staged(path, contents, password))
                notes.append({"file": str(path), "usable": True, "thumbprint": contents.leaf.thumbprint})
    return found


def remediate(
    policy: Policy, stores: StoreBackend, now: datetime, dry_run: bool = False, profile: str | None = None,
    notify=None, state_dir: Path | None = None,
) -> CheckResult:
    from pycert import platform
    from pycert.expiry.scan import scan

    profiles = policy.select(profile)
    before = scan(profiles, stores, now)
    actions: list[dict] = []
    staged_notes: list[dict] = []
    messages: list[str] = []
    outcomes: list[str] = []
    for result in before:
        needing = result.needs_action
        if not needing:
            continue
        staged = find_staged(profiles[result.profile], staged_notes, stores.reads_aes_pfx)
        for finding in needing:
            pick = rules.pick_renewal(finding.certificate, [s.contents.leaf for s in staged], now)
            if pick is None:
                continue
            item = next(s for s in staged if s.contents.leaf.thumbprint == pick.thumbprint)
            outcomes.append(_renew(policy, stores, now, result.profile, finding.certificate.thumbprint, item, dry_run, actions, messages))
    renewed = {a["profile"] for a in actions}
    for result in before:
        # Finish what an earlier run (or a renewal by hand) left: superseded certificates
        # whose cleanup failed or never happened. cleanup.plan applies the same safety rules.
        if result.profile not in renewed and any(f.state is State.SUPERSEDED for f in result.findings):
            outcomes.append(_clean_up(policy, stores, now, result.profile, dry_run, actions, messages))
    changed = any(o in ("done", "import-failed", "cleanup-failed") for o in outcomes)
    after = scan(profiles, stores, now) if changed else before
    still = [f for r in after for f in r.needs_action]
    notices = []
    if still and not dry_run:
        notices = reminders.remind(still, state_dir or platform.user_state_dir(), notify or platform.notify_user)
    if "import-failed" in outcomes:
        verdict, code = "failed", EXIT_RUNTIME  # the renewed certificate is not in; the old one was not touched
    elif "cleanup-failed" in outcomes:
        verdict, code = "failed", EXIT_ACTION_NEEDED  # renewed one in and verified; the old one is still there
    elif any(not r.compliant for r in after):
        verdict, code = "noncompliant", EXIT_ACTION_NEEDED
    elif changed:
        verdict, code = "remediated", EXIT_OK
    else:
        verdict, code = "compliant", EXIT_OK
    details = {
        "dry_run": dry_run,
        "actions": actions,
        "staged": staged_notes,
        "notices": [vars(n) for n in notices],
        "imported": sum(1 for a in actions if a["action"] == "import" and a["status"] in ("imported", "incomplete")),
        "removed": sum(1 for a in actions if a["action"] == "remove" and a["status"] == "removed"),
        "planned": sum(1 for a in actions if a["status"] == "planned"),
        "notified": sum(1 for n in notices if n.channel not in ("already-shown", "failed")),
    }
    return CheckResult("expiry", verdict, code, now, after, messages, details)


def _renew(policy, stores: StoreBackend, now, profile, old_thumbprint, item: Staged, dry_run, actions, messages) -> str:
    """Import one staged PFX, then clean up: "planned", "import-failed", "cleanup-failed" or "done"."""
    base = {"profile": profile, "file": str(item.path), "replaces": old_thumbprint, "thumbprint": item.contents.leaf.thumbprint}
    if dry_run:
        actions.append({**base, "action": "import", "status": "planned"})
        return "planned"
    try:
        report = pfx_import.run(policy, stores, now, item.path, item.password, profile=profile)
    except PyCertError as exc:
        actions.append({**base, "action": "import", "status": "failed", "error": exc.message})
        messages.append(exc.message)
        return "import-failed"
    actions.append({**base, "action": "import", "status": report.outcome})
    messages.extend(report.messages)
    if not report.verified:
        return "import-failed"  # a chain certificate may have gone in; the old leaf stays
    outcome = _clean_up(policy, stores, now, profile, False, actions, messages)
    return "done" if outcome == "nothing" else outcome


def _clean_up(policy, stores: StoreBackend, now, profile, dry_run, actions, messages) -> str:
    """Remove the profile's superseded certificates: "planned", "nothing", "cleanup-failed" or "done"."""
    plan = cleanup.plan(policy, stores, now, profile)
    if not plan.to_remove:
        return "nothing"
    if dry_run:
        for removal in plan.to_remove:
            actions.append({"profile": profile, "action": "remove", "thumbprint": removal.step.certificate.thumbprint,
                            "status": "planned"})
        return "planned"
    cleanup.apply(plan, stores)
    for removal in plan.to_remove:
        actions.append({
            "profile": profile, "action": "remove", "thumbprint": removal.step.certificate.thumbprint,
            "status": removal.status, "key": removal.key, "error": removal.detail or None,
        })
    messages.extend(plan.messages)
    return "cleanup-failed" if plan.messages else "done"
