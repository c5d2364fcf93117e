"""The `pycert` command: parse, call a job, render. No decisions live here.

Heavy modules (pydantic, cryptography, pythonnet) are imported inside the commands that
need them, so `pycert --version` costs no more than starting Python.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone

import click

from pycert import __version__
from pycert.common.errors import EXIT_RUNTIME, EXIT_USAGE, PyCertError, UsageError

LINE_FORMATS = click.Choice(["line", "json"])


class Context:
    def __init__(self, config: str | None, debug: bool, log_level: str = "info"):
        self.config_path = config
        self.debug = debug
        self.log_level = log_level
        self.log_path = None
        self.lock_timeout = 60.0
        self.result_file: str | None = None
        self._loaded = None

    def start_log(self, command: str):
        """Open the run log (once) for a command that detects or changes something."""
        if self.log_path is None:
            from pycert.common import logs

            self.log_path = logs.setup(command, self.log_level)
        return self.log_path

    @property
    def loaded(self):
        if self._loaded is None:
            from pycert.policy.load import load_policy

            self._loaded = load_policy(self.config_path)
        return self._loaded

    @property
    def policy(self):
        return self.loaded.policy

    @property
    def backend(self):
        from pycert.platform import store_backend

        return store_backend()


pass_ctx = click.make_pass_decorator(Context)


def parse_as_of(value: str | None) -> datetime:
    if not value:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--as-of '{value}' is not a date; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+09:00."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _remember_result_file(click_ctx: click.Context, _param, value: str | None) -> None:
    if value:
        click_ctx.find_object(Context).result_file = value


# On the detect/remediate groups and on each check's sub-command; the value lands on the
# shared Context, so run_checks and with_failure_line find it without new parameters.
result_file_option = click.option(
    "--result-file",
    metavar="PATH",
    expose_value=False,
    callback=_remember_result_file,
    help="Also write the full JSON result (with hostname, user, version, time) to PATH; "
    "if PATH is a folder, to <folder>/<hostname>.json. Written atomically.",
)


def save_result(data: dict) -> None:
    """Write the run's JSON to --result-file, if one was given (see pycert.resultfile)."""
    ctx = click.get_current_context(silent=True)
    holder = ctx.find_object(Context) if ctx else None
    if holder is not None and holder.result_file:
        from pycert.common import resultfile

        resultfile.write(holder.result_file, data)


