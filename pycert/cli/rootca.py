"""`pycert detect rootca`, `remediate rootca` and `rootca list`."""

from __future__ import annotations

import click

from pycert.cli.context import LINE_FORMATS, Context, as_of_option, detect_options, parse_as_of, pass_ctx, result_file_option
from pycert.cli.failures import with_failure_line
from pycert.cli.root import cli, detect_group, remediate_group
from pycert.cli.runner import run_checks
from pycert.common.i18n import sentence


@detect_group.command("rootca")
@detect_options
def detect_rootca(click_ctx: click.Context, ctx: Context, fmt: str, as_of: str | None) -> None:
    """Is every required pinned root in LocalMachine\\Root or CurrentUser\\Root?"""
    click_ctx.exit(with_failure_line("rootca", fmt, lambda: run_checks(ctx, ["rootca"], fmt, parse_as_of(as_of))))


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
@as_of_option
@result_file_option
@pass_ctx
@click.pass_context
def remediate_rootca(click_ctx, ctx: Context, scope, source, cafile, fmt, dry_run, as_of) -> None:
    """Install the missing pinned roots; anything whose SHA-256 is not pinned is refused."""
    group = click_ctx.parent.params
    fmt = fmt or group.get("fmt") or "line"
    dry_run = dry_run or bool(group.get("dry_run"))
    # --as-of: the roots are judged (installed, expiring, expired) as on that date, as by
    # `detect rootca --as-of`; what is installed is decided by the pin alone
    now = parse_as_of(as_of)
    options = {"dry_run": dry_run, "scope": scope, "source": source, "cafile": cafile}
    click_ctx.exit(with_failure_line("rootca", fmt, lambda: run_checks(ctx, ["rootca"], fmt, now, "remediate", **options)))


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
    from pycert.rootca import view
    from pycert.rootca import job as rootca

    result = rootca.detect(ctx.policy, ctx.backend, parse_as_of(as_of))
    if fmt == "json":
        click.echo(output.dumps(output.result_json(result)))
    else:
        click.echo(view.render_roots_table(result.details["roots"]))
        for warning in result.details["warnings"]:
            click.echo(f"warning: {sentence(warning)}")
    for message in result.messages:
        click.echo(f"warning: {sentence(message)}", err=True)
