"""The `pycert` command: click commands only, one module per command group (expiry, rootca,
mpki, pfx/import/cleanup, report, config, doctor/demo). The root and the detect/remediate
groups are in root.py; the shared options and Context in context.py; running checks and
printing them in the Intune contract's shape in runner.py; a stopped run's FAILED line and
exit code in failures.py; the entry point in main.py."""

from pycert.cli.main import cli, run

__all__ = ["cli", "run"]  # the entry point is pycert.cli.main.main
