"""`pycert remediate expiry`: install a staged renewed PFX, verify it, then remove the old
certificate; when nothing is staged, remind the user (in Japanese) and report "needs action".

First the plan, for every profile: the staged PFX that renews each certificate needing
action, each of its certificates with the store it goes to (the same planner as
`pycert import`), then the removals of superseded certificates (the same planner as
`pycert cleanup`, judging the imported certificates as if they were already in). A dry
run prints that plan; a real run executes exactly its steps, in order.

The order cannot lose a working certificate: the old one is removed only after every
import of its profile was verified, and only if rules.cleanup_plan, asked again over the
stores as they are after the import, still agrees.

Only a staged PFX that carries a password and whose leaf passes the issuer rule against
the certificate it renews (expiry/trust.py: same CA key, or a pinned one) is imported;
any other that the profile's match rule selects is refused (`staged` in the JSON, a
`staged=refused` item in the line) and left exactly where it is. Only a PFX whose import
was verified leaves the staging folder, with its password file (expiry/backup.py: moved
into the user's private backup folder, or deleted, as `[backup]` says).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from pycert.common.errors import EXIT_ACTION_NEEDED, EXIT_OK, EXIT_RUNTIME, PyCertError
from pycert.common.model import (
    CertificateInfo,
    CheckResult,
    KeyPresence,
    ProfileResult,
    State,
)
from pycert.common.plan import PlanStep
from pycert.common.files import env
from pycert.common.i18n import N_
from pycert.common.secret import MAX_PASSWORD_FILE_BYTES, Secret, password_from_file
from pycert.common.stores import StoreBackend
from pycert.common import logs
from pycert.expiry import backup, cleanup, pending, reminders, rules
from pycert.expiry.issuers import IssuerLookup, profile_trust
from pycert.pfx import importer as pfx_import
from pycert.pfx import reader as pfx
from pycert.pfx.rules import password_hint

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy, Profile

PFX_SUFFIXES = (".pfx", ".p12")
SIDECAR_SUFFIXES = (".txt", ".password")


@dataclass
class Staged:
    path: Path
    contents: pfx.PfxContents
    password: Secret | None
    note: dict = field(default_factory=dict)  # its entry in the plan's `staged` list
    sidecar: Path | None = None  # the password file it was opened with

    def refuse(self, profile: str, code: str, replaces: list[CertificateInfo]) -> None:
        self.note.update(usable=False, profile=profile, refused=code, reason=refusal_sentence(self.path, code, replaces))


def refusal_sentence(path: Path, code: str, replaces: list[CertificateInfo]) -> str:
    if code == "no-password":
        return N_(f"{path} is not protected by a password, and the CA never issues a PFX without one; "
                  "it was not imported and is left where it is.")
    current = ", ".join(c.thumbprint for c in replaces)
    return N_(f"{path}: its certificate is not signed by the CA key that issued the current certificate ({current}) "
              "nor by an issuer pinned in trusted_issuers; it was not imported and is left where it is.")


def staging_folders(profile: Profile) -> list[Path]:
    if profile.staging_folders:
        return [Path(os.path.expandvars(os.path.expanduser(f))) for f in profile.staging_folders]
    return [Path.home() / "Downloads"]


def sidecar_file(path: Path) -> Path | None:
    """`xxx.txt`, `xxx.pfx.txt` or `xxx.password` next to `xxx.pfx`, the first that exists."""
    for candidate in [path.with_suffix(s) for s in SIDECAR_SUFFIXES] + [path.with_name(path.name + ".txt")]:
        if candidate.is_file():
            return candidate
    return None


def sidecar_password(path: Path) -> Secret | None:
    """The first line of the password file next to `path` (sidecar_file), if there is one."""
    sidecar = sidecar_file(path)
    return password_from_file(sidecar) if sidecar else None


def _no_password_reason(path: Path) -> str:
    """What to put where: `remediate expiry` has no password option, only these two places."""
    return N_(
        f"{path.name} needs its password: put it on one line in {path.with_suffix('.txt').name} next to it, "
        "or name an environment variable in the profile's password_env and set it for the job."
    )


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
                if password is None and profile.password_env and env(profile.password_env, MAX_PASSWORD_FILE_BYTES):
                    password = Secret(env(profile.password_env, MAX_PASSWORD_FILE_BYTES) or "", f"environment variable {profile.password_env}")
                contents = pfx.load(path, password, password_hint([profile.password_origin]))
            except PyCertError as exc:
                reason = _no_password_reason(path) if password is None and getattr(exc, "kind", "") == "password" else exc.message
                notes.append({"file": str(path), "usable": False, "reason": reason})
                continue
            if not reads_aes and any(p.aes for p in contents.structure.protections):
                notes.append({"file": str(path), "usable": False, "reason": N_("AES-256 encrypted, which this platform cannot import")})
            elif profile.match.matches(contents.leaf):
                note = {"file": str(path), "usable": True, "thumbprint": contents.leaf.thumbprint}
                found.append(Staged(path, contents, password, note, sidecar_file(path)))
                notes.append(note)
    return found


def remediate(
    policy: Policy, stores: StoreBackend, now: datetime, dry_run: bool = False, profile: str | None = None,
    notify=None, state_dir: Path | None = None,
) -> CheckResult:
    from pycert.expiry.scan import scan

    from pycert import platform

    profiles = policy.select(profile)
    before = scan(profiles, stores, now)
    state_dir = state_dir or platform.user_state_dir()
    plan = plan_renewals(policy, stores, now, profiles, before, pending.read(state_dir))
    if dry_run:  # the one point where a dry run differs: the plan is shown, not executed
        return _result(plan, Outcome.not_run(plan, before), now, dry_run=True)
    return _result(plan, execute(plan, policy, stores, now, profiles, before, notify, state_dir), now, dry_run=False)


# -- the plan --------------------------------------------------------------------------

@dataclass
class Renewal:
    """One staged PFX that renews one certificate: its import plan, or why there is none."""

    profile: str
    replaces: str  # thumbprint of the certificate it renews
    staged: Staged
    imports: pfx_import.ImportPlan | None
    error: str = ""  # why the import cannot be planned (then nothing of this profile is changed)
    put_away: backup.PutAwayStep | None = None  # the staged files, once the import is verified

    def action(self, status: str, error: str | None = None) -> dict:
        base = {"profile": self.profile, "file": str(self.staged.path), "replaces": self.replaces,
                "thumbprint": self.staged.contents.leaf.thumbprint, "action": "import", "status": status}
        return {**base, "error": error} if error else base

    def root_actions(self) -> list[dict]:
        """The PFX's roots the import leaves out (not pinned in [rootca])."""
        return [{"profile": self.profile, "file": str(self.staged.path), "action": "root", "status": root.status,
                 "thumbprint": root.thumbprint, "sha256": root.sha256, "detail": root.describe()}
                for root in (self.imports.roots_left if self.imports else [])]