as_of_option = click.option(
    "--as-of",
    metavar="DATE",
    help="Judge as if it were this date (ISO 8601; UTC unless an offset is given).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="pycert", message="%(prog)s %(version)s")
@click.option("--config", metavar="PATH", help="Policy file (default: PYCERT_CONFIG, then the standard location).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
    help="Detail of the run log (PYCERT_LOG_DIR, or %ProgramData%\\PyCert\\Logs / %LOCALAPPDATA%\\PyCert\\Logs).",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(0, 3600),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a changing command waits for another PyCert run to finish before exiting 3.",
)
@click.pass_context
def cli(ctx: click.Context, config: str | None, debug: bool, log_level: str, lock_timeout: float) -> None:
    """PyCert: certificate expiry, root CA and MPKI client checks for medical-institution terminals."""
    ctx.obj = Context(config, debug, log_level)
    ctx.obj.lock_timeout = lock_timeout


def hold_machine_lock(click_ctx: click.Context, ctx: Context, command: str) -> None:
    """For commands that change stores or software: take the machine-wide lock until the
    command ends (a second run waits, then exits 3) and open the run log."""
    from pycert.common import logs
    from pycert.platform.lock import machine_lock

    ctx.start_log(command)
    click_ctx.with_resource(machine_lock(ctx.lock_timeout))
    logs.event("lock", "acquired")


# -- list ------------------------------------------------------------------------

@cli.command("list")
@click.option("--profile", metavar="NAME", help="Only this profile's certificates.")
@click.option("--all", "show_all", is_flag=True, help="Every certificate in the scanned stores, matched or not.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@as_of_option
@pass_ctx
def list_command(ctx: Context, profile: str | None, show_all: bool, fmt: str, as_of: str | None) -> None:
    """Inventory of certificates, soonest expiry first."""
    from pycert.common import output
    from pycert.expiry import scan

    if profile and show_all:
        raise UsageError("--profile and --all cannot be used together; choose one.")
    now = parse_as_of(as_of)
    findings = scan.inventory(ctx.policy, ctx.backend, now, profile, include_unmatched=show_all)
    if fmt == "json":
        data = {
            "generated_at": output.iso(now),
            "pycert_version": __version__,
            "certificates": [output.certificate_json(f) for f in findings.findings],
            "stores": [
                {"store": str(s.store), "status": s.status, "error": s.error or None}
                for s in findings.stores
            ],
        }
        click.echo(output.dumps(data))
    elif fmt == "csv":
        click.echo(output.render_csv(findings.findings), nl=False)
    else:
        click.echo(output.render_table(findings.findings, colour=sys.stdout.isatty()))
        for s in findings.stores:
            if s.status == "error":
                click.echo(f"warning: {s.store} could not be read: {s.error}", err=True)


# -- detect ------------------------------------------------------------------------

def run_checks(ctx: Context, names: list[str], fmt: str, now: datetime, action: str = "detect", **options) -> int:
    """Run detect (or remediate) for each named check and print in the Intune contract's shape.

    Every job module exposes `detect(policy, backend, now, **options)` and, where it can
    act, `remediate(policy, backend, now, **options)`, both returning a CheckResult.
    """
    import importlib

    from pycert.common import output
    from pycert.checks import CHECKS

    ctx.start_log(f"{action} {' '.join(names)}")

    def one(name: str):
        job = getattr(importlib.import_module(CHECKS[name]), action)
        if len(names) == 1:
            return job(ctx.policy, ctx.backend, now, **options)
        try:
            return job(ctx.policy, ctx.backend, now, **options)
        except PyCertError as exc:
            # One check failing (say, the MPKI portal unreachable) must not hide the others.
            from pycert.common.model import CheckResult

            return CheckResult(name, "error", exc.exit_code, now, messages=[exc.message])

    results = [one(n) for n in names]
    for r in results:
        log_result(action, r)
    if len(results) == 1:
        return render_result(results[0], fmt)
    codes = [r.exit_code for r in results]
    exit_code = 1 if 1 in codes else max(codes)
    if action == "remediate":
        verdict = {0: "remediated", 1: "noncompliant"}.get(exit_code, "failed")
    else:
        verdict = {0: "compliant", 1: "noncompliant"}.get(exit_code, "error")
    data = output.combined_json(results, verdict, exit_code, now)
    save_result(data)
    echo_notices(results, fmt)
    if fmt == "json":
        click.echo(output.dumps(data))
    else:
        click.echo(output.combined_line(results, verdict))
    return exit_code


def echo_notices(results, fmt: str) -> None:
    """Reminders the platform left to us (no toast off Windows): one line each, before the
    summary line, which must stay last. JSON carries them in `notices` instead."""
    if fmt == "json":
        return
    for result in results:
        for notice in result.details.get("notices", []):
            if notice.get("channel") == "stdout":
                click.echo(f"{notice['title']}: {notice['body']}")


@cli.group("detect", invoke_without_command=True)
@click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True)
@as_of_option
@result_file_option
@pass_ctx
@click.pass_context
def detect_group(click_ctx: click.Context, ctx: Context, fmt: str, as_of: str | None) -> None:
    """Read-only checks. Exit 0 compliant, 1 needs action, 2 usage/config error, 3 runtime error.

    Without a sub-command, runs every check the policy's `checks` list enables.
    """
    if click_ctx.invoked_subcommand is None:
        click_ctx.exit(with_failure_line("all", fmt, lambda: run_checks(ctx, list(ctx.policy.checks), fmt, parse_as_of(as_of))))


def log_result(action: str, result) -> None:
    from pycert.common import logs
    from pycert.common import output

    logs.event(action, result.verdict, check=result.check, exit=result.exit_code, summary=output.summary_line(result))


def render_result(result, fmt: str) -> int:
    """One check's result: JSON, or the summary line last; failures as `error:` on stderr."""
    from pycert.common import output

    data = output.result_json(result)
    save_result(data)
    echo_notices([result], fmt)
    click.echo(output.dumps(data) if fmt == "json" else output.summary_line(result))
    for message in result.messages:
        click.echo(f"error: {message}", err=True)
    return result.exit_code


@detect_group.command("expiry")
@click.option("--profile", metavar="NAME", help="Only this profile (default: every enabled profile).")
@click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True)
@as_of_option
@result_file_option
@pass_ctx
@click.pass_context
def detect_expiry(click_ctx: click.Context, ctx: Context, profile: str | None, fmt: str, as_of: str | None) -> None:
    """Does a client certificate need renewal?"""
    click_ctx.exit(
        with_failure_line("expiry", fmt, lambda: run_checks(ctx, ["expiry"], fmt, parse_as_of(as_of), profile=profile))
    )


