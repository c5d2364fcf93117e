"""Secrets audit: a marker password goes through every way PyCert takes a PFX password,
in real processes, and must appear in no output, no log, no file PyCert wrote, no error
text, and no child process's command line."""

import os
import textwrap
from pathlib import Path

import pytest

from pycert.demo import samples
from tests.conftest import needs_mono, run_cli
from tests.pfxfiles import obn_pfx

MARKER = "Mk-7Qz!x9#secret"
WRONG = "Wr0ng-Mk-4471#secret"
NOW = samples.utc_now()

# Loaded by every Python process of a run (PYTHONPATH): records each child process's argv.
RECORDER = textwrap.dedent('''
    import os, subprocess
    _log = os.environ.get("PYCERT_AUDIT_ARGV")
    if _log:
        _real_init = subprocess.Popen.__init__
        def _init(self, args, *a, **k):
            with open(_log, "a", encoding="utf-8") as f:
                f.write(repr(args) + "\\n")
            _real_init(self, args, *a, **k)
        subprocess.Popen.__init__ = _init
        for _name in ("execv", "execve", "spawnv", "spawnve", "posix_spawn"):
            if hasattr(os, _name):
                _real = getattr(os, _name)
                def _wrap(*a, _real=_real, **k):
                    with open(_log, "a", encoding="utf-8") as f:
                        f.write(repr(a[:2]) + "\\n")
                    return _real(*a, **k)
                setattr(os, _name, _wrap)
''')


@pytest.fixture
def audit(cli_sandbox, tmp_path):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(RECORDER, encoding="utf-8")
    staging = tmp_path / "Downloads"
    staging.mkdir()
    old = samples.obn_certificate("0110119153", 20, NOW, key_seed=1)
    cli_sandbox.seed([old])
    pfx_path, _ = obn_pfx(staging, "renewed.pfx", 1185, NOW, password=MARKER)
    (staging / "renewed.txt").write_text(MARKER + "\n", encoding="utf-8")
    secret_file = tmp_path / "pw.txt"
    secret_file.write_text(MARKER + "\n", encoding="utf-8")
    policy = cli_sandbox.write_policy(f'[profiles.obn]\nstaging_folders = ["{staging.as_posix()}"]\n')
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {
        "PYTHONPATH": os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", ""), str(Path(__file__).parents[1])]),
        "PYCERT_AUDIT_ARGV": str(tmp_path / "argv.log"),
        "PYCERT_LOG_DIR": str(tmp_path / "logs"),
        "PYCERT_STATE_DIR": str(tmp_path / "state"),
        "PYCERT_LOCK_FILE": str(tmp_path / "pycert.lock"),
        "TMPDIR": str(temp),
    }
    return {"pfx": pfx_path, "file": secret_file, "policy": policy, "env": env, "root": tmp_path,
            "inputs": {pfx_path, staging / "renewed.txt", secret_file}}


@needs_mono
def test_marker_password_leaks_nowhere(audit, cli_sandbox):
    env, pfx = audit["env"], str(audit["pfx"])
    runs = [
        cli_sandbox.run("pfx", "inspect", pfx, "--password-stdin", "--format", "json", stdin=MARKER + "\n", env=env),
        cli_sandbox.run("pfx", "inspect", pfx, "--password-env", "PW", env={**env, "PW": WRONG}),
        cli_sandbox.run("--debug", "pfx", "inspect", pfx, "--password-env", "PW", env={**env, "PW": WRONG}),
        cli_sandbox.run("import", pfx, "--password-file", str(audit["file"]), "--dry-run", env=env),
        cli_sandbox.run("import", pfx, "--password-env", "PW", "--format", "json", env={**env, "PW": MARKER}),
        cli_sandbox.run("remediate", "expiry", "--format", "json", env=env),
        cli_sandbox.run("--log-level", "debug", "remediate", "expiry", env=env),
        cli_sandbox.run("cleanup", "--yes", env=env),
    ]
    codes = [r.code for r in runs]
    assert codes[0] == 0 and codes[1] == 2 and codes[2] == 2 and codes[4] == 0, codes
    assert "The password from environment variable PW is wrong for" in runs[1].stderr, runs[1].stderr
    for run in runs:
        for secret in (MARKER, WRONG):
            assert secret not in run.stdout and secret not in run.stderr

    logs = list((audit["root"] / "logs").rglob("*"))
    assert any(p.is_file() for p in logs), "the runs wrote a log to audit"
    scanned = 0
    for folder in (audit["root"], cli_sandbox.base):
        for path in folder.rglob("*"):
            if path.is_file() and path not in audit["inputs"] and path.name != "sitecustomize.py":
                data = path.read_bytes()
                scanned += 1
                for secret in (MARKER, WRONG):
                    assert secret.encode() not in data, path
                    assert secret.encode("utf-16-le") not in data, path
    assert scanned > 10
    argv_log = audit["root"] / "argv.log"
    # The recorder itself works: a control process's child is recorded.
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", "import subprocess; subprocess.run(['true'])"],
                   env={**os.environ, **env}, check=True)
    text = argv_log.read_text(encoding="utf-8")
    assert "['true']" in text
    assert MARKER not in text and WRONG not in text
