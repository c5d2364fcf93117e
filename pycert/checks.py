"""The checks `detect` and `remediate` run: each has a job module with detect() (read-only)
and, where it can act, remediate(); and a view module with line_parts() for its summary
line. Modules are imported only when their check runs, so one check never pays for
another's imports."""

CHECKS = {
    "expiry": "pycert.expiry.job",
    "mpki": "pycert.mpki.job",
    "rootca": "pycert.rootca.job",
}
VIEWS = {
    "expiry": "pycert.expiry.view",
    "mpki": "pycert.mpki.view",
    "rootca": "pycert.rootca.view",
}


def job(name: str):
    """The module with `detect` and `remediate` for a check (imported on first use)."""
    import importlib

    return importlib.import_module(CHECKS[name])


def view(name: str):
    """The module with `line_parts` for a check's summary line (imported on first use)."""
    import importlib

    return importlib.import_module(VIEWS[name])
