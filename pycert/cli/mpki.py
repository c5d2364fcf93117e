"""`pycert detect mpki`, `remediate mpki`, `mpki status` and `mpki inspect-msi`."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from pycert.cli.context import LINE_FORMATS, Context, group_format, pass_ctx, result_file_option
from pycert.cli.failures import with_failure_line
from pycert.cli.root import cli, detect_group, remediate_group
from pycert.cli.runner import log_result, render_result

cache_dir_option = click.option("--cache-dir", metavar="DIR", help="Cache folder (default: [mpki] cache_dir, then %ProgramData%\\PyCert\\cache).")


@detect_group.command("mpki")
@click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True)
@click.option("--offline", is_flag=True, help="Do not ask the portal; use the cached answer for `latest`.")
@cache_dir_option
@result_file_option
@pass_ctx
@click.pass_context
def detect_mpki(click_ctx: click.Context, ctx: Context, fmt: str, offline: bool, cache_dir: str | None) -> None:
    """Is Cybertrust Managed PKI Client at the required version?"""
    from pycert.mpki import job as mpki

    fmt = group_format(click_ctx, fmt)

    def body() -> int:
        ctx.start_log("detect mpki")
        result = mpki.detect(ctx.policy, datetime.now(timezone.utc), cache_dir, offline)
        log_result("detect", result)
        return render_result(result, fmt)

    raise SystemExit(with_failure_line("mpki", fmt, body))


@remediate_group.command("mpki")
@click.option("--msi", "msi", metavar="FILE", help="Install this MSI instead of downloading one.")
@click.option("--url", metavar="URL", help="Download the MSI from this URL instead of [mpki] url.")
@click.option("--dry-run", is_flag=True, help="Verify the MSI and print the plan; change nothing.")
@click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True)
@cache_dir_option
@result_file_option
@pass_ctx
@click.pass_context
def remediate_mpki(click_ctx: click.Context, ctx: Context, msi: str | None, url: str | None, dry_run: bool,
                   fmt: str, cache_dir: str | None) -> None:
    """Verify the new MSI, then uninstall the old client and install the new one."""
    from pycert.mpki import job as mpki

    dry_run = dry_run or bool(click_ctx.parent and click_ctx.parent.params.get("dry_run"))
    fmt = group_format(click_ctx, fmt)

    def body() -> int:
        result = mpki.remediate(ctx.policy, datetime.now(timezone.utc), dry_run=dry_run, msi=msi, url=url,
                                cache_dir=cache_dir)
        from pycert.common import logs

        for run in result.details.get("runs", []):
            logs.event(f"msiexec-{run['action']}", run["result"], target=run["target"], exit=run["exit_codes"], log=run["log"])
        log_result("remediate", result)
        if fmt == "line":  # the dry run's `plan:` lines come from render_result, as for every check
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
    from pycert.mpki import view
    from pycert.mpki import job as mpki

    result = mpki.detect(ctx.policy, datetime.now(timezone.utc), cache_dir, offline)
    if fmt == "json":
        click.echo(output.dumps(output.result_json(result)))
    else:
        click.echo(view.render_mpki_status(result))
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
