"""Fault injection for `pycert remediate expiry` (import a staged renewed PFX, verify, then
remove the old certificate) on the real Mono store, through the real CLI.

Every step fails in turn, in every way a terminal can fail: an exception from the store,
the disk filling up, the process being killed between steps (KeyboardInterrupt stands in
for the kill: nothing after the step runs), and a partial write (the leaf lands, the rest
does not). After each fault the invariants must hold, and a plain re-run must reach the
good state. docs/reliability.md reports the counts this file produces.
"""

import errno
from datetime import timedelta

import pytest

from pycert.demo import samples
from pycert.cli import run
from pycert.common.errors import PlatformError
from pycert.common.model import StoreRef
from tests.pfxfiles import obn_pfx

NOW = samples.utc_now()
MY = StoreRef("CurrentUser", "My")

FAULTS = {
    "exception": lambda: PlatformError("injected: the store refused the change"),
    "disk-full": lambda: OSError(errno.ENOSPC, "No space left on device"),
    "killed": lambda: KeyboardInterrupt(),
}
# (backend method, which call fails): "scan" is the read before anything changes,
# "verify" the first read after the import.
STEPS = ("scan", "import", "verify", "cleanup")
CASES = [(step, fault) for step in STEPS for fault in FAULTS] + [("import", "partial-write")]


@pytest.fixture
def terminal(mono_store, tmp_path, monkeypatch):
    """An old certificate with 20 days left and its renewed PFX staged with a sidecar password."""
    old = samples.obn_certificate("0110119153", 20, NOW, key_seed=1)
    mono_store.add(old)
    staging = tmp_path / "Downloads"
    staging.mkdir()
    root, inter = samples.obn_chain(NOW)
    _, renewed = obn_pfx(staging, "0110119153_renewed.pfx", 1185, NOW, chain=(inter, root))
    (staging / "0110119153_renewed.txt").write_text("1234\n", encoding="utf-8")
    policy = tmp_path / "pycert.toml"
    policy.write_text(f'[profiles.obn]\nstaging_folders = ["{staging.as_posix()}"]\n', encoding="utf-8")
    monkeypatch.setenv("PYCERT_STATE_DIR", str(tmp_path / "state"))
    return old, renewed, policy


def my_thumbprints(store):
    return {c.thumbprint for c in store.backend.read(MY).certificates}


def inject(monkeypatch, backend, step, fault):
    """Make `step` fail with `fault`; returns a dict recording whether it fired."""
    fired = {"done": False}
    real = {name: getattr(backend, name) for name in ("read", "import_pfx", "remove_with_key")}
    state = {"imported": False}

    def fail():
        fired["done"] = True
        raise FAULTS[fault]()

    def read(store):
        if not fired["done"] and ((step == "scan" and not state["imported"]) or (step == "verify" and state["imported"])):
            fail()
        return real["read"](store)

    def import_pfx(data, password, placements, **kw):
        if step == "import" and not fired["done"]:
            if fault == "partial-write":
                fired["done"] = True
                real["import_pfx"](data, password, placements[:1], **kw)  # the leaf lands, then the failure
                raise PlatformError("injected: the write stopped after the first certificate")
            fail()
        done = real["import_pfx"](data, password, placements, **kw)
        state["imported"] = True
        return done

    def remove_with_key(*args, **kw):
        if step == "cleanup" and not fired["done"]:
            fail()
        return real["remove_with_key"](*args, **kw)

    monkeypatch.setattr(backend, "read", read)
    monkeypatch.setattr(backend, "import_pfx", import_pfx)
    monkeypatch.setattr(backend, "remove_with_key", remove_with_key)
    return fired


@pytest.mark.parametrize("step,fault", CASES, ids=[f"{s}-{f}" for s, f in CASES])
def test_fault_then_rerun(mono_store, terminal, monkeypatch, capsys, step, fault):
    old, renewed, policy = terminal
    argv = ["--config", str(policy), "--lock-timeout", "5", "remediate", "expiry"]
    fired = inject(monkeypatch, mono_store.backend, step, fault)
    code = run(argv)
    out, err = capsys.readouterr()
    assert fired["done"], "the fault was injected"
    monkeypatch.undo()  # the terminal recovers (the kill is over, the disk has room again)
    monkeypatch.setenv("PYCERT_STATE_DIR", str(policy.parent / "state"))

    # Invariant 1: no certificate of the profile is lost: the old one is there unless a
    # verified renewed one replaced it.
    present = my_thumbprints(mono_store)
    assert old.thumbprint in present or renewed.thumbprint in present
    # Invariant 2: cleanup never ran before a verified import, so the old one is still there.
    assert old.thumbprint in present
    # Invariant 3: a renewed certificate that reached the store is never removed.
    if step in ("verify", "cleanup") or fault == "partial-write":
        assert renewed.thumbprint in present
    # Invariant 4: the failure is reported with a documented non-zero exit code, one sentence, no traceback.
    assert code in (1, 3), (code, out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2
    assert out.strip().splitlines()[-1].split(" ")[0] in ("FAILED", "NONCOMPLIANT")

    # Invariant 5: re-running reaches the good state: the renewed certificate only, compliant.
    again = run(argv)
    out, err = capsys.readouterr()
    assert again == 0, (out, err)
    assert my_thumbprints(mono_store) == {renewed.thumbprint}
    assert run(["--config", str(policy), "detect", "expiry"]) == 0
    capsys.readouterr()


def test_the_matrix_covers_every_step_and_fault():
    # Written out from the fault plan (docs/reliability.md section 3): 4 steps x 3 faults,
    # plus the kill between import and cleanup.
    assert len(CASES) == 13
    assert {(c[0], c[1]) for c in CASES if len(c) > 1} >= {(s, f) for s in STEPS for f in FAULTS}
