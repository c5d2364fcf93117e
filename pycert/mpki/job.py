"""MPKI client upgrade: is "Cybertrust Managed PKI Client" at the required version, and if
not, fetch and verify the new MSI *before* removing the old product."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pycert.common.errors import EXIT_ACTION_NEEDED, EXIT_OK, UsageError
from pycert.common.model import CheckResult
from pycert.mpki import msifile
from pycert.mpki import rules as mpkirules
from pycert.mpki import source as mpkisource
from pycert.mpki.rules import Assessment, MsiFacts, Pins, Step

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy

CHECK = "mpki"
# Written just before the first msiexec of an upgrade and removed once the new client is
# confirmed: if the run dies between uninstall and install, the next run sees it and
# installs the client even where the policy does not otherwise require one.
PENDING_NAME = "upgrade-pending.json"


def upgrade_pending(folder: Path) -> dict | None:
    from pycert.common.files import read_state_object

    return read_state_object(folder / PENDING_NAME)


def _mark_pending(folder: Path, products, msi: Path, now: datetime) -> None:
    import json

    from pycert.common.output import iso
    from pycert.common.resultfile import atomic_write

    record = {"started": iso(now), "msi": str(msi), "removing": [p.product_code for p in products]}
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / PENDING_NAME, lambda handle: json.dump(record, handle))


def _clear_pending(folder: Path) -> None:
    (folder / PENDING_NAME).unlink(missing_ok=True)


def _settled(folder: Path, products) -> None:
    """A compliant terminal with a client: an interrupted upgrade is over."""
    if products:
        _clear_pending(folder)


def _must_have_client(mp, folder: Path) -> bool:
    return mp.install_if_missing or upgrade_pending(folder) is not None


def installed_products(mp) -> list[mpkirules.Installed]:
    from pycert.platform.windows import registry

    return registry.find_installed(mp.display_name)


def resolve_required(policy: Policy, now: datetime, cache_dir: str | None, offline: bool = False):
    """(required version, Latest or None). Pinned versions need no network."""
    mp = policy.mpki
    if mp.required_version != "latest":
        return mpkirules.parse_version(mp.required_version), None
    answer = mpkisource.latest(mp, mpkisource.mpki_cache(mp, cache_dir), now, network=policy.network, cache_only=offline)
    return _served_version(mp, answer), answer


def _served_version(mp, answer) -> mpkirules.MsiVersion:
    try:
        return mpkirules.parse_version(answer.state.product_version)
    except mpkirules.VersionError as exc:
        from pycert.common.errors import PlatformError

        raise PlatformError(f"The MSI served by {mp.url} has an unreadable ProductVersion ({exc}).") from None


def detect(policy: Policy, now: datetime, cache_dir: str | None = None, offline: bool = False) -> CheckResult:
    """Needs no certificate store: the checks registry hands this job none."""
    mp = policy.mpki
    products = installed_products(mp)
    required, latest = resolve_required(policy, now, cache_dir, offline)
    folder = mpkisource.mpki_cache(mp, cache_dir)
    assessment = mpkirules.assess(products, required, _must_have_client(mp, folder))
    verdict, code = ("compliant", EXIT_OK) if assessment.compliant else ("noncompliant", EXIT_ACTION_NEEDED)
    details = _details(mp, assessment, latest)
    pending = upgrade_pending(folder)
    if pending:
        details["interrupted_upgrade"] = pending
    return CheckResult(CHECK, verdict, code, now, details=details)


def _details(mp, assessment: Assessment, latest) -> dict:
    data = {
        "display_name": mp.display_name,
        "required_version": str(assessment.required),
        "required_source": "latest" if latest else "policy",
        "missing": assessment.missing,
        "installed": [
            {
                "display_name": s.product.display_name,
                "version": s.product.display_version,
                "product_code": s.product.product_code,
                "publisher": s.product.publisher,
                "install_location": s.product.install_location,
                "uninstall_string": s.product.uninstall_string,
                "registry": list(s.product.sources),
                "state": s.state,
                "reason": s.reason or None,
            }
            for s in assessment.products
        ],
    }
    if latest is not None:
        data["latest"] = {
            "url": latest.state.url,
            "version": latest.state.product_version,
            "source": latest.source,
            "age_seconds": latest.age_seconds,
            "checked_at": latest.state.checked_at,
            "downloaded_at": latest.state.downloaded_at,
            "etag": latest.state.etag or None,
            "sha256": latest.state.sha256,
            "cached_msi": str(latest.msi),
            "offline_reason": latest.offline_reason or None,
        }
    return data


# -- verification -------------------------------------------------------------------

def inspect(path: Path) -> MsiFacts:
    """Read the MSI's Property table, hash it, and check its Authenticode signature."""
    from pycert.platform import authenticode

    digest = msifile.sha256(path)  # first: a later re-hash proves every check saw these bytes
    try:
        props = msifile.read_properties(path)
    except msifile.NotAnMsi as exc:
        return MsiFacts("", "", "", "", "", digest, False, "not checked", read_error=f"it {exc.reason}")
    signature = authenticode.verify(path)
    return MsiFacts(
        product_name=props.get("ProductName", ""),
        product_version=props.get("ProductVersion", ""),
        product_code=props.get("ProductCode", ""),
        upgrade_code=props.get("UpgradeCode", ""),
        manufacturer=props.get("Manufacturer", ""),
        sha256=digest,
        signature_valid=signature.valid,
        signature_reason=signature.reason,
        signer_subject=signature.signer_subject,
        signer_thumbprint=signature.signer_thumbprint,
    )


