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
from pycert.errors import EXIT_RUNTIME, EXIT_USAGE, PyCertError, UsageError

LINE_FORMATS = click.Choice(["line", "json"])


class Context:
    def __init__(self, config: str | None, debug: bool, log_level: str = "info"):
        self.config_path = config
        self.debug = debug
        self.log_level = log_level
        self.log_path = None
        self.lock_timeout = 60.0
        self._loaded = None

    def start_log(self, command: str):
        """Open the run log (once) for a command that detects or changes something."""
        if self.log_path is None:
            from pycert import logs

            self.log_path = logs.setup(command, self.log_level)
        return self.log_path

    @property
    def loaded(self):
        if self._loaded is None:
            from pycert.config import load_policy

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
    from pycert import logs
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
    from pycert import output
    from pycert.jobs import expiry

    if profile and show_all:
        raise UsageError("--profile and --all cannot be used together; choose one.")
    now = parse_as_of(as_of)
    findings = expiry.inventory(ctx.policy, ctx.backend, now, profile, include_unmatched=show_all)
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

    from pycert import output
    from pycert.jobs import CHECKS

    from pycert import logs

    ctx.start_log(f"{action} {' '.join(names)}")
    results = [
        getattr(importlib.import_module(CHECKS[n]), action)(ctx.policy, ctx.backend, now, **options) for n in names
    ]
    for r in results:
        logs.event(action, r.verdict, check=r.check, exit=r.exit_code, summary=output.summary_line(r))
    if len(results) == 1:
        result = results[0]
        click.echo(output.dumps(output.result_json(result)) if fmt == "json" else output.summary_line(result))
        for message in result.messages:
            click.echo(f"error: {message}", err=True)
        return result.exit_code
    codes = [r.exit_code for r in results]
    exit_code = 1 if 1 in codes else max(codes)
    if action == "remediate":
        verdict = {0: "remediated", 1: "noncompliant"}.get(exit_code, "failed")
    else:
        verdict = {0: "compliant", 1: "noncompliant"}.get(exit_code, "error")
    if fmt == "json":
        click.echo(output.dumps(output.combined_json(results, verdict, exit_code, now)))
    else:
        click.echo(output.combined_line(results, verdict))
    return exit_code


@cli.group("detect", invoke_without_command=True)
@click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True)
@as_of_option
@pass_ctx
@click.pass_context
def detect_group(click_ctx: click.Context, ctx: Context, fmt: str, as_of: str | None) -> None:
    """Read-only checks. Exit 0 compliant, 1 needs action, 2 usage/config error, 3 runtime error.

    Without a sub-command, runs every check the policy's `checks` list enables.
    """
    if click_ctx.invoked_subcommand is None:
        click_ctx.exit(with_failure_line("all", fmt, lambda: run_checks(ctx, list(ctx.policy.checks), fmt, parse_as_of(as_of))))


@detect_group.command("expiry")
@click.option("--profile", metavar="NAME", help="Only this profile (default: every enabled profile).")
@click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True)
@as_of_option
@pass_ctx
@click.pass_context
def detect_expiry(click_ctx: click.Context, ctx: Context, profile: str | None, fmt: str, as_of: str | None) -> None:
    """Does a client certificate need renewal?"""
    click_ctx.exit(
        with_failure_line("expiry", fmt, lambda: run_checks(ctx, ["expiry"], fmt, parse_as_of(as_of), profile=profile))
    )


def with_failure_line(check: str, fmt: str, run) -> int:
    """Run a detect/remediate body; on a PyCert error still end stdout with a FAILED line,
    because Intune shows only the last stdout line."""
    try:
        return run()
    except PyCertError as exc:
        from pycert import lineformat

        if fmt == "line":
            line = lineformat.Line("FAILED", check, {"exit": exc.exit_code}, [lineformat.Item("error", {"message": exc.message})])
            click.echo(lineformat.render(line))
        else:
            from pycert import output

            click.echo(output.dumps({"check": check, "verdict": "failed", "exit_code": exc.exit_code, "error": exc.message}))
        raise


# -- remediate ---------------------------------------------------------------------

@cli.group("remediate", invoke_without_command=True)
@click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True)
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
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


# -- config ------------------------------------------------------------------------

@cli.group("config")
def config_group() -> None:
    """Show or validate the policy file."""


@config_group.command("show")
@click.option("--format", "fmt", type=click.Choice(["toml", "json"]), default="toml", show_default=True)
@pass_ctx
def config_show(ctx: Context, fmt: str) -> None:
    """Print the effective policy (the file laid over the built-in defaults)."""
    from pycert import output
    from pycert.config import policy_as_dict

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

    from pycert.config import load_policy_file
    from pycert.errors import ConfigError

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

    from pycert.config import default_policy_path
    from pycert.policyedit import set_values

    from pycert import logs

    path = Path(ctx.config_path or os.environ.get("PYCERT_CONFIG") or default_policy_path())
    ctx.start_log("config set")  # the MSI runs this as SYSTEM: the log says who changed the policy
    for line in set_values(path, list(assignments)):
        logs.event("config set", "changed", file=path.resolve(), value=line)
        click.echo(f"{path}: {line}")


# -- demo ------------------------------------------------------------------------

@cli.command("demo")
@click.option("--keep", is_flag=True, help="Keep the sandbox folder afterwards and print its path.")
def demo_command(keep: bool) -> None:
    """Build a throw-away sandbox store with sample certificates and run list and detect on it."""
    import shutil

    from pycert import demo, output
    from pycert.config import load_policy
    from pycert.jobs import expiry
    from pycert.platform import store_backend

    root = demo.prepare_sandbox()
    try:
        from pycert.samples import utc_now

        now = utc_now()  # whole seconds, as certificates store them
        backend = store_backend()
        labels = demo.seed(root, backend, now)
        policy = load_policy(str(root / "pycert" / "pycert.toml")).policy
        click.echo(f"Sandbox store: {root}/.mono/certs (your real stores are not touched)")
        click.echo("Seeded CurrentUser\\My with:")
        for label in labels:
            click.echo(f"  - {label}")
        click.echo("\n$ pycert list --all")
        inventory = expiry.inventory(policy, backend, now, None, include_unmatched=True)
        click.echo(output.render_table(inventory.findings, colour=sys.stdout.isatty()))
        result = expiry.detect(policy, backend, now)
        click.echo("\n$ pycert detect expiry")
        click.echo(output.summary_line(result))
        click.echo(f"(exit code {result.exit_code}: {'needs action' if result.exit_code == 1 else result.verdict})")
    finally:
        if keep:
            click.echo(f"\nSandbox kept at {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


# -- entry point ---------------------------------------------------------------------

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
        click.echo("Aborted.", err=True)
        return EXIT_USAGE
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
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return EXIT_RUNTIME
    except Exception as exc:  # last resort: one sentence, no traceback unless --debug
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(f"error: unexpected {type(exc).__name__}: {exc}; rerun with --debug and report it.", err=True)
        return EXIT_RUNTIME
