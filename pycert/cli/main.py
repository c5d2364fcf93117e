"""The entry point: run the click tree with one-sentence errors and documented exit codes,
then leave with os._exit (pythonnet's runtime shutdown costs up to a second).

Heavy modules (pydantic, cryptography, pythonnet) are imported inside the commands that
need them, so `pycert --version` costs no more than starting Python.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

import click

# Each command module registers its commands on the root group when imported.
from pycert.cli import config, doctor, expiry, mpki, notices, pfx, report, rootca  # noqa: F401
from pycert.cli.failures import describe_failure
from pycert.cli.root import cli
from pycert.common.errors import EXIT_RUNTIME, EXIT_USAGE, PyCertError
from pycert.common.i18n import sentence


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, then leave with os._exit: pythonnet's runtime shutdown costs up to a second."""
    code = run(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run(argv: list[str] | None = None) -> int:
    import warnings

    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    with warnings.catch_warnings(), stop_signals_as_interrupt():
        if not debug:
            # A library warning on stderr would make Intune mark a good run as failed.
            warnings.simplefilter("ignore")
        return _run(argv, debug)


STOP_SIGNALS = ("SIGTERM", "SIGBREAK")  # a kill from a deployment tool; Ctrl+Break on Windows


@contextlib.contextmanager
def stop_signals_as_interrupt():
    """SIGTERM (and SIGBREAK on Windows) stop a run the way Ctrl+C does: as a
    KeyboardInterrupt, so every stop prints the FAILED line, writes the result file, releases
    the lock and exits 3 instead of dying silently. The previous handlers come back after."""
    import signal

    def interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for name in STOP_SIGNALS:
            number = getattr(signal, name, None)
            if number is not None:
                previous[number] = signal.signal(number, interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _run(argv: list[str] | None, debug: bool) -> int:
    try:
        result = cli.main(args=argv, prog_name="pycert", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        # click turns Ctrl+C (or a kill that Python sees as one) into Abort.
        click.echo(f"error: {sentence(describe_failure(KeyboardInterrupt())[1])}", err=True)
        return EXIT_RUNTIME
    except click.ClickException as exc:
        from pycert.cli import usage

        usage.show(exc)
        return EXIT_USAGE
    except PyCertError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(f"error: {sentence(exc.message)}", err=True)
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_RUNTIME
    except (KeyboardInterrupt, OSError) as exc:
        code, message = describe_failure(exc)
        click.echo(f"error: {sentence(message)}", err=True)
        return code
    except Exception as exc:  # last resort: one sentence, no traceback unless --debug
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(f"error: unexpected {type(exc).__name__}: {exc}; rerun with --debug and report it.", err=True)
        return EXIT_RUNTIME
