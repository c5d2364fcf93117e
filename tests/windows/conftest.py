"""tests/windows: the real Windows APIs, run by the Windows CI job (.github/workflows/ci.yml,
`pytest -m windows tests/windows`). Every test here carries the `windows` marker and is
skipped elsewhere with the reason "needs Windows". They work in the runner user's stores
and the runner's registry (GitHub's Windows runners are elevated) and clean up after
themselves."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.windows)
            if sys.platform != "win32":
                item.add_marker(pytest.mark.skip(reason="needs Windows"))


def run_as_system(tmp_path: Path, code: str, timeout: float = 120, wait: bool = True) -> Path:
    """Run Python `code` as SYSTEM through a one-off scheduled task (GitHub runners have no
    PsExec). `code` may write to the path in the variable OUT; returns that path (with
    `wait`, after the task wrote it)."""
    out = Path(r"C:\Windows\Temp") / f"pycert-ci-{uuid.uuid4().hex}.out"
    script = tmp_path / f"system-{uuid.uuid4().hex[:8]}.py"
    script.write_text(f"OUT = {str(out)!r}\n{code}", encoding="utf-8")
    task = f"PyCertCI-{uuid.uuid4().hex[:8]}"
    subprocess.run(["schtasks", "/Create", "/TN", task, "/RU", "SYSTEM", "/SC", "ONCE", "/ST", "23:59",
                    "/TR", f'"{sys.executable}" "{script}"', "/F"], check=True, capture_output=True)
    try:
        subprocess.run(["schtasks", "/Run", "/TN", task], check=True, capture_output=True)
        if wait:
            deadline = time.monotonic() + timeout
            while not out.exists() and time.monotonic() < deadline:
                time.sleep(0.5)
            assert out.exists(), f"the SYSTEM task did not write {out} within {timeout} s"
            time.sleep(0.5)
    finally:
        if wait:
            subprocess.run(["schtasks", "/Delete", "/TN", task, "/F"], capture_output=True)
    return out


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))