def pins(mp, required: mpkirules.MsiVersion) -> Pins:
    return Pins(mp.display_name, required, mp.signer_subject, mp.signer_thumbprint, mp.sha256)


def inspect_report(policy: Policy, path: Path) -> tuple[dict, int]:
    """`pycert mpki inspect-msi`: metadata, signature and every policy problem (exit 1 if any)."""
    mp = policy.mpki
    if not Path(path).is_file():
        raise UsageError(f"{path} is not a file; give the path of an .msi.")
    facts = inspect(Path(path))
    pinned = mp.required_version != "latest"
    required = mpkirules.parse_version(mp.required_version if pinned else "0.0.0")
    problems = mpkirules.msi_problems(facts, pins(mp, required))
    data = {"file": str(path), **asdict(facts), "required_version": str(required) if pinned else None,
            "problems": problems, "ok": not problems}
    return data, EXIT_ACTION_NEEDED if problems else EXIT_OK


# -- remediation --------------------------------------------------------------------

def remediate(policy: Policy, now: datetime, dry_run: bool = False, msi: str | None = None,
              url: str | None = None, cache_dir: str | None = None) -> CheckResult:
    mp = policy.mpki
    if msi and url:
        raise UsageError("--msi and --url cannot be used together; choose one.")
    folder = mpkisource.mpki_cache(mp, cache_dir)
    products = installed_products(mp)

    # 1. Obtain the MSI. With an explicit file or URL and required_version = "latest", the
    #    given MSI *is* the latest: no portal request.
    latest = None
    pinned = mp.required_version != "latest"
    if msi:
        path = mpkisource.local_msi(msi, folder)
    elif url:
        path = mpkisource.download_url(mp, url, folder, network=policy.network)
    else:
        if pinned:
            assessment = mpkirules.assess(products, mpkirules.parse_version(mp.required_version), _must_have_client(mp, folder))
            if assessment.compliant:
                _settled(folder, products)
                return CheckResult(CHECK, "compliant", EXIT_OK, now, details=_details(mp, assessment, None), plan=[])
        # The portal's MSI, through the conditional-request cache (pinned or latest alike).
        latest = mpkisource.latest(mp, folder, now, network=policy.network)
        path = latest.msi

    # From here until msiexec is done, nobody can replace the file we verify and install.
    from pycert.platform.windows import msiexec

    with msiexec.HeldFile(str(path)):
        return _verify_and_upgrade(mp, products, path, latest, pinned, now, dry_run, folder)