@dataclass
class ProfilePlan:
    profile: str
    renewals: list[Renewal]
    removals: cleanup.CleanupReport | None  # after the imports (all verified), or on their own

    @property
    def pfx_cas(self) -> list[bytes]:
        """The CA certificates the imported PFX files carry (issuers.py says when they count)."""
        return chain_ders(r.staged for r in self.renewals)

    @property
    def steps(self) -> list[PlanStep]:
        steps: list[PlanStep] = [step for r in self.renewals if r.imports for step in r.imports.steps]
        steps += [r.put_away for r in self.renewals if r.imports and r.put_away]
        return steps + (list(self.removals.steps) if self.removals else [])


@dataclass
class RenewalPlan:
    profiles: list[ProfilePlan]
    staged: list[dict]  # every PFX looked at in the staging folders, usable or not

    @property
    def steps(self) -> list[PlanStep]:
        return [step for p in self.profiles for step in p.steps]


def chain_ders(staged: Iterable[Staged]) -> list[bytes]:
    return [e.der for item in staged for e in item.contents.chain]


def plan_renewals(
    policy: Policy, stores: StoreBackend, now: datetime, profiles: dict[str, Profile], before: list[ProfileResult],
    unfinished: dict[str, dict[str, str]] | None = None,
) -> RenewalPlan:
    """Decide everything before anything changes: reads the stores and the staging folders.
    `unfinished` (pending.read) names imports an earlier run did not complete: planned again."""
    notes: list[dict] = []
    planned = []
    lookup = IssuerLookup(stores)
    for result in before:
        renewals = _renewals(policy, stores, now, result, profiles[result.profile], notes, lookup, unfinished or {})
        if renewals:
            # The removals a verified import will allow, judged over the stores plus what
            # the imports put in. Not when an import cannot even be planned.
            ready = all(r.imports for r in renewals)
            adding = [c for r in renewals if r.imports for c in projected(r.imports, stores.keys_known)]
            cas = chain_ders(r.staged for r in renewals)
            removals = cleanup.plan(policy, stores, now, result.profile, adding, cas) if ready else None
        elif any(f.state is State.SUPERSEDED for f in result.findings):
            # Finish what an earlier run (or a renewal by hand) left: superseded
            # certificates whose cleanup failed or never happened.
            removals = cleanup.plan(policy, stores, now, result.profile)
        else:
            continue
        planned.append(ProfilePlan(result.profile, renewals, removals))
    return RenewalPlan(planned, notes)


