"""`pycert list`, `detect expiry` and `remediate expiry`."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import click

from pycert import __version__
from pycert.cli.context import LINE_FORMATS, Context, as_of_option, parse_as_of, pass_ctx, result_file_option
from pycert.cli.failures import with_failure_line
from pycert.cli.root import cli, detect_group, remediate_group
from pycert.cli.runner import run_checks
from pycert.common.errors import UsageError
from pycert.common.i18n import N_, sentence


@cli.command("list")
@click.option("--profile", metavar="NAME", help="Only this profile's certificates.")
@click.option("--all", "show_all", is_flag=True, help="Every certificate in the scanned stores, matched or not.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@as_of_option
@pass_ctx
def list_command(ctx: Context, profile: str | None, show_all: bool, fmt: str, as_of: str | None) -> None:
    """Inventory of certificates, soonest expiry first."""
    from pycert.common import output
    from pycert.expiry import view
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
            "stores": [output.store_json(s) for s in findings.stores],
        }
        click.echo(output.dumps(data))
    elif fmt == "csv":
        click.echo(view.render_csv(findings.findings), nl=False)
    else:
        click.echo(view.render_table(findings.findings, colour=sys.stdout.isatty()))
        for s in findings.stores:
            if s.status == "error":
                click.echo(f"warning: {sentence(N_(f'{s.store} could not be read: {s.error}'))}", err=True)
            for bad in s.unreadable:
                click.echo("warning: " + sentence(N_(
                    f"{s.store}: the certificate {bad.thumbprint or '(no thumbprint)'} cannot be read "
                    f"({bad.reason}); it was skipped.")), err=True)


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