def _verify_and_upgrade(mp, products, path: Path, latest, pinned: bool, now: datetime, dry_run: bool,
                        folder: Path) -> CheckResult:
    facts = inspect(path)
    if pinned:
        required = mpkirules.parse_version(mp.required_version)
    elif latest is not None:
        required = _served_version(mp, latest)
    else:
        try:
            required = mpkirules.parse_version(facts.product_version)
        except mpkirules.VersionError:
            required = mpkirules.parse_version("0.0.0")  # msi_problems reports the bad version

    assessment = mpkirules.assess(products, required, _must_have_client(mp, folder))
    details = _details(mp, assessment, latest)
    details["msi"] = {"path": str(path), **asdict(facts)}
    if assessment.compliant:
        _settled(folder, products)
        return CheckResult(CHECK, "compliant", EXIT_OK, now, details=details, plan=[])

    # 2. Verify before anything is removed.
    problems = mpkirules.msi_problems(facts, pins(mp, required))
    details["msi"]["problems"] = problems
    if problems:
        return _failed(now, details, [f"Nothing was changed: {path} was rejected because " + "; ".join(problems) + "."])
    if assessment.blocked:
        names = ", ".join(f"{b.product.display_version} ({b.reason})" for b in assessment.blocked)
        return _failed(now, details, [f"Nothing was changed: {names} cannot be removed with msiexec; uninstall it in Settings > Apps, then rerun."])

    # 3. The plan, in the order that cannot strand the terminal.
    from pycert.common.logs import default_log_dir

    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    logs = default_log_dir()

    def log_name(kind: str, target: str) -> str:
        suffix = f"-{target.strip('{}')}" if target else ""
        return str(logs / f"mpki-{stamp}-{kind}{suffix}.log")

    plan = mpkirules.upgrade_plan(assessment, str(path), log_name)
    details["dry_run"] = dry_run
    if dry_run:  # the one point where a dry run differs: the plan is shown, not executed
        return CheckResult(CHECK, "noncompliant", EXIT_ACTION_NEEDED, now, details=details, plan=plan)

    logs.mkdir(parents=True, exist_ok=True)
    from pycert.platform.windows import msiexec

    if msifile.sha256(path) != facts.sha256:
        return _failed(now, details, [f"Nothing was changed: {path} changed after it was verified; rerun."], plan)
    _mark_pending(folder, products, path, now)
    done = msiexec.execute(plan, mutex_wait_seconds=mp.mutex_wait_seconds, busy_retries=mp.busy_retries,
                           tray_processes=mp.tray_processes)
    details["runs"] = [{"action": r.action, "target": r.target, "log": r.log, "exit_codes": r.codes, "result": r.meaning}
                       for r in done.runs]
    details["closed_processes"] = done.closed
    details["reboot_required"] = done.reboot
    log_paths = [r.log for r in done.runs]

    # 4. Re-read the registry, as Settings > Apps would show it: the summary reports the
    #    terminal as it is now, the earlier reading stays under "before".
    after = mpkirules.assess(installed_products(mp), required, install_if_missing=True)
    details["before"] = details["installed"]
    details["installed"] = _details(mp, after, None)["installed"]
    if done.stopped:
        if not after.products and done.removed_any:
            details["terminal_without_client"] = True
            return _failed(now, details, [
                f"THE MPKI CLIENT IS NOW UNINSTALLED AND THE NEW ONE IS NOT INSTALLED: {done.stopped} (retried once). "
                f"Install {path} by hand now (the MSI is kept); logs: " + ", ".join(log_paths) + "."
            ], plan)
        return _failed(now, details, [f"Not upgraded: {done.stopped}; logs: {', '.join(log_paths) or 'none'}."], plan)
    if not after.compliant:
        return _failed(now, details, [
            f"msiexec reported success but the registry does not show {mp.display_name} {required} or newer; "
            f"logs: {', '.join(log_paths)}."
        ], plan)
    _clear_pending(folder)
    return CheckResult(CHECK, "remediated", EXIT_OK, now, details=details, plan=plan)


def _failed(now: datetime, details: dict, messages: list[str], plan: list[Step] | None = None) -> CheckResult:
    """A remediation that stopped; `plan`: the steps it set out to execute (none before verification)."""
    return CheckResult(CHECK, "failed", EXIT_ACTION_NEEDED, now, messages=messages, details=details, plan=plan or [])