def _renewals(policy, stores: StoreBackend, now, result: ProfileResult, profile: Profile, notes,
              lookup: IssuerLookup, unfinished: dict[str, dict[str, str]]) -> list[Renewal]:
    needing = [f.certificate for f in result.needs_action]
    resume = {path for path, e in unfinished.items() if e["profile"] == result.profile}
    if not needing and not resume:
        return []
    staged = find_staged(profile, notes, stores.reads_aes_pfx)
    installed = [f.certificate for f in result.findings]
    trust = profile_trust(lookup, profile.trusted_issuers, installed, [s.contents.leaf for s in staged],
                          chain_ders(staged))
    usable = []
    for item in staged:
        refusal = rules.staged_refusal(item.contents.leaf, needing, trust, item.contents.password_protected)
        if refusal is None:
            usable.append(item)
            continue
        item.refuse(result.profile, refusal, [c for c in needing if c.subject == item.contents.leaf.subject])
        logs.event("staged", "refused", file=item.path, reason=refusal, thumbprint=item.contents.leaf.thumbprint)
    renewals: dict[Path, Renewal] = {}
    for item in usable:  # an import an earlier run left unfinished (only of a file that passes the rules)
        entry = unfinished.get(str(item.path))
        if str(item.path) in resume and entry and entry["thumbprint"] == item.contents.leaf.thumbprint:
            _plan_one(policy, stores, now, result, item, entry.get("replaces", ""), renewals)
    for expiring in needing:
        pick = rules.pick_renewal(expiring, [s.contents.leaf for s in usable], now, trust)
        if pick is None:
            continue
        item = next(s for s in usable if s.contents.leaf.thumbprint == pick.thumbprint)
        _plan_one(policy, stores, now, result, item, expiring.thumbprint, renewals)
    return list(renewals.values())


def _plan_one(policy, stores: StoreBackend, now, result: ProfileResult, item: Staged, replaces: str,
              renewals: dict[Path, Renewal]) -> None:
    if item.path in renewals:
        return  # one file renews two certificates (or finishes an earlier run): import it once
    try:
        imports = pfx_import.prepare(policy, stores, now, item.contents, profile=result.profile)
        put_away = backup.plan_step(result.profile, item.path, item.sidecar, policy.backup.after_import,
                                    policy.backup.folder)
        renewals[item.path] = Renewal(result.profile, replaces, item, imports, put_away=put_away)
    except PyCertError as exc:
        renewals[item.path] = Renewal(result.profile, replaces, item, None, exc.message)


def projected(imports: pfx_import.ImportPlan, keys_known: bool) -> list[CertificateInfo]:
    """The certificates an import will put in the stores, as a re-read will show them once
    the import is verified: the leaf with its key, chain certificates without."""
    contents = imports.contents
    infos = {contents.leaf.thumbprint: contents.leaf} | {e.info.thumbprint: e.info for e in contents.chain}
    chain_key = KeyPresence.NO if keys_known else KeyPresence.UNKNOWN
    return [
        replace(infos[s.thumbprint], store=s.store, has_private_key=KeyPresence.YES if s.role == "leaf" else chain_key)
        for s in imports.steps
    ]


# -- executing it ----------------------------------------------------------------------

@dataclass
class Outcome:
    """What became of a plan: the legacy `actions` records, messages, and the stores after."""

    actions: list[dict]
    messages: list[str]
    outcomes: list[str]  # per profile: nothing | done | import-failed | import-incomplete | cleanup-failed
    after: list[ProfileResult]
    notices: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(o in ("done", "import-failed", "import-incomplete", "cleanup-failed") for o in self.outcomes)

    @classmethod
    def not_run(cls, plan: RenewalPlan, before: list[ProfileResult]) -> "Outcome":
        """A plan that is shown, not executed: each renewal and each removal on its own is
        one `planned` action (the removals after an import are in the plan only)."""
        actions, messages, outcomes = [], [], []
        for p in plan.profiles:
            for r in p.renewals:
                actions.append(r.action("planned") if r.imports else r.action("failed", r.error))
                actions += r.root_actions()
                messages += [r.error] if r.error else []
            if not p.renewals and p.removals:
                actions += [{"profile": p.profile, "action": "remove", "thumbprint": s.thumbprint, "status": "planned"}
                            for s in p.removals.steps]
            outcomes.append("import-failed" if any(not r.imports for r in p.renewals) else "nothing")
        return cls(actions, messages, outcomes, before)


def execute(plan: RenewalPlan, policy: Policy, stores: StoreBackend, now: datetime, profiles: dict[str, Profile],
            before: list[ProfileResult], notify=None, state_dir: Path | None = None) -> Outcome:
    """Run the plan's steps in order, profile by profile; then re-read the stores and
    remind the user of whatever still needs action."""
    from pycert import platform
    from pycert.expiry.scan import scan

    actions: list[dict] = []
    messages: list[str] = []
    state = state_dir or platform.user_state_dir()
    notify = notify or platform.notify_user
    outcomes = [_execute_profile(p, policy, stores, now, actions, messages, state, notify) for p in plan.profiles]
    outcome = Outcome(actions, messages, outcomes, before)
    if outcome.changed:
        outcome.after = scan(profiles, stores, now)
    still = [f for r in outcome.after for f in r.needs_action]
    if still:
        outcome.notices = reminders.remind(still, state_dir or platform.user_state_dir(), notify, policy)
    return outcome


