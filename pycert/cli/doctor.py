"""`pycert doctor` and `pycert demo`."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import click

from pycert.cli.context import Context, pass_ctx
from pycert.cli.root import cli


@cli.command("doctor")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_ctx
@click.pass_context
def doctor_command(click_ctx: click.Context, ctx: Context, fmt: str) -> None:
    """Check this terminal: Windows build, .NET, bitness, account, policy, proxy, OBN reachability, root CA.

    One line per check (ok/warn/fail) with what to do. Exit 0 when nothing failed, 1 otherwise.
    """
    from pycert.common import output
    from pycert.doctor import job as doctor, view

    report = doctor.run(ctx.config_path, lambda: ctx.backend, datetime.now(timezone.utc))
    click.echo(output.dumps(view.doctor_json(report)) if fmt == "json" else view.doctor_text(report))
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
    from pycert.expiry import job, scan, view
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
        click.echo(view.render_table(inventory.findings, colour=sys.stdout.isatty()))
        result = job.detect(policy, backend, now)
        click.echo("\n$ pycert detect expiry")
        click.echo(output.summary_line(result))
        click.echo(f"(exit code {result.exit_code}: {'needs action' if result.exit_code == 1 else result.verdict})")
    finally:
        if keep:
            click.echo(f"\nSandbox kept at {root}")
            # The store and the policy live under it because XDG_CONFIG_HOME pointed there.
            click.echo(f"To keep using it, set XDG_CONFIG_HOME to it: XDG_CONFIG_HOME={root} pycert list --all")
        else:
            shutil.rmtree(root, ignore_errors=True)
