"""The `pycert` command."""

from pycert.cli.main import cli, main, run

__all__ = ["cli", "main", "run"]