def _execute_profile(p: ProfilePlan, policy, stores: StoreBackend, now, actions: list[dict], messages: list[str],
                     state_dir: Path, notify) -> str:
    verified, complete = True, True
    for renewal in p.renewals:
        if renewal.imports is None:
            actions.append(renewal.action("failed", renewal.error))
            messages.append(renewal.error)
            verified = False
            continue
        # Marked before, cleared only when every certificate is verified in its store: a run
        # stopped in between (killed, disk full) is finished by the next one.
        pending.mark(state_dir, renewal.staged.path, p.profile, renewal.staged.contents.leaf.thumbprint)
        try:
            report = pfx_import.execute(renewal.imports, stores, renewal.staged.password)
        except PyCertError as exc:
            actions.append(renewal.action("failed", exc.message))
            messages.append(exc.message)
            verified = False
            continue
        actions.append(renewal.action(report.outcome))
        actions += renewal.root_actions()
        messages.extend(report.messages)
        verified = verified and report.verified  # a chain certificate may have gone in; the old leaf stays
        complete = complete and report.outcome == "imported"
        if report.outcome == "imported":
            pending.clear(state_dir, renewal.staged.path)
            if renewal.put_away:  # verified: the PFX and its password leave the staging folder
                actions.append(backup.execute(renewal.put_away, notify))
    if not verified:
        return "import-failed"
    if p.removals is None or not p.removals.to_remove:
        return ("done" if complete else "import-incomplete") if p.renewals else "nothing"
    removals = confirmed(p.removals, cleanup.plan(policy, stores, now, p.profile, pfx_cas=p.pfx_cas))
    cleanup.apply(removals, stores)
    for removal in p.removals.to_remove:
        actions.append({
            "profile": p.profile, "action": "remove", "thumbprint": removal.step.certificate.thumbprint,
            "status": removal.status, "key": removal.key, "error": removal.detail or None,
        })
    messages.extend(removals.messages)
    if removals.messages:
        return "cleanup-failed"
    return "done" if complete else "import-incomplete"


def confirmed(printed: cleanup.CleanupReport, reread: cleanup.CleanupReport) -> cleanup.CleanupReport:
    """The printed removals that the cleanup rules still allow over the stores as they are
    now (after the import); the others are marked (kept or gone) and not executed."""
    now_allowed = {(r.step.certificate.store, r.step.certificate.thumbprint): r for r in reread.removals}
    go = []
    for removal in printed.to_remove:
        again = now_allowed.get((removal.step.certificate.store, removal.step.certificate.thumbprint))
        if again is None:
            removal.status, removal.detail = "gone", "no longer in the store when re-read before the removal"
        elif not again.step.remove:
            removal.status, removal.detail = "kept", f"not removed: {again.step.reason} when re-read before the removal"
        else:
            go.append(removal)
    return cleanup.CleanupReport(go, applied=False)


# -- the result ------------------------------------------------------------------------

def _result(plan: RenewalPlan, done: Outcome, now: datetime, dry_run: bool) -> CheckResult:
    if "import-failed" in done.outcomes:
        verdict, code = "failed", EXIT_RUNTIME  # the renewed certificate is not in; the old one was not touched
    elif "cleanup-failed" in done.outcomes or "import-incomplete" in done.outcomes:
        # renewed one in and verified; the old one or a chain certificate is not where it belongs
        verdict, code = "failed", EXIT_ACTION_NEEDED
    elif any(not r.compliant for r in done.after):
        verdict, code = "noncompliant", EXIT_ACTION_NEEDED
    elif done.changed:
        verdict, code = "remediated", EXIT_OK
    else:
        verdict, code = "compliant", EXIT_OK
    actions, notices = done.actions, done.notices
    details = {
        "dry_run": dry_run,
        "actions": actions,
        "staged": plan.staged,
        "notices": [vars(n) for n in notices],
        "imported": sum(1 for a in actions if a["action"] == "import" and a["status"] in ("imported", "incomplete")),
        "removed": sum(1 for a in actions if a["action"] == "remove" and a["status"] == "removed"),
        "planned": sum(1 for a in actions if a["status"] == "planned"),
        "notified": sum(1 for n in notices if n.channel not in ("already-shown", "failed", "suppressed")),
    }
    return CheckResult("expiry", verdict, code, now, done.after, done.messages, details, plan=plan.steps)