def detect_options(command):
    """The options every `detect <check>` takes: --format, --as-of, --result-file."""
    for decorate in reversed([
        click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True),
        as_of_option, result_file_option, pass_ctx, click.pass_context,
    ]):
        command = decorate(command)
    return command


@detect_group.command("rootca")
@detect_options
def detect_rootca(click_ctx: click.Context, ctx: Context, fmt: str, as_of: str | None) -> None:
    """Is every required pinned root in LocalMachine\\Root or CurrentUser\\Root?"""
    click_ctx.exit(with_failure_line("rootca", fmt, lambda: run_checks(ctx, ["rootca"], fmt, parse_as_of(as_of))))


def with_failure_line(check: str, fmt: str, run) -> int:
    """Run a detect/remediate body; on any error still end stdout with a FAILED line,
    because Intune shows only the last stdout line. The error itself is re-raised for
    `run()` to report on stderr with its exit code."""
    try:
        return run()
    except (PyCertError, OSError, KeyboardInterrupt) as exc:
        from pycert.common import lineformat

        code, message = describe_failure(exc)
        failure = {"check": check, "verdict": "failed", "exit_code": code, "error": message}
        try:
            save_result(failure)
        except PyCertError:
            pass  # the run's own error is the one to report
        if fmt == "line":
            line = lineformat.Line("FAILED", check, {"exit": code}, [lineformat.Item("error", {"message": message})])
            click.echo(lineformat.render(line))
        else:
            from pycert.common import output

            click.echo(output.dumps(failure))
        raise


# -- remediate ---------------------------------------------------------------------

@cli.group("remediate", invoke_without_command=True)
@click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True)
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@result_file_option
@pass_ctx
@click.pass_context
def remediate_group(click_ctx: click.Context, ctx: Context, fmt: str, dry_run: bool) -> None:
    """Change the machine so that a check passes. Idempotent; `--dry-run` shows the plan.

    Without a sub-command, remediates every check the policy's `checks` list enables.
    """
    hold_machine_lock(click_ctx, ctx, f"remediate {click_ctx.invoked_subcommand or 'all'}")
    if click_ctx.invoked_subcommand is None:
        now = datetime.now(timezone.utc)
        click_ctx.exit(
            with_failure_line(
                "all", fmt, lambda: run_checks(ctx, list(ctx.policy.checks), fmt, now, "remediate", dry_run=dry_run)
            )
        )


