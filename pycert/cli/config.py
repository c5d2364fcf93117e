"""`pycert config show`, `validate` and `set`."""

from __future__ import annotations

import os

import click

from pycert.cli.context import Context, hold_machine_lock, pass_ctx
from pycert.cli.root import cli
from pycert.common.errors import EXIT_USAGE
from pycert.common.i18n import N_, sentence


@cli.group("config")
def config_group() -> None:
    """Show or validate the policy file."""


@config_group.command("show")
@click.option("--format", "fmt", type=click.Choice(["toml", "json"]), default="toml", show_default=True)
@pass_ctx
def config_show(ctx: Context, fmt: str) -> None:
    """Print the effective policy (the file laid over the built-in defaults), with the
    staging folders and the backup folder as this user's paths (the defaults are the user's
    Downloads folder and %LOCALAPPDATA%\\PyCert\\backup)."""
    from pycert.common import output
    from pycert.policy.load import policy_as_dict

    from pycert.expiry.backup import backup_folder
    from pycert.expiry.renewal import staging_folders

    data = policy_as_dict(ctx.policy)
    for name, profile in ctx.policy.profiles.items():  # empty means the user's Downloads: show where that is
        data["profiles"][name]["staging_folders"] = [str(folder) for folder in staging_folders(profile)]
    data["backup"]["folder"] = str(backup_folder(ctx.policy.backup.folder))
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
            click.echo(sentence(problem), err=True)
        raise SystemExit(EXIT_USAGE) from None
    names = ", ".join(loaded.policy.profiles)
    click.echo(sentence(N_(f"{file} is valid: profiles {names}; checks {', '.join(loaded.policy.checks)}.")))


@config_group.command("set")
@click.argument("assignments", nargs=-1, metavar="KEY=VALUE...")
@pass_ctx
@click.pass_context
def config_set(click_ctx: click.Context, ctx: Context, assignments: tuple[str, ...]) -> None:
    """Change keys of the policy file in place, keeping its comments; nothing is written
    unless the result is a valid policy.

    \b
    VALUE is a TOML value; quote it for the shell:
      profiles.obn.renewal_window_days=60
      'profiles.orca.match.issuer_contains=["ORCA"]'
      'checks=["expiry", "rootca"]'
    A bare word (required_version=6.1) is taken as text, a comma-separated
    list (stores=CurrentUser\\My) as a list."""
    from pathlib import Path

    from pycert.common.files import env
    from pycert.policy.load import default_policy_path
    from pycert.common import logs
    from pycert.policy.edit import set_values

    path = Path(ctx.config_path or env("PYCERT_CONFIG") or default_policy_path())
    # The MSI runs this as SYSTEM: the log says who changed the policy; the machine lock
    # keeps a remediation from reading a half-changed policy (and two edits apart).
    hold_machine_lock(click_ctx, ctx, "config set")
    for line in set_values(path, list(assignments)):
        logs.event("config set", "changed", file=path.resolve(), value=line)
        click.echo(f"{path}: {line}")
