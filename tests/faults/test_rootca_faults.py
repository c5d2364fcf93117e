"""Fault injection for `pycert remediate rootca` on the real Mono store (CurrentUser\\Root,
which is Mono's Trust folder in the test sandbox), through the real CLI.

Each step fails in turn: loading the source, adding to the store, reading the store back.
Invariants: nothing unpinned ever lands in a root store; the root is there once or not at
all; the failure has a documented exit code and a FAILED line; a re-run installs it.

The root is the tests' own (valid ten years from whatever "now" the clock says), pinned by
its SHA-256 and given with --source: the shipped RootCA2 expires 2029-05-29, and these
tests must not depend on today's date (issue #19)."""

import errno
import hashlib
from datetime import timedelta

import pytest

from pycert.cli import run
from pycert.demo import samples
from pycert.common.errors import PlatformError
from pycert.common.model import StoreRef

ROOT = StoreRef("CurrentUser", "Root")
FAULTS = {
    "exception": lambda: PlatformError("injected: the store refused the change"),
    "disk-full": lambda: OSError(errno.ENOSPC, "No space left on device"),
    "killed": lambda: KeyboardInterrupt(),
}
STEPS = ("source", "install", "verify")
CASES = [(s, f) for s in STEPS for f in FAULTS] + [("install", "partial-write")]

_NOW = samples.utc_now()
_SUBJECT = "CN=PyCert Test Root,O=PyCert Samples,C=JP"
TEST_ROOT = samples.make_certificate(_SUBJECT, _SUBJECT, _NOW - timedelta(days=1), _NOW + timedelta(days=3650),
                                     ca=True, key_seed=21, issuer_key=samples.rsa_key(21))
ROOT_SHA256 = hashlib.sha256(TEST_ROOT.der).hexdigest().upper()

POLICY = f"""
checks = ["rootca"]
[rootca]
pins = [{{ name = "PyCert Test Root", sha256 = "{ROOT_SHA256}", stores = ["CurrentUser\\\\Root"], scope = "user" }}]
"""


@pytest.fixture
def policy(tmp_path):
    path = tmp_path / "pycert.toml"
    path.write_text(POLICY, encoding="utf-8")
    (tmp_path / "test-root.der").write_bytes(TEST_ROOT.der)
    return path


def roots(store):
    return [c.sha256 for c in store.backend.read(ROOT).certificates]


def inject(monkeypatch, backend, step, fault):
    from pycert.rootca import source as rootsource

    fired = {"done": False}
    real_load, real_add, real_read = rootsource.load, backend.add_der, backend.read
    added = {"yes": False}

    def fail():
        fired["done"] = True
        raise FAULTS[fault]()

    def load(*a, **k):
        if step == "source" and not fired["done"]:
            fail()
        return real_load(*a, **k)

    def add_der(store, *ders):
        if step == "install" and not fired["done"]:
            if fault == "partial-write":
                fired["done"] = True
                real_add(store, *ders)  # the write happened, then the process lost track of it
                raise PlatformError("injected: the store write stopped before it returned")
            fail()
        real_add(store, *ders)
        added["yes"] = True

    def read(store):
        if step == "verify" and added["yes"] and not fired["done"]:
            fail()
        return real_read(store)

    monkeypatch.setattr(rootsource, "load", load)
    monkeypatch.setattr(backend, "add_der", add_der)
    monkeypatch.setattr(backend, "read", read)
    return fired


@pytest.mark.parametrize("step,fault", CASES, ids=[f"{s}-{f}" for s, f in CASES])
def test_fault_then_rerun(mono_store, policy, monkeypatch, capsys, step, fault):
    argv = ["--config", str(policy), "remediate", "rootca", "--scope", "user", "--source", str(policy.parent / "test-root.der")]
    assert roots(mono_store) == []
    fired = inject(monkeypatch, mono_store.backend, step, fault)
    code = run(argv)
    out, err = capsys.readouterr()
    assert fired["done"]
    monkeypatch.undo()

    present = roots(mono_store)
    assert set(present) <= {ROOT_SHA256}, "nothing unpinned in a root store"
    assert len(present) <= 1, "never two copies"
    assert code in (1, 3), (code, out, err)
    assert out.strip().splitlines()[-1].startswith("FAILED rootca v1")
    assert "Traceback" not in err

    assert run(argv) == 0, capsys.readouterr()
    assert roots(mono_store) == [ROOT_SHA256]
    assert run(["--config", str(policy), "detect", "rootca"]) == 0
    assert run(argv) == 0  # idempotent: nothing more to do
    assert roots(mono_store) == [ROOT_SHA256]
    capsys.readouterr()
