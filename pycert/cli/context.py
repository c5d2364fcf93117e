"""What every command shares: the Context on click's object, the common options, the
machine lock for changing commands, and reading --as-of and passwords."""

from __future__ import annotations

import click
from datetime import datetime, timezone

from pycert.common.errors import PyCertError, UsageError

LINE_FORMATS = click.Choice(["line", "json"])


class Context:
    def __init__(self, config: str | None, debug: bool, log_level: str = "info"):
        self.config_path = config
        self.debug = debug
        self.log_level = log_level
        self.log_path = None
        self.lock_timeout = 60.0
        self.result_file: str | None = None
        self.pending_lock: str | None = None  # a remediate run takes the lock inside its failure guard
        self._loaded = None

    def start_log(self, command: str):
        """Open the run log (once) for a command that detects or changes something."""
        if self.log_path is None:
            from pycert.common import logs

            self.log_path = logs.setup(command, self.log_level)
        return self.log_path

    @property
    def loaded(self):
        if self._loaded is None:
            from pycert.policy.load import load_policy

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


def _remember_result_file(click_ctx: click.Context, _param, value: str | None) -> None:
    if value:
        click_ctx.find_object(Context).result_file = value


# On the detect/remediate groups and on each check's sub-command; the value lands on the
# shared Context, so run_checks and with_failure_line find it without new parameters.
result_file_option = click.option(
    "--result-file",
    metavar="PATH",
    expose_value=False,
    callback=_remember_result_file,
    help="Also write the full JSON result (with hostname, user, version, time) to PATH; "
    "if PATH is a folder, to <folder>/<hostname>.json. Written atomically.",
)


def _holder() -> Context | None:
    ctx = click.get_current_context(silent=True)
    return ctx.find_object(Context) if ctx else None


def result_file() -> str | None:
    """Where this run's JSON goes, if anywhere: the --result-file given, else the policy's
    `[report] result_folder`."""
    holder = _holder()
    return (holder.result_file or _policy_result_folder(holder)) if holder is not None else None


def _policy_result_folder(holder: Context) -> str:
    try:
        return holder.policy.report.result_folder
    except PyCertError:
        return ""  # a policy that does not load is the run's own error, reported by the run


def save_result(data: dict) -> None:
    """Write the run's JSON (see pycert.common.resultfile): to --result-file when given, and
    a failure there is the run's error; else into the policy's result folder, best effort
    (an unreachable share is logged; the line and the exit code stay the same)."""
    holder = _holder()
    if holder is None:
        return
    from pycert.common import resultfile

    if holder.result_file:
        resultfile.write(holder.result_file, data)
    elif folder := _policy_result_folder(holder):
        resultfile.write_to_policy_folder(folder, data)


as_of_option = click.option(
    "--as-of",
    metavar="DATE",
    help="Judge as if it were this date (ISO 8601; UTC unless an offset is given).",
)


def hold_machine_lock(click_ctx: click.Context, ctx: Context, command: str) -> None:
    """For commands that change stores or software: take the machine-wide lock until the
    command ends (a second run waits, then exits 3) and open the run log."""
    from pycert.common import logs
    from pycert.platform.lock import machine_lock

    ctx.start_log(command)
    click_ctx.with_resource(machine_lock(ctx.lock_timeout))
    logs.event("lock", "acquired")


def take_pending_lock() -> None:
    """Take the lock a `remediate` group deferred (see cli.failures.with_failure_line), so
    that a busy lock or a bad lock path still ends stdout with the FAILED line."""
    click_ctx = click.get_current_context(silent=True)
    ctx = click_ctx.find_object(Context) if click_ctx else None
    if click_ctx is not None and ctx is not None and ctx.pending_lock:
        command, ctx.pending_lock = ctx.pending_lock, None
        hold_machine_lock(click_ctx, ctx, command)


def detect_options(command):
    """The options every `detect <check>` takes: --format, --as-of, --result-file."""
    for decorate in reversed([
        click.option("--format", "fmt", type=LINE_FORMATS, default="line", show_default=True),
        as_of_option, result_file_option, pass_ctx, click.pass_context,
    ]):
        command = decorate(command)
    return command


def group_format(click_ctx: click.Context, fmt: str) -> str:
    """`pycert detect --format json mpki` means the same as `pycert detect mpki --format json`."""
    from click.core import ParameterSource

    if click_ctx.get_parameter_source("fmt") is ParameterSource.DEFAULT and click_ctx.parent is not None:
        return click_ctx.parent.params.get("fmt") or fmt
    return fmt




def password_options(command):
    """--password-env / --password-stdin / --password-file; a prompt when stdin is a terminal.
    There is deliberately no --password: a command line is visible to other processes."""
    command = click.option("--password-file", metavar="FILE", help="Read the password from the first line of FILE.")(command)
    command = click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")(command)
    command = click.option("--password-env", metavar="VAR", help="Read the password from environment variable VAR.")(command)
    return command


def read_password_options(password_env, password_stdin, password_file):
    from pycert.common.secret import read_password

    return read_password(env=password_env, stdin=password_stdin, file=password_file)
