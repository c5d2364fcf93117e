"""`pycert pfx inspect`, `import` and `cleanup`."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import click

from pycert.cli.context import (
    Context, as_of_option, hold_machine_lock, parse_as_of, pass_ctx, password_options, read_password_options,
)
from pycert.cli.root import cli
from pycert.common.errors import UsageError
from pycert.common.i18n import N_, _, sentence


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
    from pycert.pfx.rules import password_hint

    password = read_password_options(password_env, password_stdin, password_file)
    profiles = ctx.policy.select(profile) if profile else ctx.policy.enabled_profiles()
    hint = password_hint(p.password_origin for p in profiles.values())
    inspection = pfx.inspect(pfx.load(Path(file), password, hint), profiles, parse_as_of(as_of), profile)
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
        click.echo(f"error: {sentence(message)}", err=True)
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
    from pycert.expiry import cleanup, view

    if dry_run and (apply_ or yes):
        raise UsageError("--dry-run cannot be combined with --apply or --yes; choose one.")
    if yes or apply_:
        hold_machine_lock(click_ctx, ctx, "cleanup")
    report = cleanup.plan(ctx.policy, ctx.backend, parse_as_of(as_of), profile)
    go = (yes or apply_) and not dry_run and report.to_remove
    footer = None
    if go and apply_ and not yes and sys.stdin.isatty():
        click.echo(view.cleanup_text(report, footer=""))
        go = click.confirm(sentence(N_(f"Remove {len(report.to_remove)} certificate(s)?")), default=False)
        if not go:
            footer = _("Nothing was removed (not confirmed).")
    if go:
        cleanup.apply(report, ctx.backend, keep_keys=keep_keys)
    if fmt == "json":
        click.echo(output.dumps(view.cleanup_json(report)))
    elif footer is None or not report.removals:
        click.echo(view.cleanup_text(report))
    else:
        click.echo(footer)  # the rows are on the screen above the question
    for message in report.messages:
        click.echo(f"error: {sentence(message)}", err=True)
    click_ctx.exit(report.exit_code)
