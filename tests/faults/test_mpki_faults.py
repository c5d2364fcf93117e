"""Fault injection for `pycert remediate mpki`: the real MSIs (wixl, osslsigncode) and the
real verification, with the registry and msiexec replaced (Windows-only), failing each
step in turn. Invariants: the old client is never removed before the new MSI is verified;
a failure after the uninstall is reported (exit != 0, log paths named); a re-run installs
the client even when the run died between uninstall and install."""

import errno

import pytest

from pycert.mpki import job as mpki
from pycert.platform import authenticode
from pycert.platform.windows import msiexec, registry
from tests.mpki.conftest import msis, pki, trust_test_ca  # noqa: F401  (fixtures)
from tests.mpki.fakes import HKLM
from tests.mpki.test_job import NOW, OLD, machine, pinned  # noqa: F401  (fixture)

FAULTS = {
    "exception": lambda: RuntimeError("injected failure"),
    "disk-full": lambda: OSError(errno.ENOSPC, "No space left on device"),
    "killed": lambda: KeyboardInterrupt(),
}
STEPS = ("obtain", "verify", "uninstall", "install", "confirm")
CASES = [(s, f) for s in STEPS for f in FAULTS] + [("install", "msiexec-1603")]
AFTER_UNINSTALL = ("install", "confirm")


def inject(mocker, machine, step, fault):
    """Make `step` fail; returns (fired, undo)."""
    from pycert.mpki import source as mpkisource

    fired = {"done": False}
    patches = []
    real_spawn = msiexec._spawn.side_effect

    def undo():
        for patch in patches:
            mocker.stop(patch)
        msiexec._spawn.side_effect = real_spawn

    def fail(*_a, **_k):
        fired["done"] = True
        raise FAULTS[fault]()

    if step == "obtain":
        patches.append(mocker.patch.object(mpkisource, "local_msi", side_effect=fail))
    elif step == "verify":
        patches.append(mocker.patch.object(authenticode, "verify", side_effect=fail))
    elif step in ("uninstall", "install"):
        flag = "/x" if step == "uninstall" else "/i"

        def spawn(argv):
            if argv[1:2] == [flag] and not fired["done"]:
                if fault == "msiexec-1603":
                    fired["done"] = True
                    machine.install_codes = [1603, 1603]
                    return real_spawn(argv)
                fail()
            return real_spawn(argv)

        msiexec._spawn.side_effect = spawn
    elif step == "confirm":
        real_find = registry.find_installed
        calls = {"n": 0}

        def find(name):
            calls["n"] += 1
            if calls["n"] == 2 and not fired["done"]:  # the re-read after msiexec
                fail()
            return real_find(name)

        patches.append(mocker.patch.object(registry, "find_installed", side_effect=find))
    return fired, undo


def spawned(machine):
    return [e[1] for e in machine.events if e[0] == "spawn"]


@pytest.mark.parametrize("step,fault", CASES, ids=[f"{s}-{f}" for s, f in CASES])
def test_fault_then_rerun(machine, msis, tmp_path, mocker, step, fault):
    policy = pinned(tmp_path)
    cache = str(tmp_path / "c")
    fired, undo = inject(mocker, machine, step, fault)
    outcome = None
    try:
        outcome = mpki.remediate(policy, NOW, msi=str(msis.v2), cache_dir=cache)
    except (KeyboardInterrupt, RuntimeError, OSError) as exc:
        outcome = exc  # the CLI turns these into a FAILED line and exit 3 (tests/faults/test_expiry_faults.py)
    assert fired["done"]

    if step in ("obtain", "verify"):
        # Invariant: nothing was removed before the new MSI was verified.
        assert "/x" not in spawned(machine)
        assert OLD in machine.data[(HKLM, "32")]
    if step in AFTER_UNINSTALL and not isinstance(outcome, BaseException):
        # Invariant: a failure after the uninstall is loud and names the logs.
        assert outcome.exit_code != 0 and outcome.verdict == "failed"
        for run in outcome.details.get("runs", []):
            assert run["log"] in outcome.messages[0]
    if not isinstance(outcome, BaseException):
        assert outcome.exit_code != 0
    else:
        assert type(outcome) is type(FAULTS[fault]()), repr(outcome)  # the injected fault, not another error
        if step in AFTER_UNINSTALL:
            # Loud even when the run died after the uninstall: the pending marker makes the
            # next detect name the interrupted upgrade; NONCOMPLIANT while no client is in
            # (died in install), COMPLIANT once the new one is (died confirming it).
            interrupted = mpki.detect(pinned(tmp_path), NOW, cache)
            assert interrupted.details["interrupted_upgrade"]["removing"] == [OLD]
            assert interrupted.exit_code == (1 if step == "install" else 0)

    undo()
    if step == "install" and fault == "killed":
        # Died between uninstall and install: no client at all, and detection says so even
        # though the policy does not require a client on terminals that never had one.
        assert machine.data[(HKLM, "32")] == {} and not machine.data.get((HKLM, "64"))
        pending = mpki.detect(pinned(tmp_path), NOW, cache)
        assert pending.exit_code == 1 and pending.details["interrupted_upgrade"]["removing"] == [OLD]

    # Re-run with the fault gone: the terminal reaches the required version.
    machine.install_codes = [0]
    again = mpki.remediate(pinned(tmp_path), NOW, msi=str(msis.v2), cache_dir=cache)
    assert again.exit_code == 0, again.messages
    versions = [(p["version"], p["state"]) for p in again.details["installed"]]
    assert versions == [("2.1.0", "current")]
    assert mpki.upgrade_pending(tmp_path / "c" / "mpki") is None
    assert mpki.detect(pinned(tmp_path), NOW, cache).exit_code == 0