@remediate_group.command("rootca")
@click.option(
    "--scope",
    type=click.Choice(["auto", "machine", "user"]),
    help="auto/machine: LocalMachine\\Root (needs elevation); user: CurrentUser\\Root (Windows asks to confirm). "
    "Default: each pin's scope.",
)
@click.option("--source", metavar="bundled|FILE|URL", help="Where the certificate comes from (default: each pin's source).")
@click.option("--cafile", metavar="PATH", help="Verify the URL's TLS with this CA file (otherwise only the pin is checked).")
@click.option("--format", "fmt", type=LINE_FORMATS, default=None, help="line or json (default: line).")
@click.option("--dry-run", is_flag=True, help="Fetch and check the certificate; install nothing.")
@result_file_option
@pass_ctx
@click.pass_context
def remediate_rootca(click_ctx, ctx: Context, scope, source, cafile, fmt, dry_run) -> None:
    """Install the missing pinned roots; anything whose SHA-256 is not pinned is refused."""
    group = click_ctx.parent.params
    fmt = fmt or group.get("fmt") or "line"
    dry_run = dry_run or bool(group.get("dry_run"))
    now = datetime.now(timezone.utc)
    options = {"dry_run": dry_run, "scope": scope, "source": source, "cafile": cafile}
    click_ctx.exit(with_failure_line("rootca", fmt, lambda: run_checks(ctx, ["rootca"], fmt, now, "remediate", **options)))


# -- rootca ------------------------------------------------------------------------

@cli.group("rootca")
def rootca_group() -> None:
    """The pinned root certificates."""


@rootca_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@as_of_option
@pass_ctx
def rootca_list(ctx: Context, fmt: str, as_of: str | None) -> None:
    """Show each pin and the stores it is installed in."""
    from pycert.common import output
    from pycert.rootca import job as rootca

    result = rootca.detect(ctx.policy, ctx.backend, parse_as_of(as_of))
    if fmt == "json":
        click.echo(output.dumps(output.result_json(result)))
    else:
        click.echo(output.render_roots_table(result.details["roots"]))
        for warning in result.details["warnings"]:
            click.echo(f"warning: {warning}")
    for message in result.messages:
        click.echo(f"warning: {message}", err=True)

@remediate_group.command("expiry")
@click.option("--profile", metavar="NAME", help="Only this profile (default: every enabled profile).")
@click.option("--format", "fmt", type=LINE_FORMATS, default=None, help="line (default) or json.")
@click.option("--dry-run", "own_dry_run", is_flag=True, help="Print the plan; change nothing, notify nobody.")
@result_file_option
@pass_ctx
@click.pass_context
def remediate_expiry(click_ctx: click.Context, ctx: Context, profile: str | None, fmt: str | None, own_dry_run: bool) -> None:
    """Import a staged renewed PFX, verify, remove the old one; else remind the user (exit 1)."""
    group = click_ctx.parent.params
    fmt = fmt or group["fmt"]
    now = datetime.now(timezone.utc)
    options = {"dry_run": own_dry_run or group["dry_run"], "profile": profile}
    click_ctx.exit(with_failure_line("expiry", fmt, lambda: run_checks(ctx, ["expiry"], fmt, now, "remediate", **options)))


# -- pfx, import, cleanup --------------------------------------------------------------

def password_options(command):
    """--password-env / --password-stdin / --password-file; a prompt when stdin is a terminal.
    There is deliberately no --password: a command line is visible to other processes."""
    command = click.option("--password-file", metavar="FILE", help="Read the password from the first line of FILE.")(command)
    command = click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")(command)
    command = click.option("--password-env", metavar="VAR", help="Read the password from environment variable VAR.")(command)
    return command


def read_password_options(password_env, password_stdin, password_file):
    from pycert.common.secret import read_password

    return read_password(env=password_env, stdin=password_stdin, file=password_file)


@cli.group("pfx")
def pfx_group() -> None:
    """Look inside PFX/P12 files without installing anything."""


