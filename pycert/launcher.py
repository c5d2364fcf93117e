"""The console-script entry point. `pycert --version` is answered here, before click or
anything else is imported, so version probes by detection rules cost bare Python."""

import os
import sys

from pycert import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"pycert {__version__}\n")
        sys.stdout.flush()
        os._exit(0)
    from pycert.cli.main import main as cli_main

    cli_main()
