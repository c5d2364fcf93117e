"""Shared fixtures. The .NET runtime reads XDG_CONFIG_HOME once per process, so this file
points it at a session sandbox *before* anything can load the runtime; tests that need a
clean store empty that sandbox's Mono store folders (the real store code still runs)."""

from __future__ import annotations

import os
import shutil
import warnings
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# setdefault: a test module that imports `tests.conftest` (for run_cli) loads this file a
# second time; it must not point XDG_CONFIG_HOME at a new folder the fixtures don't clear.
SANDBOX = Path(os.environ.setdefault("PYCERT_TEST_SANDBOX", tempfile.mkdtemp(prefix="pycert-tests-")))
os.environ["XDG_CONFIG_HOME"] = str(SANDBOX)
os.environ.pop("PYCERT_CONFIG", None)
# Run logs and the machine lock of every test run stay inside the sandbox too.
os.environ["PYCERT_LOG_DIR"] = str(SANDBOX / "logs")
os.environ["PYCERT_LOCK_FILE"] = str(SANDBOX / "pycert.lock")
# ... and so does the backup folder of imported PFX files ($XDG_DATA_HOME/pycert/backup).
os.environ["XDG_DATA_HOME"] = str(SANDBOX / "share")
# People's output is English unless a test asks for Japanese (--lang, or LANG in its env):
# a developer's own ja_JP locale must not change what the tests read (common/i18n.py).
os.environ.pop("LC_ALL", None)
os.environ["LC_MESSAGES"] = "C"



@pytest.fixture(autouse=True)
def _own_state_dir(tmp_path_factory, monkeypatch):
    """Per-user state (shown reminders, an interrupted import's marker) lives in a folder of
    this test: a marker left by one test must not steer the next, nor land in the real
    ~/.local/state of whoever runs the suite. Tests that need a named folder set their own."""
    monkeypatch.setenv("PYCERT_STATE_DIR", str(tmp_path_factory.mktemp("state")))


# tools/mutation.sh passes --hypothesis-profile=mutation: fewer examples and no example
# database, so each of the thousand mutants costs seconds, not the property tests' full run.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("mutation", max_examples=30, deadline=None, database=None)

MONO_AVAILABLE = shutil.which("mono") is not None
needs_mono = pytest.mark.skipif(
    not MONO_AVAILABLE, reason="Mono is not installed (the README's quick start installs mono-devel)"
)


def mono_store_dir(base: Path, name: str = "My") -> Path:
    return base / ".mono" / "certs" / name


@dataclass
class MonoStore:
    """The real Mono X509Store of this test process, emptied for each test."""

    base: Path
    backend: object

    def add(self, sample, store: str = "CurrentUser\\My", *, with_ca: bool = True) -> None:
        """Add `sample`; with_ca also puts the sample CA that signed it into CurrentUser\\Root,
        as the terminal of a real clinic has the CA that issued its certificate."""
        from pycert.common.model import StoreRef

        self.backend.add_der(StoreRef.parse(store), sample.der)
        for ca in issuing_cas([sample] if with_ca else []):
            self.backend.add_der(StoreRef.parse("CurrentUser\\Root"), ca.der)

    def files(self, name: str = "My") -> list[Path]:
        return sorted(mono_store_dir(self.base, name).glob("*.cer"))

    def clear(self) -> None:
        certs = self.base / ".mono"
        if certs.exists():
            shutil.rmtree(certs)


def issuing_cas(samples) -> list:
    """The sample CA certificates (samples.sample_ca) that verify the given non-CA samples."""
    from cryptography import x509

    from pycert.demo.samples import sample_ca

    cas = {}
    for sample in samples:
        cert = getattr(sample, "certificate", None)  # a bare DER holder has no CA to add
        if cert is None:
            continue
        try:
            is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # hostile samples: over-long names are the point
            self_issued = cert.issuer == cert.subject
            issuer = cert.issuer.rfc4514_string()
        if not is_ca and not self_issued:
            cas[issuer] = sample_ca(issuer)
    return list(cas.values())


@pytest.fixture
def mono_store():
    if not MONO_AVAILABLE:
        pytest.skip("Mono is not installed (the README's quick start installs mono-devel)")
    from pycert.platform import store_backend

    store = MonoStore(SANDBOX, store_backend())
    store.clear()
    yield store
    store.clear()


@dataclass
class CliRun:
    code: int
    stdout: str
    stderr: str

    @property
    def last_line(self) -> str:
        lines = self.stdout.rstrip("\n").splitlines()
        return lines[-1] if lines else ""


def run_cli(args: list[str], *, xdg: Path, env: dict | None = None, stdin: str | None = None,
            timeout: float = 120) -> CliRun:
    """Run `python -m pycert` as a real process with its own XDG_CONFIG_HOME."""
    full_env = {k: v for k, v in os.environ.items() if k != "PYCERT_CONFIG"}
    full_env.update({"XDG_CONFIG_HOME": str(xdg), "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"})
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "pycert", *args],
        capture_output=True, text=True, env=full_env, input=stdin, timeout=timeout, cwd=str(ROOT),
    )
    return CliRun(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def run_pycert(tmp_path):
    """Run `python -m pycert ARGS` with XDG_CONFIG_HOME=tmp_path, for commands that read no store."""
    return lambda *args, **kwargs: run_cli(list(args), xdg=tmp_path, **kwargs)


@pytest.fixture
def cli_sandbox(tmp_path):
    """A fresh XDG_CONFIG_HOME for one CLI subprocess run, with a helper to seed its store.

    Seeding happens in a child process (the runtime in this process is bound to SANDBOX)."""
    if not MONO_AVAILABLE:
        pytest.skip("Mono is not installed (the README's quick start installs mono-devel)")
    return CliSandbox(tmp_path)


class CliSandbox:
    def __init__(self, base: Path):
        self.base = base

    def seed(self, samples, store: str = "CurrentUser\\My", *, with_ca: bool = True) -> None:
        """Write DER files and add them to the sandbox store through a real Mono process;
        with_ca also adds the sample CA that signed them to CurrentUser\\Root (see MonoStore.add)."""
        cas = issuing_cas(samples) if with_ca else []
        if cas and store != "CurrentUser\\Root":
            self.seed(cas, "CurrentUser\\Root", with_ca=False)
        folder = self.base / "seed"
        folder.mkdir(exist_ok=True)
        paths = []
        for i, sample in enumerate(samples):
            path = folder / f"{len(list(folder.iterdir()))}-{i}.der"
            path.write_bytes(sample.der)
            paths.append(str(path))
        code = (
            "import sys; from pathlib import Path\n"
            "from pycert.platform import store_backend\n"
            "from pycert.common.model import StoreRef\n"
            "b = store_backend(); s = StoreRef.parse(sys.argv[1])\n"
            "b.add_der(s, *(Path(p).read_bytes() for p in sys.argv[2:]))\n"
        )
        env = dict(os.environ, XDG_CONFIG_HOME=str(self.base), PYTHONPATH=str(ROOT))
        subprocess.run([sys.executable, "-c", code, store, *paths], check=True, env=env, timeout=120)

    def run(self, *args: str, **kwargs) -> CliRun:
        return run_cli(list(args), xdg=self.base, **kwargs)

    def write_policy(self, text: str) -> Path:
        path = self.base / "pycert" / "pycert.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path
