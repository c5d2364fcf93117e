"""mypy over the job modules and the store Protocols ([tool.mypy] in pyproject.toml):
every job is typed against StoreReader/StoreBackend, and tests/typing_stores.py states
that DotNetStores and the test fakes satisfy them."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def mypy(*args: str, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def test_the_job_modules_type_check(tmp_path):
    run = mypy(cache=tmp_path / "cache")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("Success: no issues found")


def test_a_backend_that_breaks_the_protocol_is_rejected(tmp_path):
    """The check above can fail: a fake without `read` and with a one-certificate add_der."""
    module = tmp_path / "broken_backend.py"
    module.write_text(textwrap.dedent('''
        from pycert.common.model import StoreRef
        from pycert.common.stores import StoreBackend


        class Broken:
            keys_known = False
            reads_aes_pfx = False

            def read_many(self, stores): return []
            def add_der(self, store: StoreRef, der: bytes) -> None: ...
            def remove_with_key(self, store, thumbprint, delete_key): return True, ""
            def import_pfx(self, data, password, placements, *, machine, exportable): return placements
            def unhonoured_options(self): return []
            def is_elevated(self): return False


        def as_backend(stores: Broken) -> StoreBackend:
            return stores
    '''))
    run = mypy("--config-file", str(ROOT / "pyproject.toml"), str(module), cache=tmp_path / "cache")
    assert run.returncode == 1, run.stdout
    assert 'Incompatible return value type (got "Broken", expected "StoreBackend")' in run.stdout
    assert re.search(r"missing following .StoreBackend. protocol member:\n.*note:\s+read\n", run.stdout)
    assert "def add_der(self, store: StoreRef, *ders: bytes) -> None" in run.stdout  # what was expected instead
