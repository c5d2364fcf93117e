"""What the detect path and `--version` import: a list, not a time (timings are measured by
benchmarks/expiry_bench.py). Each entry here is something that once sat on the path or
would plausibly creep back: a module the command does not use costs every terminal
start-up time on every Intune run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

# After `pycert detect expiry` on the built-in policy (no policy file).
NOT_ON_DETECT_PATH = [
    # other capabilities and commands
    "pycert.pfx.reader", "pycert.pfx.importer", "pycert.expiry.renewal", "pycert.expiry.cleanup",
    "pycert.mpki.job", "pycert.mpki.source", "pycert.rootca.job", "pycert.report", "pycert.doctor.job",
    "pycert.demo.samples", "pycert.policy.edit",
    # libraries only other commands need
    "pymsi", "tomli_w", "regex", "urllib.request", "http.client", "ssl", "csv",
    # the download route and proxy authentication (only downloads use them)
    "pycert.common.proxy", "pycert.common.tunnel", "pycert.platform.proxies", "spnego", "pypac", "truststore",
    # a policy file is only parsed when there is one
    "tomllib", "pycert.policy.tomlpos",
    # pydantic's plugin discovery scans every installed distribution's metadata
    "importlib.metadata",
]

PROBE = """
import json, sys
from pycert.cli.main import run
code = run(sys.argv[1:])
from pycert.policy.models import Policy
print(json.dumps({"code": code, "modules": sorted(sys.modules), "schema_built": Policy.__pydantic_complete__}))
"""


def probe(tmp_path, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYCERT_CONFIG", "PYDANTIC_DISABLE_PLUGINS")}
    env.update(XDG_CONFIG_HOME=str(tmp_path), PYTHONPATH=str(ROOT), PYCERT_LOG_DIR=str(tmp_path / "logs"))
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                          cwd=str(ROOT), timeout=120, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_detect_expiry_on_the_builtin_policy_imports_only_what_it_uses(cli_sandbox):
    result = probe(cli_sandbox.base, "detect", "expiry")
    assert result["code"] == 1  # no certificate: the required obn profile is missing
    loaded = [name for name in NOT_ON_DETECT_PATH if name in result["modules"]]
    assert loaded == []
    # The built-in policy is constructed, not validated: no validator schema is compiled.
    assert result["schema_built"] is False


def test_a_policy_file_is_still_validated(cli_sandbox):
    cli_sandbox.write_policy("[profiles.obn]\nrenewal_window_days = 60\n")
    result = probe(cli_sandbox.base, "detect", "expiry")
    assert result["schema_built"] is True
    assert "tomllib" in result["modules"]


VERSION_PROBE = """
import json, os, sys
real_exit = os._exit

def report_then_exit(code):
    print(json.dumps(sorted(sys.modules)))
    sys.stdout.flush()
    real_exit(code)

os._exit = report_then_exit
sys.argv = ["pycert", "--version"]
from pycert.launcher import main
main()
"""


def test_version_imports_neither_click_nor_the_cli():
    proc = subprocess.run([sys.executable, "-c", VERSION_PROBE], capture_output=True, text=True, cwd=str(ROOT),
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert proc.returncode == 0, proc.stderr
    version, modules = proc.stdout.splitlines()
    assert version.startswith("pycert ")
    loaded = [m for m in ("click", "pycert.cli", "pydantic", "cryptography", "pythonnet") if m in json.loads(modules)]
    assert loaded == []
