"""`pycert notices preview`: the notices clinic staff would read, with this policy."""

from __future__ import annotations

import click

from pycert.cli.context import Context, as_of_option, parse_as_of, pass_ctx
from pycert.cli.root import cli

APP_NAME = "PyCert 電子証明書チェック"  # the toast's header: the MSI's shortcut name


@cli.group("notices")
def notices_group() -> None:
    """What clinic staff see: the renewal notices (Japanese)."""


@notices_group.command("preview")
@click.option("--profile", default="obn", show_default=True, help="Whose texts: a profile of the policy.")
@click.option("--days", type=click.IntRange(-3650, 3650), multiple=True,
              help="Days left (repeatable). Default: 90 30 7 0 -1, one notice of each tier.")
@click.option("--name", default="0110119153", show_default=True, help="The certificate name the notice shows.")
@click.option("--show", is_flag=True,
              help="Also hand each notice to this terminal's notifier (Windows: a toast, else msg.exe).")
@as_of_option
@pass_ctx
def notices_preview(ctx: Context, profile: str, days: tuple[int, ...], name: str, show: bool,
                    as_of: str | None) -> None:
    """Print the notices a certificate of PROFILE gets, as if it expired DAYS from today,
    with the [notify] contact and the profile's notice texts. Changes nothing and records
    nothing as shown (with --show, the notices are really shown)."""
    from pycert.common.dates import local_date
    from pycert.expiry import reminders

    today = local_date(parse_as_of(as_of))
    for left, tier, title, body in reminders.preview(ctx.policy, profile, name, today, days or reminders.PREVIEW_DAYS):
        click.echo(f"--- days_left={left} tier={tier or 'none'} ---")
        if not tier:
            click.echo("(no notice: more than 90 days left)")
            continue
        for line in (APP_NAME, title, *body.splitlines()):
            click.echo(f"| {line}")
        if show:
            from pycert import platform

            click.echo(f"shown: {platform.notify_user(title, body)}")
