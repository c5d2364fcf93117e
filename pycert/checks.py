"""Jobs: each has a detect() (read-only) and, where it can act, a remediate().

CHECKS maps a check name to the module that implements it; modules are imported
only when their check runs, so one check never pays for another's imports.
"""

CHECKS = {
    "expiry": "pycert.expiry.job",
    "mpki": "pycert.mpki.job",
    "rootca": "pycert.rootca.job",
}
