"""The root `pycert` group and the `detect` and `remediate` groups each check plugs into."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from pycert import __version__
from pycert.cli.context import LINE_FORMATS, Context, as_of_option, parse_as_of, pass_ctx, result_file_option
from pycert.cli.failures import with_failure_line
from pycert.cli.runner import run_checks


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
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    help="Language of tables, doctor and error sentences (default: the Windows display language, "
    "elsewhere LANG). The summary line, JSON and CSV are always English.",
)
@click.pass_context
def cli(ctx: click.Context, config: str | None, debug: bool, log_level: str, lock_timeout: float, lang: str | None) -> None:
    """PyCert: certificate expiry, root CA and MPKI client checks for medical-institution terminals."""
    if lang:
        from pycert.common import i18n

        i18n.set_language(lang)
    ctx.obj = Context(config, debug, log_level)
    ctx.obj.lock_timeout = lock_timeout


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
    # Taken by with_failure_line, so that a busy lock still ends stdout with the FAILED line.
    ctx.pending_lock = f"remediate {click_ctx.invoked_subcommand or 'all'}"
    if click_ctx.invoked_subcommand is None:
        now = datetime.now(timezone.utc)
        click_ctx.exit(
            with_failure_line(
                "all", fmt, lambda: run_checks(ctx, list(ctx.policy.checks), fmt, now, "remediate", dry_run=dry_run)
            )
        )
