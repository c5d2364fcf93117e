"""Ending a detect/remediate run that stopped: still a FAILED summary line last on stdout
(Intune shows only the last line), and one sentence with its exit code for stderr."""

from __future__ import annotations

import click

from pycert.cli.context import save_result, take_pending_lock
from pycert.common.errors import EXIT_RUNTIME, PyCertError


def with_failure_line(check: str, fmt: str, run) -> int:
    """Run a detect/remediate body; on any error still end stdout with a FAILED line,
    because Intune shows only the last stdout line. The error itself is re-raised for
    `run()` to report on stderr with its exit code."""
    try:
        take_pending_lock()
        return run()
    except click.exceptions.Exit:
        raise
    except (Exception, KeyboardInterrupt) as exc:  # every stop, even a defect, ends with the FAILED line
        from pycert.common import lineformat

        code, message = describe_failure(exc)
        failure = {"check": check, "verdict": "failed", "exit_code": code, "error": message}
        try:
            save_result(failure)
        except PyCertError:
            pass  # the run's own error is the one to report
        if fmt == "line":
            line = lineformat.Line("FAILED", check, {"exit": code}, [lineformat.Item("error", {"message": message})])
            click.echo(lineformat.render(line))
        else:
            from pycert.common import output

            click.echo(output.dumps(failure))
        raise


def describe_failure(exc: BaseException) -> tuple[int, str]:
    """Exit code and one sentence for an error that stopped a run."""
    if isinstance(exc, PyCertError):
        return exc.exit_code, exc.message
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_RUNTIME, "The run was interrupted part-way; run PyCert again to finish (every step is safe to repeat)."
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        where = f" ({exc.filename})" if exc.filename else ""
        return EXIT_RUNTIME, f"A file or store operation failed: {reason}{where}; free disk space or fix the access rights, then run PyCert again."
    return EXIT_RUNTIME, f"unexpected {type(exc).__name__}: {exc}; rerun with --debug and report it."
