"""click's own usage errors (an unknown option, a bad value, a missing argument) in the run's
language.

click words them in English through gettext's global domain. Rather than reach into click's
modules, the finished sentences are matched against the templates below, the way PyCert's own
error sentences are (common/i18n.sentence), and the Japanese is filled in with the same
values. The "Usage: ..." line (the command's syntax) and the "Error:" prefix stay as they are;
a sentence no template matches stays English.
"""

from __future__ import annotations

import click

from pycert.common.i18n import N_, language, sentence, set_language

# click 8's messages as they read once formatted; {0}, {1} are the values.
CLICK_SENTENCES = (
    N_("No such option '{0}'."),
    N_("No such option '{0}'. Did you mean '{1}'?"),
    N_("No such option '{0}'. (Did you mean one of: {1}?)"),
    N_("No such command '{0}'."),
    N_("No such command '{0}'. Did you mean '{1}'?"),
    N_("No such command '{0}'. (Did you mean one of: {1}?)"),
    N_("Missing argument '{0}'."),
    N_("Missing option '{0}'."),
    N_("Missing command."),
    N_("Invalid value for '{0}': {1}"),
    N_("'{0}' is not one of {1}."),
    N_("'{0}' is not {1}."),
    N_("'{0}' is not a valid integer."),
    N_("'{0}' is not a valid float."),
    N_("{0} is not in the range {1}."),
    N_("Got unexpected extra argument ({0})"),
    N_("Got unexpected extra arguments ({0})"),
    N_("Option '{0}' does not take a value."),
    N_("Option '{0}' requires an argument."),
    N_("Option '{0}' requires {1} arguments."),
    N_("File '{0}' does not exist."),
    N_("Directory '{0}' does not exist."),
    N_("Path '{0}' does not exist."),
    N_("Try '{0}' for help."),
)


def show(exc: click.ClickException) -> None:
    """What click's exc.show() prints, with the sentences in the run's language."""
    ctx = getattr(exc, "ctx", None)
    chosen = ctx.find_root().params.get("lang") if ctx is not None else None
    if chosen:  # `pycert --lang ja lst`: the root's callback, which sets it, never ran
        set_language(chosen)
    if language() == "en":
        exc.show()
        return
    if isinstance(exc, click.UsageError) and ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        if ctx.command.get_help_option(ctx) is not None:
            longest = max(ctx.command.get_help_option_names(ctx), key=len)  # --help over -h, as click does
            click.echo(sentence(f"Try '{ctx.command_path} {longest}' for help."), err=True)
        click.echo(err=True)
    click.echo(f"Error: {sentence(exc.format_message())}", err=True)