@pfx_group.command("inspect")
@click.argument("file", type=click.Path(path_type=str))
@password_options
@click.option("--profile", metavar="NAME", help="Judge the PFX against this profile only.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@as_of_option
@pass_ctx
def pfx_inspect(ctx: Context, file: str, password_env, password_stdin, password_file, profile, fmt: str, as_of) -> None:
    """Leaf, key match, chain and target stores, profile, encryption and warnings. Exit 2 if unusable."""
    from pathlib import Path

    from pycert.common import output
    from pycert.pfx import reader as pfx
    from pycert.pfx import view as pfxview

    password = read_password_options(password_env, password_stdin, password_file)
    profiles = ctx.policy.select(profile) if profile else ctx.policy.enabled_profiles()
    inspection = pfx.inspect(pfx.load(Path(file), password), profiles, parse_as_of(as_of), profile)
    click.echo(output.dumps(pfxview.inspection_json(inspection)) if fmt == "json" else pfxview.inspection_text(inspection))


@cli.command("import")
@click.argument("file", type=click.Path(path_type=str))
@password_options
@click.option("--profile", metavar="NAME", help="The profile the certificate must match.")
@click.option("--machine", is_flag=True, help="Import into LocalMachine stores (needs administrator rights).")
@click.option("--exportable", is_flag=True, help="Mark the private key exportable (the manuals say: do not).")
@click.option("--force", is_flag=True, help="Import even if no profile matches or the certificate has expired.")
@click.option("--dry-run", is_flag=True, help="Validate and print where each certificate would go; change nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_ctx
@click.pass_context
def import_command(click_ctx, ctx: Context, file: str, password_env, password_stdin, password_file, profile, machine, exportable, force, dry_run, fmt) -> None:
    """Import a PFX with the manuals' wizard options, then verify it is in the store."""
    from pathlib import Path

    from pycert.common import output
    from pycert.pfx import view as pfxview
    from pycert.pfx import importer as pfx_import

    password = read_password_options(password_env, password_stdin, password_file)
    if not dry_run:
        hold_machine_lock(click_ctx, ctx, "import")
    report = pfx_import.run(
        ctx.policy, ctx.backend, datetime.now(timezone.utc), Path(file), password,
        profile=profile, machine=machine, exportable=exportable, force=force, dry_run=dry_run,
    )
    click.echo(output.dumps(pfxview.import_json(report)) if fmt == "json" else pfxview.import_text(report))
    for message in report.messages:
        click.echo(f"error: {message}", err=True)
    click_ctx.exit(report.exit_code)


@cli.command("cleanup")
@click.option("--profile", metavar="NAME", help="Only this profile (default: every enabled profile).")
@click.option("--dry-run", is_flag=True, help="Print the plan only (the default without --yes/--apply).")
@click.option("--apply", "apply_", is_flag=True, help="Remove; asks first when run at a terminal.")
@click.option("--yes", is_flag=True, help="Remove without asking.")
@click.option("--keep-keys", is_flag=True, help="Windows: leave the removed certificates' key containers on disk.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@as_of_option
@pass_ctx
@click.pass_context
def cleanup_command(click_ctx, ctx: Context, profile, dry_run, apply_, yes, keep_keys, fmt, as_of) -> None:
    """Remove superseded certificates of a profile; never the newest valid one."""
    from pycert.common import output
    from pycert.pfx import view as pfxview
    from pycert.expiry import cleanup

    if dry_run and (apply_ or yes):
        raise UsageError("--dry-run cannot be combined with --apply or --yes; choose one.")
    if yes or apply_:
        hold_machine_lock(click_ctx, ctx, "cleanup")
    report = cleanup.plan(ctx.policy, ctx.backend, parse_as_of(as_of), profile)
    go = (yes or apply_) and not dry_run and report.to_remove
    if go and apply_ and not yes and sys.stdin.isatty():
        click.echo(pfxview.cleanup_text(report))
        go = click.confirm(f"Remove {len(report.to_remove)} certificate(s)?", default=False)
    if go:
        cleanup.apply(report, ctx.backend, keep_keys=keep_keys)
    click.echo(output.dumps(pfxview.cleanup_json(report)) if fmt == "json" else pfxview.cleanup_text(report))
    for message in report.messages:
        click.echo(f"error: {message}", err=True)
    click_ctx.exit(report.exit_code)


# -- report ------------------------------------------------------------------------

@cli.command("report")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--html", "html_path", metavar="FILE", help="Write a self-contained HTML page (works offline).")
@click.option("--csv", "csv_path", metavar="FILE", help="Write one row per device and certificate, fewest days left first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True, help="Language of the table and HTML.")
@as_of_option
def report_command(inputs: tuple[str, ...], html_path: str | None, csv_path: str | None, fmt: str, lang: str,
                   as_of: str | None) -> None:
    """Fleet view from Intune export CSVs, --result-file folders and JSON lines.

    Unreadable rows are counted and listed, never fatal; a device that reported several
    times counts once (the newest report wins).
    """
    from pycert import report

    click.echo(report.run(list(inputs), parse_as_of(as_of), fmt, lang, html_path, csv_path))

# -- mpki ------------------------------------------------------------------------

def group_format(click_ctx: click.Context, fmt: str) -> str:
    """`pycert detect --format json mpki` means the same as `pycert detect mpki --format json`."""
    from click.core import ParameterSource

    if click_ctx.get_parameter_source("fmt") is ParameterSource.DEFAULT and click_ctx.parent is not None:
        return click_ctx.parent.params.get("fmt") or fmt
    return fmt


cache_dir_option = click.option("--cache-dir", metavar="DIR", help="Cache folder (default: [mpki] cache_dir, then %ProgramData%\\PyCert\\cache).")


@detect_group.command("mpki")
@click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True)
@click.option("--offline", is_flag=True, help="Do not ask the portal; use the cached answer for `latest`.")
@cache_dir_option
@pass_ctx
@click.pass_context
def detect_mpki(click_ctx: click.Context, ctx: Context, fmt: str, offline: bool, cache_dir: str | None) -> None:
    """Is Cybertrust Managed PKI Client at the required version?"""
    from pycert.mpki import job as mpki

    fmt = group_format(click_ctx, fmt)

    def body() -> int:
        ctx.start_log("detect mpki")
        result = mpki.detect(ctx.policy, None, datetime.now(timezone.utc), cache_dir, offline)
        log_result("detect", result)
        return render_result(result, fmt)

    raise SystemExit(with_failure_line("mpki", fmt, body))


@remediate_group.command("mpki")
@click.option("--msi", "msi", metavar="FILE", help="Install this MSI instead of downloading one.")
@click.option("--url", metavar="URL", help="Download the MSI from this URL instead of [mpki] url.")
@click.option("--dry-run", is_flag=True, help="Verify the MSI and print the plan; change nothing.")
@click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True)
@cache_dir_option
@pass_ctx
@click.pass_context
def remediate_mpki(click_ctx: click.Context, ctx: Context, msi: str | None, url: str | None, dry_run: bool,
                   fmt: str, cache_dir: str | None) -> None:
    """Verify the new MSI, then uninstall the old client and install the new one."""
    from pycert.mpki import job as mpki

    dry_run = dry_run or bool(click_ctx.parent and click_ctx.parent.params.get("dry_run"))
    fmt = group_format(click_ctx, fmt)

    def body() -> int:
        result = mpki.remediate(ctx.policy, None, datetime.now(timezone.utc), dry_run=dry_run, msi=msi, url=url,
                                cache_dir=cache_dir)
        from pycert.common import logs

        for run in result.details.get("runs", []):
            logs.event(f"msiexec-{run['action']}", run["result"], target=run["target"], exit=run["exit_codes"], log=run["log"])
        log_result("remediate", result)
        if fmt == "line":
            for step in result.details.get("plan", []) if dry_run else []:
                click.echo(f"plan: {step['command']}")
            for run in result.details.get("runs", []):
                click.echo(f"ran: msiexec {'/x' if run['action'] == 'uninstall' else '/i'} {run['target']} "
                           f"-> exit {', '.join(map(str, run['exit_codes']))} ({run['result']}); log {run['log']}")
        return render_result(result, fmt)

    raise SystemExit(with_failure_line("mpki", fmt, body))


@cli.group("mpki")
def mpki_group() -> None:
    """Cybertrust Managed PKI Client: status and MSI inspection."""


@mpki_group.command("status")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--offline", is_flag=True, help="Do not ask the portal; use the cached answer for `latest`.")
@cache_dir_option
@pass_ctx
def mpki_status(ctx: Context, fmt: str, offline: bool, cache_dir: str | None) -> None:
    """Installed versions against the required one, and how old the cached answer is."""
    from pycert.common import output
    from pycert.mpki import job as mpki

    result = mpki.detect(ctx.policy, None, datetime.now(timezone.utc), cache_dir, offline)
    if fmt == "json":
        click.echo(output.dumps(output.result_json(result)))
    else:
        click.echo(output.render_mpki_status(result))
    raise SystemExit(result.exit_code)


@mpki_group.command("inspect-msi")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@pass_ctx
def mpki_inspect(ctx: Context, file: str) -> None:
    """Print an MSI's Property table facts, SHA-256, signature and policy problems as JSON (exit 1 if any)."""
    from pathlib import Path

    from pycert.common import output
    from pycert.mpki import job as mpki

    data, code = mpki.inspect_report(ctx.policy, Path(file))
    click.echo(output.dumps(data))
    raise SystemExit(code)


# -- config ------------------------------------------------------------------------

@cli.group("config")
def config_group() -> None:
    """Show or validate the policy file."""


@config_group.command("show")
@click.option("--format", "fmt", type=click.Choice(["toml", "json"]), default="toml", show_default=True)
@pass_ctx
def config_show(ctx: Context, fmt: str) -> None:
    """Print the effective policy (the file laid over the built-in defaults)."""
    from pycert.common import output
    from pycert.policy.load import policy_as_dict

    data = policy_as_dict(ctx.policy)
    if fmt == "json":
        click.echo(output.dumps({"source": ctx.loaded.source, "policy": data}))
    else:
        import tomli_w

        click.echo(f"# effective policy; source: {ctx.loaded.source}")
        click.echo(tomli_w.dumps(data, multiline_strings=False), nl=False)


@config_group.command("validate")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
def config_validate(file: str) -> None:
    """Check a policy file; print every problem with its line, one sentence each."""
    from pathlib import Path

    from pycert.policy.load import load_policy_file
    from pycert.common.errors import ConfigError

    try:
        loaded = load_policy_file(Path(file))
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise SystemExit(EXIT_USAGE) from None
    names = ", ".join(loaded.policy.profiles)
    click.echo(f"{file} is valid: profiles {names}; checks {', '.join(loaded.policy.checks)}.")


@config_group.command("set")
@click.argument("assignments", nargs=-1, metavar="KEY=VALUE...")
@pass_ctx
def config_set(ctx: Context, assignments: tuple[str, ...]) -> None:
    """Change keys of the policy file in place, keeping its comments; nothing is written
    unless the result is a valid policy. Example: profiles.obn.renewal_window_days=60"""
    from pathlib import Path

    from pycert.policy.load import default_policy_path
    from pycert.common import logs
    from pycert.policy.edit import set_values

    path = Path(ctx.config_path or os.environ.get("PYCERT_CONFIG") or default_policy_path())
    ctx.start_log("config set")  # the MSI runs this as SYSTEM: the log says who changed the policy
    for line in set_values(path, list(assignments)):
        logs.event("config set", "changed", file=path.resolve(), value=line)
        click.echo(f"{path}: {line}")


# -- doctor ------------------------------------------------------------------------

@cli.command("doctor")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_ctx
@click.pass_context
def doctor_command(click_ctx: click.Context, ctx: Context, fmt: str) -> None:
    """Check this terminal: Windows build, .NET, bitness, account, policy, proxy, OBN reachability, root CA.

    One line per check (ok/warn/fail) with what to do. Exit 0 when nothing failed, 1 otherwise.
    """
    from pycert.common import output
    from pycert.doctor import job as doctor

    report = doctor.run(ctx.config_path, lambda: ctx.backend, datetime.now(timezone.utc))
    click.echo(output.dumps(output.doctor_json(report)) if fmt == "json" else output.doctor_text(report))
    click_ctx.exit(report.exit_code)


# -- demo ------------------------------------------------------------------------

@cli.command("demo")
@click.option("--keep", is_flag=True, help="Keep the sandbox folder afterwards and print its path.")
def demo_command(keep: bool) -> None:
    """Build a throw-away sandbox store with sample certificates and run list and detect on it."""
    import shutil

    from pycert.demo import sandbox as demo
    from pycert.common import output
    from pycert.policy.load import load_policy
    from pycert.expiry import job, scan
    from pycert.platform import store_backend

    root = demo.prepare_sandbox()
    try:
        from pycert.demo.samples import utc_now

        now = utc_now()  # whole seconds, as certificates store them
        backend = store_backend()
        labels = demo.seed(root, backend, now)
        policy = load_policy(str(root / "pycert" / "pycert.toml")).policy
        click.echo(f"Sandbox store: {root}/.mono/certs (your real stores are not touched)")
        click.echo("Seeded CurrentUser\\My with:")
        for label in labels:
            click.echo(f"  - {label}")
        click.echo("\n$ pycert list --all")
        inventory = scan.inventory(policy, backend, now, None, include_unmatched=True)
        click.echo(output.render_table(inventory.findings, colour=sys.stdout.isatty()))
        result = job.detect(policy, backend, now)
        click.echo("\n$ pycert detect expiry")
        click.echo(output.summary_line(result))
        click.echo(f"(exit code {result.exit_code}: {'needs action' if result.exit_code == 1 else result.verdict})")
    finally:
        if keep:
            click.echo(f"\nSandbox kept at {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


# -- entry point ---------------------------------------------------------------------

def describe_failure(exc: BaseException) -> tuple[int, str]:
    """Exit code and one sentence for an error that stopped a run."""
    if isinstance(exc, PyCertError):
        return exc.exit_code, exc.message
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_RUNTIME, "The run was interrupted part-way; run PyCert again to finish (every step is safe to repeat)."
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        where = f" ({exc.filename})" if exc.filename else ""
        return EXIT_RUNTIME, f"A file or store operation failed: {reason}{where}; free disk space or fix the access rights, then run PyCert again."
    return EXIT_RUNTIME, f"unexpected {type(exc).__name__}: {exc}; rerun with --debug and report it."


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, then leave with os._exit: pythonnet's runtime shutdown costs up to a second."""
    code = run(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run(argv: list[str] | None = None) -> int:
    import warnings

    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    with warnings.catch_warnings():
        if not debug:
            # A library warning on stderr would make Intune mark a good run as failed.
            warnings.simplefilter("ignore")
        return _run(argv, debug)


def _run(argv: list[str] | None, debug: bool) -> int:
    try:
        result = cli.main(args=argv, prog_name="pycert", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        # click turns Ctrl+C (or a kill that Python sees as one) into Abort.
        click.echo(f"error: {describe_failure(KeyboardInterrupt())[1]}", err=True)
        return EXIT_RUNTIME
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except PyCertError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(f"error: {exc.message}", err=True)
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_RUNTIME
    except (KeyboardInterrupt, OSError) as exc:
        code, message = describe_failure(exc)
        click.echo(f"error: {message}", err=True)
        return code
    except Exception as exc:  # last resort: one sentence, no traceback unless --debug
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(f"error: unexpected {type(exc).__name__}: {exc}; rerun with --debug and report it.", err=True)
        return EXIT_RUNTIME
